import { matchBlocker, type NetvisorSalesDocumentInput } from '../../../connectors/netvisor';
import { matchCreditNoteBody } from '../../../connectors/netvisor/credit-notes';
import { salesDocumentBody } from '../../../connectors/netvisor/sales-documents';
import { control, startTestSandboxes } from '../../support/sandboxes';
import { caught, fixtureClient, sandboxClient } from './helpers';

/**
 * Credit notes through the Netvisor connector against the sandbox (docs/wire/netvisor.md#credit-notes): a credit
 * note is salesinvoice.nv with negative quantities and total, unit price positive; matchcreditnote.nv links it to
 * the invoice it credits once both are sent; getsalesinvoice.nv replyoption 16/32 shows the link.
 */
let url: string;
let stop: () => Promise<void>;

beforeAll(async () => {
  const started = await startTestSandboxes(['netvisor'], 7);
  url = started.sandboxes.netvisor.url;
  stop = started.stop;
});
afterAll(() => stop());
beforeEach(() => control(url, 'reset', {}));

const invoice = (over: Partial<NetvisorSalesDocumentInput> = {}): NetvisorSalesDocumentInput => ({
  kind: 'invoice',
  number: '6001',
  date: '2026-03-02',
  dueDate: '2026-03-16',
  status: 'open',
  currency: 'EUR',
  amount: '62.75',
  customerCode: '1001',
  billing: { name: 'Tammisaaren Puutarha Oy', street: 'Kauppakatu 3', postalCode: '10600', city: 'Tammisaari', country: 'FI' },
  ourReference: 'Rackbeat 6001',
  lines: [{ type: 'product', productCode: 'P1000', name: 'Tuote', unitPrice: '25.00', priceType: 'net', vatPercent: '25.5', vatCode: 'KOMY', quantity: '2' }],
  ...over,
});

/** Credits one of the two units: quantity and total given positive, with the credit-note flag. */
const creditNote = (over: Partial<NetvisorSalesDocumentInput> = {}): NetvisorSalesDocumentInput =>
  invoice({ number: '6002', amount: '31.38', ourReference: 'Rackbeat 6002', creditNote: true, lines: [{ ...invoice().lines[0], quantity: '1' } as never], ...over });

describe('credit notes on salesinvoice.nv', () => {
  it('the flag writes quantity and total negative and the unit price positive; Netvisor stores a negative invoice', async () => {
    const body = salesDocumentBody(creditNote());
    expect(body).toContain('<salesinvoiceamount iso4217currencycode="EUR">-31,38</salesinvoiceamount>');
    expect(body).toContain('<salesinvoiceproductlinequantity>-1</salesinvoiceproductlinequantity>');
    expect(body).toContain('<productunitprice type="net">25,00</productunitprice>');

    const nv = sandboxClient(url);
    const key = await nv.addSalesDocument(creditNote());
    const doc = await nv.getSalesDocument('invoice', key);
    expect(doc).toMatchObject({ number: '6002', amount: '-31.38', status: 'open', customerCode: '1001' });
    expect(doc?.lines[0]).toMatchObject({ type: 'product', productCode: 'P1000', quantity: '-1', unitPrice: '25' });
    expect(await nv.findSalesDocumentByNumber('invoice', '6002')).toMatchObject({ netvisorKey: key, sum: '-31.38' });
    const stored = (await control(url, 'state')).salesInvoices.find((d: any) => String(d.netvisorKey) === key);
    expect(stored.lines[0]).toMatchObject({ quantity: '-1', unitPrice: '25', sum: '-31.38' });
  });

  it('without a given total Netvisor computes a negative one from the rows', async () => {
    const nv = sandboxClient(url);
    const key = await nv.addSalesDocument(creditNote({ amount: undefined }));
    expect((await nv.getSalesDocument('invoice', key))?.amount).toBe('-31.38');
  });

  it('the flag refuses negative input and orders before anything is sent', async () => {
    const { client, requests } = fixtureClient('<Root/>');
    for (const bad of [
      creditNote({ amount: '-31.38' }),
      creditNote({ lines: [{ ...invoice().lines[0], quantity: '-1' } as never] }),
      creditNote({ lines: [{ ...invoice().lines[0], quantity: '1', unitPrice: '-25' } as never] }),
      creditNote({ kind: 'order', status: 'undelivered' }),
    ]) {
      expect(await caught(client.addSalesDocument(bad))).toMatchObject({ errorClass: 'validation', resource: 'salesinvoice.nv' });
    }
    expect(requests).toHaveLength(0);
  });

  it('the sandbox refuses what a credit note may not be: a negative unit price, a total whose sign contradicts the rows', async () => {
    const nv = sandboxClient(url);
    const negativePrice = invoice({
      number: '6003',
      amount: undefined,
      lines: [
        { ...invoice().lines[0], quantity: '-2' } as never,
        { type: 'product', productCode: 'P1001', name: 'Alennus', unitPrice: '-3', priceType: 'net', vatPercent: '25.5', vatCode: 'KOMY', quantity: '1' },
      ],
    });
    const err = await caught(nv.addSalesDocument(negativePrice));
    expect(err).toMatchObject({ errorClass: 'validation', code: 'INVALID_DATA' });
    expect(err.message).toMatch(/unit price stays positive/);
    const mixed = await caught(nv.addSalesDocument(invoice({ number: '6004', amount: '62.75', lines: [{ ...invoice().lines[0], quantity: '-2' } as never] })));
    expect(mixed.message).toMatch(/opposite signs/);
    expect(await nv.findSalesDocumentByNumber('invoice', '6003')).toBeNull();
  });
});

