import { businessIdCheckDigit } from '../../domain/business-id';
import { identityCustomerCode } from '../../domain/customer-code';
import { DIGITS_ONLY, pairParty, type PartyCandidate } from '../../domain/mapping/pairing';
import { matchCustomer, type MatchRule } from '../../domain/matching';
import type { Party } from '../../domain/model';

const id = (body: string) => `${body}-${businessIdCheckDigit(body)}`;
const A = id('3000001');
const B = id('3000005');
const all: MatchRule[] = ['customerNumber', 'businessId', 'name'];
const keyOf = (c: { key: string }) => c.key;

describe('the one customer matcher: ambiguous rules are never resolved by taking the first card', () => {
  it('reports two cards with one business ID as ambiguous, naming both', () => {
    const cards = [
      { key: '1', code: '100', name: 'Kivi Oy', businessId: A },
      { key: '2', code: '101', name: 'Kivi Oy (vanha)', businessId: A },
    ];
    expect(matchCustomer({ name: 'Kivi Oy', businessId: A }, cards, all, { keyOf })).toEqual({ kind: 'ambiguous', rule: 'businessId', candidates: cards });
  });

  it('reports two cards with one name as ambiguous for a business customer, and two with one number too', () => {
    const byName = [
      { key: '1', code: '200', name: 'Metsä Ky' },
      { key: '2', code: '201', name: 'metsä  ky' },
    ];
    expect(matchCustomer({ name: 'Metsä Ky', businessId: B }, byName, all, { keyOf })).toMatchObject({ kind: 'ambiguous', rule: 'name', candidates: byName });
    const byNumber = [
      { key: '1', code: '300', name: 'Eka' },
      { key: '2', code: '300', name: 'Toka' },
    ];
    expect(matchCustomer({ code: '300', name: 'Eka' }, byNumber, all, { keyOf })).toMatchObject({ kind: 'ambiguous', rule: 'customerNumber' });
  });

  it('counts one card found by several look-ups once', () => {
    const card = { key: '7', code: '700', name: 'Järvi Oy', businessId: A };
    expect(matchCustomer({ name: 'Järvi Oy', businessId: A }, [card, { ...card }, { ...card }], all, { keyOf })).toEqual({ kind: 'match', rule: 'businessId', candidate: card });
  });

  it('does not match a private person by name unless asked to: namesakes are not one customer', () => {
    const cards = [{ key: '1', code: '400', name: 'Matti Virtanen' }];
    expect(matchCustomer({ name: 'Matti Virtanen' }, cards, all, { keyOf })).toEqual({ kind: 'none' });
    expect(matchCustomer({ name: 'Matti Virtanen' }, cards, all, { keyOf, nameWithoutBusinessId: true })).toMatchObject({ kind: 'match', rule: 'name' });
    // A business customer may be matched by name: the card has no business ID yet.
    expect(matchCustomer({ name: 'matti virtanen', businessId: A }, cards, all, { keyOf })).toMatchObject({ kind: 'match', rule: 'name' });
  });

  it('says "contradicted" for the same number or name on a card of another company, and skips such cards among namesakes', () => {
    expect(matchCustomer({ code: '500', name: 'X', businessId: A }, [{ key: '1', code: '500', name: 'Y', businessId: B }], all, { keyOf })).toMatchObject({ kind: 'contradicted', rule: 'customerNumber' });
    expect(matchCustomer({ name: 'Sama Oy', businessId: A }, [{ key: '1', code: '501', name: 'Sama Oy', businessId: B }], all, { keyOf })).toMatchObject({ kind: 'contradicted', rule: 'name' });
    const namesakes = [
      { key: '1', code: '502', name: 'Sama Oy', businessId: B },
      { key: '2', code: '503', name: 'Sama Oy' },
    ];
    expect(matchCustomer({ name: 'Sama Oy', businessId: A }, namesakes, all, { keyOf })).toMatchObject({ kind: 'match', rule: 'name', candidate: { code: '503' } });
  });

  it('compares a foreign organisation number verbatim, without spaces or case', () => {
    expect(matchCustomer({ name: 'Fjord AS', businessId: '923 456 783' }, [{ key: '1', code: '9', name: 'Fjord', businessId: '923456783' }], all, { keyOf })).toMatchObject({ kind: 'match', rule: 'businessId' });
  });
});

describe('register migration pairs through the same matcher', () => {
  const nv = DIGITS_ONLY('Netvisor');
  const party = (over: Partial<Party> = {}): Party => ({ kind: 'customer', code: '2001', name: 'Kuusi Oy', address: { street: '', postalCode: '', city: '', country: 'FI' }, ...over });

  it('reports a customer code on two cards as a conflict naming both, instead of updating the first', () => {
    const cards: PartyCandidate[] = [
      { targetKey: 'k1', code: '2001', name: 'Kuusi Oy' },
      { targetKey: 'k2', code: '2001', name: 'Kuusi Oy kopio' },
    ];
    const p = pairParty(party(), cards, nv, 'Netvisor');
    expect(p).toMatchObject({ action: 'conflict' });
    expect((p as { reason: string }).reason).toBe('customer code 2001 is on 2 Netvisor cards ("Kuusi Oy" (code 2001), "Kuusi Oy kopio" (code 2001)): keep one');
  });

  it('reports two cards with the same name as a conflict naming them', () => {
    const cards: PartyCandidate[] = [
      { targetKey: 'k1', code: '9001', name: 'Kuusi Oy' },
      { targetKey: 'k2', code: '9002', name: 'KUUSI OY' },
    ];
    const p = pairParty(party(), cards, nv, 'Netvisor');
    expect((p as { reason: string }).reason).toBe('2 Netvisor cards are named "Kuusi Oy" ("Kuusi Oy" (code 9001), "KUUSI OY" (code 9002)): give them business IDs or merge them');
  });
});

describe('the customer number a new customer gets comes from who they are', () => {
  const consumer = (over: Partial<Party> = {}): Party => ({ kind: 'customer', name: 'Maija Mäkinen', email: 'maija@example.fi', address: { street: 'Koulukatu 3', postalCode: '90100', city: 'Oulu', country: 'FI' }, ...over });

  it('is the same for every order of one customer, whatever the case and spacing', () => {
    const code = identityCustomerCode(consumer());
    expect(code).toMatch(/^9\d{11}$/);
    expect(identityCustomerCode(consumer({ email: 'Maija@Example.fi', name: 'maija  mäkinen' }))).toBe(code);
    expect(identityCustomerCode(consumer({ email: 'matti@example.fi' }))).not.toBe(code);
  });

  it('is the business ID digits for a company, and the order’s own number when it has a numeric one', () => {
    expect(identityCustomerCode(consumer({ businessId: A }))).toBe(A.replace('-', ''));
    expect(identityCustomerCode(consumer({ code: '4711' }))).toBe('4711');
    expect(identityCustomerCode(consumer({ code: 'WEB-1', businessId: A }))).toBe(A.replace('-', ''));
  });

  it('tells apart two people without email by name and address', () => {
    const a = identityCustomerCode(consumer({ email: undefined }));
    const b = identityCustomerCode(consumer({ email: undefined, address: { street: 'Toinen katu 1', postalCode: '00100', city: 'Helsinki', country: 'FI' } }));
    expect(a).toMatch(/^9\d{11}$/);
    expect(a).not.toBe(b);
  });
});
