import { businessIdCheckDigit } from '../../domain/business-id';
import { severaCostCenterToCanonical, severaCustomerToCanonical, severaProductToCanonical } from '../../domain/mapping/severa-netvisor';

const id = `2000001-${businessIdCheckDigit('2000001')}`;

describe('Severa → Netvisor mappings', () => {
  it('customer: the Severa customer number becomes the Netvisor customer code', () => {
    const m = severaCustomerToCanonical({
      guid: 'g1', name: ' Revontuli Oy ', number: 1042, email: 'laskut@revontuli.fi', vatNumber: id,
      language: { code: 'fi' }, currency: { code: 'EUR' },
      headquarterAddress: { addressline: 'Hämeenkatu 1', postalCode: '33100', city: 'Tampere', country: 'Finland' },
    });
    expect(m).toEqual({
      record: {
        kind: 'customer', code: '1042', name: 'Revontuli Oy', businessId: id, email: 'laskut@revontuli.fi',
        address: { street: 'Hämeenkatu 1', postalCode: '33100', city: 'Tampere', country: 'FI' }, language: 'FI', currency: 'EUR',
      },
    });
  });

  it('customer without a number or with an invalid business ID is a reported problem', () => {
    expect(severaCustomerToCanonical({ guid: 'g', name: 'Nimetön Oy', number: null })).toEqual({ problem: 'customer "Nimetön Oy" has no customer number in Severa' });
    expect(severaCustomerToCanonical({ guid: 'g', name: 'Väärä Oy', number: 7, vatNumber: '1234567-8' })).toMatchObject({ problem: expect.stringMatching(/not a valid Finnish business ID/) });
  });

  it('product: JSON number prices become exact decimal strings', () => {
    expect(severaProductToCanonical({ guid: 'p', name: 'Konsultointi', code: 'K1', unitPrice: { amount: 0.1 + 0.2 > 0.3 ? 120.3 : 0 }, unitCost: { amount: 66.17 }, vatRate: 25.5, measurementUnit: 'h', isActive: true })).toEqual({
      record: { code: 'K1', name: 'Konsultointi', unitPrice: '120.3', vatRate: '25.5', unit: 'h', costPrice: '66.17', active: true },
    });
    expect(severaProductToCanonical({ guid: 'p', name: 'Ilman koodia', code: null })).toEqual({ problem: 'product "Ilman koodia" has no product code in Severa' });
  });

  it('cost centre: the dimension item code equals the Severa identifier', () => {
    expect(severaCostCenterToCanonical({ guid: 'c', name: 'Asennus', identifier: '400', isActive: false })).toEqual({ record: { code: '400', name: 'Asennus', active: false } });
  });
});
