import { RackbeatClient, schemas, toInvoiceView } from '../../../connectors/rackbeat';
import type { HttpRequest, HttpResponse } from '../../../connectors/kit/http';
import { failure } from './harness';

/**
 * The transfer's view of a customer invoice on shapes the sandbox does not produce (other credit-note markers,
 * missing keys, bad values), and the booked-since poll against a server that ignores `order_by`.
 */

const base = {
  number: 31,
  customer_id: 1001,
  customer: { number: 1001, name: 'Kahvila Oy' },
  currency: 'EUR',
  invoice_date: '2026-03-02',
  due_date: '2026-03-16',
  is_booked: true,
  booked_at: '2026-03-02T09:15:00+02:00',
  total_subtotal: 100,
  total_total: 125.5,
  lines: [{ id: 1, child_type: 'product', child_id: 'P-1', name: 'Kahvi', quantity: 4, line_price: 25, discount_percentage: 0, vat_percentage: 25.5, line_total: 100 }],
};
const parse = (over: Record<string, unknown>) => schemas.CustomerInvoice.parse({ ...base, ...over });

describe('toInvoiceView', () => {
  test('an invoice: decimal strings, booked_at as an ISO instant, VAT from the totals when total_vat is absent', () => {
    const v = toInvoiceView(parse({}));
    expect(v).toMatchObject({
      number: 31, kind: 'invoice', booked: true, bookedAt: '2026-03-02T07:15:00.000Z', customerNumber: 1001, customerName: 'Kahvila Oy',
      invoiceDate: '2026-03-02', dueDate: '2026-03-16', currency: 'EUR', totals: { net: '100', vat: '25.5', gross: '125.5' },
    });
    expect(v.lines).toEqual([{ productNumber: 'P-1', name: 'Kahvi', quantity: '4', unitPrice: '25', discountPercent: '0', vatPercent: '25.5', lineTotal: '100' }]);
    expect(v.credits).toBeUndefined();
    expect(v.paymentTermsDays).toBeUndefined();
  });

  test('a credit note marked by type, stored negative: positive quantities and totals, credits the original', () => {
    const v = toInvoiceView(parse({
      number: 32, type: 'credit_note', credited_invoice_id: 31, total_subtotal: -100, total_vat: -25.5, total_total: -125.5,
      lines: [{ id: 2, child_id: 'P-1', name: 'Kahvi', quantity: -4, line_price: 25, vat_percentage: 25.5, line_total: -100 }],
    }));
    expect(v).toMatchObject({ kind: 'credit-note', credits: 31, totals: { net: '100', vat: '25.5', gross: '125.5' } });
    expect(v.lines[0]).toMatchObject({ quantity: '4', unitPrice: '25', lineTotal: '100', discountPercent: '0' });
  });

  test('a text line without product; line total computed when absent; due date from the payment terms', () => {
    const v = toInvoiceView(
      parse({ due_date: null, lines: [{ id: 3, child_id: null, name: 'Rahti', quantity: 1, line_price: '12.345', discount_percentage: 10, vat_percentage: 0 }] }),
      { paymentTermsDays: 30, customerName: 'ignored: embedded name wins' },
    );
    expect(v.lines[0]).toEqual({ name: 'Rahti', quantity: '1', unitPrice: '12.345', discountPercent: '10', vatPercent: '0', lineTotal: '11.11' });
    expect(v).toMatchObject({ dueDate: '2026-04-01', paymentTermsDays: 30, customerName: 'Kahvila Oy' });
  });

  test.each([
    [{ currency: 'euro' }, 'currency'],
    [{ customer_id: null, customer: null }, 'customer_id'],
    [{ booked_at: 'sometime' }, 'booked_at'],
    [{ invoice_date: '02.03.2026' }, 'invoice_date'],
    [{ due_date: null }, 'due_date'],
    [{ total_total: null }, 'total_total'],
    [{ lines: [{ id: 4, child_id: 'P-1', quantity: 1, line_price: 1, vat_percentage: null }] }, 'lines.0.vat_percentage'],
  ])('bad data %p is a validation ConnectorError naming %s', (over, field) => {
    let err: any;
    try {
      toInvoiceView(parse(over));
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ name: 'ConnectorError', system: 'rackbeat', errorClass: 'validation', field, retryable: false });
    expect(err.message).toMatch(/^Rackbeat customer invoice 31 /);
  });
});

describe('listBookedSince without order_by support', () => {
  test('rows out of booked_at order: every page is read and filtered here', async () => {
    const rows = [
      { number: 1, is_booked: true, booked_at: '2026-03-01T10:00:00+00:00' },
      { number: 5, is_booked: true, booked_at: '2026-03-05T10:00:00+00:00', is_credit_note: true, credited_invoice_id: 1 },
      { number: 2, is_booked: true, booked_at: '2026-02-01T10:00:00+00:00' },
      { number: 4, is_booked: true, booked_at: '2026-03-04T10:00:00+00:00' },
      { number: 3, is_booked: false, booked_at: null },
    ];
    const requests: HttpRequest[] = [];
    const rb = new RackbeatClient({ baseUrl: 'https://app.rackbeat.com', apiToken: 't' }, {
      transport: {
        async request(req): Promise<HttpResponse> {
          requests.push(req);
          const page = Number(req.searchParams?.page);
          const limit = Number(req.searchParams?.limit);
          const items = rows.slice((page - 1) * limit, page * limit);
          return { status: 206, headers: {}, body: JSON.stringify({ customer_invoices: items, total: rows.length, pages: Math.ceil(rows.length / limit), limit, page }) };
        },
      },
    });
    const found = await rb.invoices.listBookedSince('2026-03-01T00:00:00Z', 2);
    expect(found).toEqual([
      { number: 1, kind: 'invoice', bookedAt: '2026-03-01T10:00:00.000Z' },
      { number: 4, kind: 'invoice', bookedAt: '2026-03-04T10:00:00.000Z' },
      { number: 5, kind: 'credit-note', bookedAt: '2026-03-05T10:00:00.000Z' },
    ]);
    expect(requests.map((r) => r.searchParams?.page)).toEqual([1, 2, 3]);
    // Rackbeat's booked_at has whole seconds: a cursor later within the same second still finds the invoice.
    expect((await rb.invoices.listBookedSince('2026-03-05T10:00:00.700Z', 2)).map((r) => r.number)).toEqual([5]);
  });

  test('a booked row without booked_at or updated_at is refused with the invoice number', async () => {
    const rb = new RackbeatClient({ baseUrl: 'https://app.rackbeat.com', apiToken: 't' }, {
      transport: {
        async request(): Promise<HttpResponse> {
          return { status: 206, headers: {}, body: JSON.stringify({ customer_invoices: [{ number: 9, is_booked: true }], total: 1, pages: 1, limit: 200, page: 1 }) };
        },
      },
    });
    expect(await failure(rb.invoices.listBookedSince('2026-01-01T00:00:00Z'))).toMatchObject({ errorClass: 'validation', field: 'booked_at' });
  });
});
