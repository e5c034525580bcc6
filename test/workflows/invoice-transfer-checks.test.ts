import { toNetvisorInvoice } from '../../activities/invoices/netvisor';
import { currencyProblem, toSoInvoice } from '../../activities/invoices/twentyfourseven';
import { bookedTotalsProblem, InvoiceView, viewProblem } from '../../activities/invoices/view';

/**
 * The invoice transfer's checks before anything is written (no servers): the rows a target computes its invoice
 * from must add up to what Rackbeat booked, and 24SevenOffice must book the invoice in its own currency. The
 * workflow tests (invoice-transfer*.test.ts) show the parked transfers these sentences end up in.
 */
const line = (productNumber: string, quantity: string, unitPrice: string, vatPercent: string, lineTotal: string, discountPercent = '0') => ({
  productNumber,
  name: productNumber,
  quantity,
  unitPrice,
  discountPercent,
  vatPercent,
  lineTotal,
});
const view = (lines: InvoiceView['lines'], totals: InvoiceView['totals'], currency = 'EUR'): InvoiceView => ({
  number: 20123,
  kind: 'invoice',
  booked: true,
  customerNumber: 1001,
  customerName: 'Asiakas Oy',
  invoiceDate: '2026-12-01',
  dueDate: '2026-12-15',
  currency,
  lines,
  totals,
});

describe('bookedTotalsProblem: the rows add up to what Rackbeat booked', () => {
  test('rows with a discount and 25.5 % VAT, as Rackbeat books them: nothing to say', () => {
    // 2 × 10.00 − 10 % = 18.00, VAT 4.59; 1 × 24.90, VAT 6.35 (6.3495 rounded per row)
    const v = view([line('P1000', '2', '10.00', '25.5', '18.00', '10'), line('P1003', '1', '24.90', '25.5', '24.90')], { net: '42.90', vat: '10.94', gross: '53.84' });
    expect(bookedTotalsProblem(v, 'Netvisor')).toBeNull();
  });

  test('VAT rounded once per rate instead of per row (a cent off over three rows) is allowed for', () => {
    // 1.33 at 25 %: 0.3325 per row rounds to 0.33 (0.99 for three), on the sum 0.9975 rounds to 1.00.
    const v = view([line('A', '1', '1.33', '25', '1.33'), line('B', '1', '1.33', '25', '1.33'), line('C', '1', '1.33', '25', '1.33')], { net: '3.99', vat: '1.00', gross: '4.99' });
    expect(bookedTotalsProblem(v, 'Netvisor')).toBeNull();
  });

  test('an invoice-level discount the rows do not carry: the target would bill more than Rackbeat booked', () => {
    const v = view([line('P1000', '10', '10.00', '25.5', '100.00')], { net: '90.00', vat: '22.95', gross: '112.95' });
    expect(bookedTotalsProblem(v, 'Netvisor')).toBe(
      'Rackbeat invoice 20123: its rows add up to 100.00 EUR net, 125.50 with VAT, but Rackbeat booked 90.00 net, 112.95 with VAT; ' +
        'Netvisor computes the invoice from the rows and would hold another amount than the customer was invoiced (an invoice-level discount or fee, or a rounded discounted price?): ' +
        'correct it in Rackbeat (credit it and book it again) and transfer the new one, or skip this one and enter it by hand',
    );
  });

  test('a discounted unit price Rackbeat rounded before multiplying (100 × 8.49 instead of 100 × 9.99 − 15 %) is named', () => {
    const v = view([line('P1', '100', '9.99', '24', '849.00', '15')], { net: '849.00', vat: '203.76', gross: '1052.76' }, 'EUR');
    expect(bookedTotalsProblem(v, '24SevenOffice')).toMatch(/^Rackbeat invoice 20123: its rows add up to 849\.15 EUR net, 1052\.95 with VAT, but Rackbeat booked 849\.00 net, 1052\.76 with VAT; 24SevenOffice computes/);
  });

  test('a credit note (positive amounts, as the view has them) is checked the same way', () => {
    const v = { ...view([line('P1003', '2', '24.90', '25.5', '49.80')], { net: '49.80', vat: '12.70', gross: '62.50' }), kind: 'credit-note' as const, credits: 20001 };
    expect(bookedTotalsProblem(v, 'Netvisor')).toBeNull();
  });
});

