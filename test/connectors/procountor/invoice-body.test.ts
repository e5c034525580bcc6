import { procountorInvoiceGross, toProcountorInvoice } from '../../../connectors/procountor';
import type { BusinessPartner } from '../../../connectors/procountor/schemas';
import { SalesDocument } from '../../../domain/model';

const doc = (over: Record<string, unknown> = {}) =>
  SalesDocument.parse({
    kind: 'invoice',
    number: 'WEB-10045',
    source: { system: 'woocommerce', id: '45', number: '10045' },
    date: '2026-05-04',
    customer: {
      kind: 'customer',
      code: '1001',
      name: 'Asiakas Oy',
      businessId: 'FI07375462',
      email: 'billing@asiakas.fi',
      address: { street: 'Katu 1', postalCode: '00100', city: 'Helsinki', country: 'FI' },
    },
    delivery: { name: 'Asiakas Oy / varasto', address: { street: 'Varastotie 9', postalCode: '01510', city: 'Vantaa', country: 'FI' } },
    lines: [
      { productCode: 'W-1', name: 'Widget', quantity: '2', unitPrice: '10.00', priceIncludesVat: false, vatRate: '25.5' },
      { productCode: 'CONS', name: 'Konsultointi', quantity: '1.5', unitPrice: '80', priceIncludesVat: false, vatRate: '25.5', unit: 'h', discountPercent: '10' },
    ],
    paymentMethod: 'Klarna',
    comment: 'Toimitus ovelle',
    totals: { net: '128.00', vat: '32.64', gross: '160.64' },
    ...over,
  });

const opts = { partnerId: 5001, useRegisterCustomerData: false, channel: 'MAIL' as const };

