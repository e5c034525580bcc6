import { SyncSettings } from '../../config/sync-schema';
import { businessIdCheckDigit } from '../../domain/business-id';
import { DIGITS_ONLY, pairByCode, pairParty, type PartyCandidate } from '../../domain/mapping/pairing';
import { canonicalPartyToRackbeat, canonicalProductToRackbeat, rackbeatPartyToCanonical, rackbeatProductToCanonical } from '../../domain/mapping/rackbeat-netvisor';
import type { Party } from '../../domain/model';
import { checkRoute, contentHash, sameContent } from '../../domain/sync';

const id = (body: string) => `${body}-${businessIdCheckDigit(body)}`;
const A = id('2000001');
const B = id('2000003');
const party = (over: Partial<Party> = {}): Party => ({ kind: 'customer', code: '2001', name: 'Kuusi Oy', businessId: A, address: { street: '', postalCode: '', city: '', country: 'FI' }, ...over });
const nv = DIGITS_ONLY('Netvisor');

describe('pairing rules: customer code, then business ID, then name', () => {
  const candidates: PartyCandidate[] = [
    { targetKey: 'k1', code: '2001', name: 'Kuusi Oy (vanha)', businessId: A },
    { targetKey: 'k2', code: '9002', name: 'Mänty Oy', businessId: B },
    { targetKey: 'k3', code: '9003', name: 'koivu   OY' },
  ];

  it('matches by customer code first', () => {
    expect(pairParty(party(), candidates, nv, 'Netvisor')).toEqual({ action: 'update', targetKey: 'k1', rule: 'customerNumber' });
  });

  it('matches by business ID second (the card will be overwritten, code included)', () => {
    expect(pairParty(party({ code: '2002', name: 'Mänty', businessId: B }), candidates, nv, 'Netvisor')).toEqual({ action: 'update', targetKey: 'k2', rule: 'businessId' });
  });

  it('matches by name third: "Nimi" = "Nimi" whatever the case and spacing', () => {
    expect(pairParty(party({ code: '2003', name: 'Koivu Oy', businessId: undefined }), candidates, nv, 'Netvisor')).toEqual({ action: 'update', targetKey: 'k3', rule: 'name' });
  });

  it('creates when nothing matches', () => {
    expect(pairParty(party({ code: '2004', name: 'Uusi Oy', businessId: id('2000005') }), candidates, nv, 'Netvisor')).toEqual({ action: 'create' });
  });

  it('skips a customer code that is not digits only, with the reason', () => {
    const p = pairParty(party({ code: 'TEMP' }), candidates, nv, 'Netvisor');
    expect(p).toEqual({ action: 'skip', reason: 'customer code "TEMP" is not numeric: Netvisor customer codes must be digits only' });
  });

  it('reports a conflict when the same code belongs to another company, or a business ID is on two cards', () => {
    const clash = pairParty(party({ businessId: id('2000007') }), candidates, nv, 'Netvisor');
    expect(clash.action).toBe('conflict');
    const twice = pairParty(party({ code: '5', name: 'X' }), [...candidates, { targetKey: 'k4', code: '77', name: 'Y', businessId: A }], nv, 'Netvisor');
    expect(twice).toMatchObject({ action: 'conflict' });
    expect((twice as { reason: string }).reason).toMatch(/business ID .* is on 2 Netvisor cards/);
  });

  it('pairs products, groups and cost centres by code', () => {
    expect(pairByCode('P1', [{ targetKey: '10', code: 'P1' }], 'product', 'Netvisor')).toEqual({ action: 'update', targetKey: '10', rule: 'code' });
    expect(pairByCode('P2', [{ targetKey: '10', code: 'P1' }], 'product', 'Netvisor')).toEqual({ action: 'create' });
  });
});