describe('matchcreditnote.nv', () => {
  it('matches once both are sent: waits while the invoice is unsent, then links them, reduces the open sums and refuses a second match', async () => {
    const nv = sandboxClient(url);
    const invoiceKey = await nv.addSalesDocument(invoice({ status: 'unsent' }));
    const creditKey = await nv.addSalesDocument(creditNote());
    const inv = (await nv.findSalesDocumentByNumber('invoice', '6001'))!;
    const cn = (await nv.findSalesDocumentByNumber('invoice', '6002'))!;
    expect(matchBlocker(cn, inv)).toEqual({ waiting: true, message: expect.stringContaining('invoice 6001 is still unsent') });
    const early = await caught(nv.matchCreditNote(creditKey, invoiceKey));
    expect(early).toMatchObject({ errorClass: 'validation', code: 'INVALID_DATA', resource: 'matchcreditnote.nv' });
    expect(early.message).toMatch(/must be sent/);
    expect(await nv.getCreditNoteMatch(creditKey)).toBeNull();

    // Netvisor sends the invoice (here: the documented status update, which creates its voucher).
    await nv.updateSalesInvoiceStatus([invoiceKey], 'open');
    const sent = (await nv.findSalesDocumentByNumber('invoice', '6001'))!;
    expect(matchBlocker(cn, sent)).toBeNull();
    await nv.matchCreditNote(creditKey, invoiceKey);

    expect(await nv.getCreditNoteMatch(creditKey)).toEqual({ invoiceKey, invoiceNumber: '6001' });
    expect(await nv.findSalesDocumentByNumber('invoice', '6001')).toMatchObject({ status: 'open', openSum: '31.37' });
    expect(await nv.findSalesDocumentByNumber('invoice', '6002')).toMatchObject({ status: 'paid', openSum: '0.00' });
    const state = await control(url, 'state');
    const byKey = (k: string) => state.salesInvoices.find((d: any) => String(d.netvisorKey) === k);
    expect(byKey(creditKey)).toMatchObject({ creditedInvoiceNetvisorKey: Number(invoiceKey), creditedInvoiceNumber: '6001' });
    expect(byKey(invoiceKey)).toMatchObject({ creditNoteNetvisorKeys: [Number(creditKey)] });

    expect(await caught(nv.matchCreditNote(creditKey, invoiceKey))).toMatchObject({ errorClass: 'conflict', code: 'DUPLICATE_DATA' });
  });

  it('the sandbox plays Netvisor sending unsent invoices (POST /__sandbox/netvisor/send-unsent), after which the match goes through', async () => {
    const nv = sandboxClient(url);
    const invoiceKey = await nv.addSalesDocument(invoice({ status: 'unsent' }));
    const creditKey = await nv.addSalesDocument(creditNote({ status: 'unsent' }));
    const other = await nv.addSalesDocument(invoice({ number: '6007', status: 'unsent' }));
    const res = await fetch(`${url}/__sandbox/netvisor/send-unsent`, { method: 'POST', body: JSON.stringify({ netvisorKeys: [Number(invoiceKey), Number(creditKey)] }) });
    expect(await res.json()).toEqual({ ok: true, sent: [Number(invoiceKey), Number(creditKey)] });
    expect((await nv.findSalesDocumentByNumber('invoice', '6007'))?.status).toBe('unsent');
    await nv.matchCreditNote(creditKey, invoiceKey);
    expect(await nv.getCreditNoteMatch(creditKey)).toMatchObject({ invoiceKey });
    const all = await fetch(`${url}/__sandbox/netvisor/send-unsent`, { method: 'POST', body: '{}' });
    expect(await all.json()).toEqual({ ok: true, sent: [Number(other)] });
  });

  it('a full credit pays both; the invoice itself shows no credited invoice', async () => {
    const nv = sandboxClient(url);
    const invoiceKey = await nv.addSalesDocument(invoice());
    const creditKey = await nv.addSalesDocument(creditNote({ amount: '62.75', lines: invoice().lines }));
    await nv.matchCreditNote(creditKey, invoiceKey);
    expect(await nv.findSalesDocumentByNumber('invoice', '6001')).toMatchObject({ status: 'paid', openSum: '0.00' });
    expect(await nv.getCreditNoteMatch(invoiceKey)).toBeNull();
  });

  it('refuses another customer, a credit note that is not negative, different currencies and unknown keys', async () => {
    const nv = sandboxClient(url);
    const invoiceKey = await nv.addSalesDocument(invoice());
    const otherCustomer = await nv.addSalesDocument(creditNote({ customerCode: '1002' }));
    const positive = await nv.addSalesDocument(invoice({ number: '6005' }));
    const sek = await nv.addSalesDocument(creditNote({ number: '6006', currency: 'SEK' }));
    const message = async (p: Promise<unknown>) => {
      const e = await caught(p);
      expect(e).toMatchObject({ errorClass: 'validation', code: 'INVALID_DATA' });
      return e.message as string;
    };
    expect(await message(nv.matchCreditNote(otherCustomer, invoiceKey))).toMatch(/different customers/);
    expect(await message(nv.matchCreditNote(positive, invoiceKey))).toMatch(/is not a credit note/);
    expect(await message(nv.matchCreditNote(sek, invoiceKey))).toMatch(/different currencies/);
    expect(await message(nv.matchCreditNote('999999', invoiceKey))).toMatch(/Credit note not found/);
    expect(await message(nv.matchCreditNote(otherCustomer, '999999'))).toMatch(/Sales invoice not found/);
    expect(await caught(nv.getCreditNoteMatch('999999'))).toMatchObject({ errorClass: 'not-found' });

    const docs = await nv.listSalesDocuments({ kind: 'invoice' });
    const find = (n: string) => docs.find((d) => d.number === n)!;
    expect(matchBlocker(find('6002'), find('6001'))).toMatchObject({ waiting: false, message: expect.stringContaining('customer 1002') });
    expect(matchBlocker(find('6005'), find('6001'))).toMatchObject({ waiting: false, message: expect.stringContaining('not a credit note') });
    const state = await control(url, 'state');
    expect(state.salesInvoices.some((d: any) => d.creditedInvoiceNetvisorKey !== undefined)).toBe(false);
  });

  it('the request body is the documented matchcreditnote element; the reply is the bare OK envelope', async () => {
    expect(matchCreditNoteBody({ creditNoteKey: '2597', invoiceKey: '2582' })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><root><matchcreditnote><creditnotenetvisorkey>2597</creditnotenetvisorkey><invoicenetvisorkey>2582</invoicenetvisorkey></matchcreditnote></root>',
    );
    expect(await caught(sandboxClient(url).matchCreditNote('abc', '1'))).toMatchObject({ errorClass: 'validation', field: 'creditnotenetvisorkey' });
  });
});