describe('toProcountorInvoice', () => {
  it('maps a net-priced document to the documented invoice body', () => {
    const body = toProcountorInvoice(doc(), opts);
    expect(body).toMatchObject({
      type: 'SALES_INVOICE',
      partnerId: 5001,
      date: '2026-05-04',
      originalInvoiceNumber: 'WEB-10045',
      orderReference: '10045',
      invoiceChannel: 'EMAIL', // the customer has an email and the channel is not forced
      language: 'FINNISH',
      vatStatus: 1,
      discountPercent: 0,
      extraInfo: { accountingByRow: false, unitPricesIncludeVat: false },
      counterParty: {
        identifier: '0737546-2',
        customerNumber: '1001',
        email: 'billing@asiakas.fi',
        counterPartyAddress: { name: 'Asiakas Oy', street: 'Katu 1', zip: '00100', city: 'Helsinki', country: 'FINLAND' },
      },
      billingAddress: { name: 'Asiakas Oy', street: 'Katu 1', zip: '00100', city: 'Helsinki', country: 'FINLAND' },
      deliveryAddress: { name: 'Asiakas Oy / varasto', street: 'Varastotie 9', zip: '01510', city: 'Vantaa', country: 'FINLAND' },
      paymentInfo: { paymentMethod: 'BANK_TRANSFER', currency: 'EUR', dueDate: '2026-05-18', currencyRate: 1, bankReferenceCode: '' },
      additionalInformation: 'Maksutapa: Klarna\nToimitus ovelle',
    });
    expect(body.invoiceRows).toEqual([
      { productId: undefined, product: 'Widget', productCode: 'W-1', quantity: 2, unit: 'PIECE', unitPrice: 10, discountPercent: 0, vatPercent: 25.5, comment: undefined },
      { productId: undefined, product: 'Konsultointi', productCode: 'CONS', quantity: 1.5, unit: 'HOUR', unitPrice: 80, discountPercent: 10, vatPercent: 25.5, comment: undefined },
    ]);
    expect(procountorInvoiceGross(body)).toBe('160.64');
  });

  it('keeps gross prices as gross when every row is gross', () => {
    const body = toProcountorInvoice(
      doc({
        lines: [{ productCode: 'W-1', name: 'Widget', quantity: '3', unitPrice: '12.55', priceIncludesVat: true, vatRate: '25.5' }],
        totals: { net: '30.00', vat: '7.65', gross: '37.65' },
      }),
      opts,
    );
    expect(body.extraInfo.unitPricesIncludeVat).toBe(true);
    expect(body.invoiceRows[0].unitPrice).toBe(12.55);
    expect(procountorInvoiceGross(body)).toBe('37.65');
  });

  it('sends a mixed document net, converting the gross rows', () => {
    const body = toProcountorInvoice(
      doc({
        lines: [
          { productCode: 'W-1', name: 'Widget', quantity: '1', unitPrice: '12.55', priceIncludesVat: true, vatRate: '25.5' },
          { productCode: 'FEE', name: 'Käsittelymaksu', quantity: '1', unitPrice: '2', priceIncludesVat: false, vatRate: '25.5', kind: 'fee' },
        ],
      }),
      opts,
    );
    expect(body.extraInfo.unitPricesIncludeVat).toBe(false);
    expect(body.invoiceRows.map((r) => r.unitPrice)).toEqual([10, 2]);
  });

  it('chooses the channel: forced beats the document, the document beats the email, the configured one comes last', () => {
    expect(toProcountorInvoice(doc(), { ...opts, channel: 'NO_SENDING', forceChannel: true }).invoiceChannel).toBe('NO_SENDING');
    const einvoiceDoc = doc({
      channel: 'einvoice',
      customer: { ...doc().customer, einvoiceAddress: '003707375462', einvoiceOperator: 'E204503' },
    });
    const e = toProcountorInvoice(einvoiceDoc, opts);
    expect(e.invoiceChannel).toBe('ELECTRONIC_INVOICE');
    expect(e.counterParty.einvoiceAddress).toEqual({ address: '003707375462', operator: 'E204503' });
    const noEmail = doc({ customer: { ...doc().customer, email: undefined } });
    expect(toProcountorInvoice(noEmail, opts).invoiceChannel).toBe('MAIL');
  });

  it('takes the counterparty from the register partner when told to', () => {
    const partner: BusinessPartner = {
      id: 5001,
      name: 'Rekisteri Oy',
      type: 'CUSTOMER',
      address: { name: 'Rekisteri Oy', street: 'Rekisterikatu 2', zip: '20100', city: 'Turku', country: 'FINLAND' },
      invoicingInfo: { customerNumber: '1001', identifier: '2617416-4', email: 'reskontra@rekisteri.fi', language: 'SWEDISH' },
      paymentInfo: { paymentMethod: 'BANK_TRANSFER' },
      version: '2026-05-01T10:00:00',
    };
    const body = toProcountorInvoice(doc(), { ...opts, useRegisterCustomerData: true, registerPartner: partner });
    expect(body.counterParty).toMatchObject({
      identifier: '2617416-4',
      customerNumber: '1001',
      email: 'reskontra@rekisteri.fi',
      counterPartyAddress: { name: 'Rekisteri Oy', street: 'Rekisterikatu 2', zip: '20100', city: 'Turku', country: 'FINLAND' },
    });
    expect(body.language).toBe('SWEDISH');
    expect(body.additionalInformation).toContain('Betalningssätt: Klarna');
    expect(() => toProcountorInvoice(doc(), { ...opts, useRegisterCustomerData: true })).toThrow(/registerPartner/);
  });

  it('fills the due date from the payment term, the product ids and the order type', () => {
    const body = toProcountorInvoice(doc({ kind: 'order', number: undefined, dueDate: undefined, delivery: undefined }), {
      ...opts,
      paymentTermDays: 30,
      productIds: { 'W-1': 7001 },
      generateReference: false,
      bankAccount: { accountNumber: 'FI2112345600000785' },
    });
    expect(body.type).toBe('SALES_ORDER');
    expect(body.paymentInfo.dueDate).toBe('2026-06-03');
    expect(body.paymentInfo.bankReferenceCode).toBeUndefined();
    expect(body.paymentInfo.bankAccount).toEqual({ accountNumber: 'FI2112345600000785' });
    expect(body.originalInvoiceNumber).toBe('10045'); // no number assigned yet: the source number is the stamp
    expect(body.deliveryAddress).toBeUndefined(); // Procountor copies the counterparty's address
    expect(body.invoiceRows.map((r) => r.productId)).toEqual([7001, undefined]);
  });
});