describe('Rackbeat ↔ canonical', () => {
  const rb = { number: 1007, company_name: ' Fjord AS ', company_vat: '923456783', address_street: 'Storgata 1', address_city: 'Oslo', address_zipcode: '0150', address_country: 'NO', contact_email: 'post@fjord.no', contact_phone: '', currency: 'nok' };

  it('keeps a Norwegian organisation number verbatim and a Finnish business ID normalised', () => {
    const m = rackbeatPartyToCanonical('customer', rb);
    expect(m).toEqual({ record: { kind: 'customer', code: '1007', name: 'Fjord AS', organisationNumber: '923456783', email: 'post@fjord.no', address: { street: 'Storgata 1', postalCode: '0150', city: 'Oslo', country: 'NO' }, currency: 'NOK' } });
    const fi = rackbeatPartyToCanonical('customer', { ...rb, company_vat: `FI${A.replace('-', '')}`, address_country: 'Finland' });
    expect(fi).toMatchObject({ record: { businessId: A, address: { country: 'FI' } } });
  });

  it('reports an invalid Finnish business ID instead of dropping it', () => {
    const bad = `${A.slice(0, 8)}${(Number(A.slice(8)) + 1) % 10}`;
    expect(rackbeatPartyToCanonical('customer', { ...rb, company_vat: bad, address_country: 'FI' })).toEqual({
      problem: `customer 1007 "Fjord AS": business ID "${bad}" is not a valid Finnish business ID (check digit does not match)`,
    });
  });

  it('writes Rackbeat customers with the configured payment term, currency and language', () => {
    const body = canonicalPartyToRackbeat(party({ currency: undefined }), { paymentTermsId: 3, currency: 'NOK', locale: 'nb' });
    expect(body).toMatchObject({ number: 2001, company_name: 'Kuusi Oy', company_vat: A, currency: 'NOK', locale: 'nb', payment_terms_id: 3 });
  });

  it('maps products both ways and refuses a product number over 25 characters', () => {
    const p = rackbeatProductToCanonical({ number: 'P-1/B', name: 'Ruuvi', sales_price: '12.50', recommended_cost_price: '6.1', barcode: '', is_barred: false, group: { number: 2, name: 'Varer' } });
    expect(p).toEqual({ record: { code: 'P-1/B', name: 'Ruuvi', unitPrice: '12.5', costPrice: '6.1', groupCode: 'Varer', active: true } });
    const long = canonicalProductToRackbeat({ code: 'X'.repeat(26), name: 'Pitkä', unitPrice: '1', active: true }, 1);
    expect(long).toEqual({ problem: `product number "${'X'.repeat(26)}" is 26 characters: Rackbeat allows at most 25` });
    expect(canonicalProductToRackbeat({ code: 'X'.repeat(25), name: 'OK', unitPrice: '1', active: false }, 4)).toEqual({ record: { number: 'X'.repeat(25), name: 'OK', group: 4, sales_price: '1', is_barred: true } });
  });
});

describe('content comparison and echo fingerprints', () => {
  it('compares only what the source gives, decimals by value', () => {
    expect(sameContent({ code: 'P1', unitPrice: '12.50' }, { code: 'P1', unitPrice: '12.5', vatRate: '25.5' })).toBe(true);
    expect(sameContent({ code: 'P1', unitPrice: '12.51' }, { code: 'P1', unitPrice: '12.5' })).toBe(false);
    expect(contentHash({ a: '25.0000', b: 'x' })).toBe(contentHash({ b: 'x', a: '25' }));
    expect(contentHash({ a: '1' })).not.toBe(contentHash({ a: '2' }));
  });
});

describe('sync configuration', () => {
  it('accepts a pair with registers in allowed directions and defaults NOK/Norwegian', () => {
    const s = SyncSettings.parse({ pairs: [{ pair: 'rackbeat-24so', registers: { products: { direction: '24so-to-rackbeat' } } }] });
    expect(s.pairs[0]).toMatchObject({ currency: 'NOK', language: 'nb', pollEvery: '5m', propagateDeletes: false });
  });

  it('refuses a direction the pair does not allow, and a master outside the pair', () => {
    const bad = SyncSettings.safeParse({ pairs: [{ pair: 'severa-netvisor', registers: { customers: { direction: 'netvisor-to-severa' }, products: { direction: 'severa-to-netvisor', master: 'rackbeat' } } }] });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toEqual(expect.arrayContaining(['pairs.0.registers.customers.direction: register customers of severa-netvisor goes severa-to-netvisor, not "netvisor-to-severa"', 'pairs.0.registers.products.master: master must be severa or netvisor']));
    expect(checkRoute('rackbeat-netvisor', 'cost-centres', 'rackbeat-to-netvisor')).toMatch(/has no register "cost-centres"/);
  });
});
