import { matchCustomer } from '../../domain/matching';
import { cents, roundTo, sum, toDecimalString } from '../../domain/money';
import { documentNumber } from '../../domain/numbering';

describe('document numbering', () => {
  const range = { offset: 900000, max: 999999 };
  it('places the shop order number in the configured range', () => {
    expect(documentNumber('1234', range)).toEqual({ ok: true, number: '901234' });
  });
  it('refuses a number past the range instead of wrapping it', () => {
    const r = documentNumber('100000', range);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/above the configured maximum 999999/);
  });
  it('refuses an order number that is not a whole number', () => {
    expect(documentNumber('A-17', range).ok).toBe(false);
  });
});

describe('customer matching', () => {
  const register = [
    { code: '100', name: 'Kivi Oy', businessId: '1234567-1' },
    { code: '200', name: 'Metsä Ky' },
    { code: '300', name: 'Järvi Oy', businessId: '2345678-0' },
  ];
  const all = ['customerNumber', 'businessId', 'name'] as const;

  it('tries customer number, then business ID, then name', () => {
    expect(matchCustomer({ code: '200', name: 'Other', businessId: '1234567-1' }, register, all)).toMatchObject({ kind: 'match', rule: 'customerNumber', candidate: { code: '200' } });
    expect(matchCustomer({ code: '999', name: 'Metsä Ky', businessId: 'FI23456780' }, register, all)).toMatchObject({ kind: 'match', rule: 'businessId', candidate: { code: '300' } });
    expect(matchCustomer({ name: '  metsä   ky ' }, register, all, { nameWithoutBusinessId: true })).toMatchObject({ kind: 'match', rule: 'name', candidate: { code: '200' } });
  });

  it('uses only the configured rules', () => {
    expect(matchCustomer({ name: 'Metsä Ky' }, register, ['customerNumber', 'businessId'])).toEqual({ kind: 'none' });
    expect(matchCustomer({ code: '100', name: 'x' }, register, ['name'])).toEqual({ kind: 'none' });
  });
});

describe('money', () => {
  it('rounds half away from zero to the cent and sums exactly', () => {
    expect(cents('0.125')).toBe('0.13');
    expect(cents('-0.125')).toBe('-0.13');
    expect(roundTo('2.675').toFixed(2)).toBe('2.68'); // a binary float would give 2.67
    expect(sum(['0.1', '0.2']).toString()).toBe('0.3');
    expect(toDecimalString('12.5000', 2)).toBe('12.50');
    expect(toDecimalString('3.000')).toBe('3');
  });
});
