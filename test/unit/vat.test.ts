import { finnishVatRates, nearestFinnishRate, ratioTolerance, salesLineGross } from '../../domain/vat';

describe('finnishVatRates', () => {
  test.each([
    ['2013-01-01', { standard: '24', reduced: '14', lowerReduced: '10' }],
    ['2024-08-31', { standard: '24', reduced: '14', lowerReduced: '10' }],
    ['2024-09-01', { standard: '25.5', reduced: '14', lowerReduced: '10' }],
    ['2025-12-31T23:59:59', { standard: '25.5', reduced: '14', lowerReduced: '10' }],
    ['2026-01-01', { standard: '25.5', reduced: '13.5', lowerReduced: '10' }],
    ['2012-06-30', { standard: '23', reduced: '13', lowerReduced: '9' }],
  ])('%s', (date, rates) => expect(finnishVatRates(date)).toEqual(rates));

  test('refuses what it does not know', () => {
    expect(() => finnishVatRates('2009-01-01')).toThrow(/no Finnish VAT rates known/);
    expect(() => finnishVatRates('yesterday')).toThrow(/not an ISO date/);
  });
});

describe('nearestFinnishRate', () => {
  test('snaps computed rates to the rates in force on the date', () => {
    expect(nearestFinnishRate('25.508', '2024-09-02')).toBe('25.5');
    expect(nearestFinnishRate('23.98', '2024-08-31')).toBe('24');
    expect(nearestFinnishRate(13.99, '2025-05-01')).toBe('14');
    expect(nearestFinnishRate('13.52', '2026-01-01')).toBe('13.5');
    expect(nearestFinnishRate('0', '2026-01-01')).toBe('0');
  });

  test('a rate not in force on the date does not snap', () => {
    expect(nearestFinnishRate('24', '2025-01-01')).toBeNull();
    expect(nearestFinnishRate('14', '2026-03-01')).toBeNull();
    expect(nearestFinnishRate('25.5', '2024-08-31')).toBeNull();
    expect(nearestFinnishRate('19', '2025-01-01', '1')).toBeNull();
  });

  test('the tolerance grows as the amount shrinks', () => {
    // 0.13 tax on 0.50 net is 26 % — within half a cent of 25.5 %.
    expect(nearestFinnishRate('26', '2025-01-01', ratioTolerance('0.50'))).toBe('25.5');
    expect(nearestFinnishRate('26', '2025-01-01', ratioTolerance('500'))).toBeNull();
  });
});

describe('salesLineGross', () => {
  test('gross rows multiply out; net rows get their VAT; discounts apply first', () => {
    expect(salesLineGross({ quantity: '3', unitPrice: '6.49', priceIncludesVat: true, vatRate: '14' }).toFixed(2)).toBe('19.47');
    expect(salesLineGross({ quantity: '2', unitPrice: '10.00', priceIncludesVat: false, vatRate: '25.5' }).toFixed(2)).toBe('25.10');
    expect(salesLineGross({ quantity: '1', unitPrice: '9.99', priceIncludesVat: false, vatRate: '25.5', discountPercent: '10' }).toFixed(2)).toBe('11.28');
  });
});