describe('currencyProblem: 24SevenOffice books an invoice only in its own currency', () => {
  const parties = { target: '24so' as const, customer: '1', products: { P1000: '7' } };
  const nok = view([line('P1000', '1', '100.00', '25', '100.00')], { net: '100.00', vat: '25.00', gross: '125.00' }, 'NOK');
  const eur = { ...nok, currency: 'EUR' };

  test("an invoice in the company's currency for a LOCAL customer goes", () => {
    expect(currencyProblem(nok, parties, 'NOK')).toBeNull();
    expect(toSoInvoice(nok, parties, undefined, 'NOK')).toMatchObject({ customerId: 1, orderStatus: 'Invoiced' });
  });

  test('a EUR invoice for a LOCAL customer of a NOK company is refused before anything is written, naming both', () => {
    expect(() => toSoInvoice(eur, parties, undefined, 'NOK')).toThrow(
      "Rackbeat invoice 20123 is in EUR, but 24SevenOffice books customer 1's invoices in NOK (the company's currency: invoices.currency, or the rackbeat-24so pair's currency); " +
        "Siirto does not convert amounts: set the customer's currency to EUR in 24SevenOffice (or correct invoices.currency), then retry; or skip and enter it by hand",
    );
  });

  test("a customer whose 24SO currency is the invoice's goes; one in another currency is named as the customer's", () => {
    expect(currencyProblem(eur, { ...parties, currency: 'EUR' }, 'NOK')).toBeNull();
    expect(currencyProblem(nok, { ...parties, currency: 'SEK' }, 'NOK')?.message).toMatch(/books customer 1's invoices in SEK \(the customer's currency in 24SevenOffice\)/);
  });

  test('Netvisor takes the invoice currency as it is (iso4217currencycode on the amount)', () => {
    expect(toNetvisorInvoice(eur, { target: 'netvisor', customer: '1001', products: { P1000: 'P1000' } }, 'unsent')).toMatchObject({ currency: 'EUR', amount: '125.00' });
  });
});

describe('toNetvisorInvoice: a Rackbeat line without a product (freight, a fee)', () => {
  const parties = { target: 'netvisor' as const, customer: '1001', products: { P1000: 'P1000' } };
  const freight = { name: 'Rahti', quantity: '1', unitPrice: '9.90', discountPercent: '0', vatPercent: '25.5', lineTotal: '9.90' };
  const v = view([line('P1000', '1', '10.00', '25.5', '10.00'), freight], { net: '19.90', vat: '5.08', gross: '24.98' });

  test('without invoices.netvisorTextLineProduct it parks, naming the setting (a booked invoice cannot get a product any more)', () => {
    expect(() => toNetvisorInvoice(v, parties, 'unsent')).toThrow(
      'Rackbeat invoice 20123: line 2 ("Rahti", 9.90 EUR) has no product, and Netvisor bills only product rows: ' +
        'name a Netvisor product for such lines in the tenant file (invoices.netvisorTextLineProduct, e.g. your freight product), then retry; or skip and enter the invoice by hand',
    );
  });

  test('with it, the line is billed under that product with its own text, price and VAT; a line without amount stays a comment', () => {
    const note = { ...freight, name: 'Toimitus 2 erässä', unitPrice: '0', lineTotal: '0' };
    const body = toNetvisorInvoice({ ...v, lines: [...v.lines, note] }, parties, 'unsent', 'RAHTI');
    expect(body.lines).toEqual([
      expect.objectContaining({ type: 'product', productCode: 'P1000' }),
      { type: 'product', productCode: 'RAHTI', name: 'Rahti', unitPrice: '9.90', priceType: 'net', vatPercent: '25.5', vatCode: 'KOMY', quantity: '1' },
      { type: 'comment', text: 'Toimitus 2 erässä' },
    ]);
  });
});

describe('viewProblem: a Rackbeat invoice the transfer cannot read', () => {
  test('names the field and says what the operator can do with a booked invoice', () => {
    const parsed = InvoiceView.safeParse({ ...view([line('P1000', '1', '10.00', '25.5', '10.00')], { net: '10.00', vat: '2.55', gross: '12.55' }), kind: 'credit-note' });
    expect(parsed.success).toBe(false);
    expect(viewProblem(20123, (parsed as { error: import('zod').ZodError }).error)).toBe(
      'Rackbeat invoice 20123 cannot be transferred: credits: credit note 20123 does not say which invoice it credits; ' +
        'a booked invoice cannot be changed in Rackbeat: skip this transfer and enter it by hand (or retry if Rackbeat shows it otherwise now)',
    );
  });
});
