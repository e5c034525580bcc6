import { canonicalPartyToSo, canonicalProductToSo, pairByReference, soCompanyToCanonical, soProductToCanonical } from '../../domain/mapping/rackbeat-twentyfourseven';

describe('Rackbeat ↔ 24SevenOffice mappings', () => {
  it('24SO company → canonical: invoice address first, Norwegian organisation number kept verbatim', () => {
    const m = soCompanyToCanonical('customer', {
      id: 7, name: ' Fjellvegen AS ', organizationNumber: '923456783', country: 'NO',
      addresses: { post: { street: 'Postboks 1', postalCode: '0101', city: 'Oslo', country: 'NO' }, invoice: { street: 'Storgata 5', postalCode: '0150', postalArea: 'Oslo', country: 'NO' } },
      emailAddresses: { invoice: { value: 'faktura@fjell.no' } }, phoneNumbers: { work: { value: '+47 22 00 00 00' } }, currencyId: 'LOCAL',
    });
    expect(m).toEqual({
      record: { kind: 'customer', name: 'Fjellvegen AS', organisationNumber: '923456783', email: 'faktura@fjell.no', phone: '+47 22 00 00 00', address: { street: 'Storgata 5', postalCode: '0150', city: 'Oslo', country: 'NO' } },
    });
  });

  it('canonical → 24SO company: the Rackbeat number becomes ExternalId, suppliers get Type Supplier', () => {
    const so = canonicalPartyToSo({ kind: 'supplier', code: '5001', name: 'Lev AS', organisationNumber: '923456783', address: { street: 'Vei 1', postalCode: '5003', city: 'Bergen', country: 'NO' } });
    expect(so).toMatchObject({ externalId: '5001', organizationNumber: '923456783', name: 'Lev AS', type: 'Supplier', country: 'NO' });
  });

  it('products: 24SO No is the Rackbeat number; names are cut to 24SO\'s 125 characters', () => {
    expect(soProductToCanonical({ id: 3, no: 'P1000', name: 'Skrue M', price: '10.50', inPrice: '4.2000', statusId: 1 }, 'Verktøy')).toEqual({
      record: { code: 'P1000', name: 'Skrue M', unitPrice: '10.5', costPrice: '4.2', groupCode: 'Verktøy', active: true },
    });
    expect(soProductToCanonical({ id: 4, no: '', name: 'X' })).toEqual({ problem: '24SO product 4 "X" has no product number' });
    expect(canonicalProductToSo({ code: 'A', name: 'n'.repeat(130), unitPrice: '1', active: false }, 9)).toEqual({ no: 'A', name: 'n'.repeat(125), price: '1', statusId: 0, categoryId: 9 });
  });

  it('pairs by the stored reference first, then organisation number, then name; never takes a record linked elsewhere', () => {
    const candidates = [
      { targetKey: '1', link: '77', name: 'Linked AS' },
      { targetKey: '2', name: 'Org AS', businessId: '923456783' },
      { targetKey: '3', name: 'Navn AS' },
      { targetKey: '4', link: '99', name: 'Navn Annen AS', businessId: '999999999' },
    ];
    expect(pairByReference('77', { name: 'Whatever' }, candidates, 'Rackbeat')).toEqual({ action: 'update', targetKey: '1', rule: 'externalId' });
    expect(pairByReference('78', { name: 'Org', organisationNumber: '923456783' }, candidates, 'Rackbeat')).toEqual({ action: 'update', targetKey: '2', rule: 'businessId' });
    expect(pairByReference('79', { name: 'navn  as' }, candidates, 'Rackbeat')).toEqual({ action: 'update', targetKey: '3', rule: 'name' });
    expect(pairByReference('80', { name: 'Navn Annen AS', organisationNumber: '999999999' }, candidates, 'Rackbeat')).toEqual({ action: 'create' });
  });
});
