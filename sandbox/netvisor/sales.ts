import Decimal from 'decimal.js';
import { checkCreditNoteImport, creditedElements } from './credit-notes';
import { DTD, validateOrder } from './dtd';
import type { AddressRecord, CustomerRecord, Handler, NvRequest, ProductRecord, SalesInvoiceRecord, SalesLineRecord, SalesPaymentRecord } from './types';
import { NetvisorFailure, child, children, couldNotValidate, el, finnishDate, inserted, invalidData, nvDecimal, parseDecimal, textOf, type Elem } from './wire';

/**
 * salesinvoice.nv (invoices and orders), salesinvoicelist.nv, getsalesinvoice.nv / getorder.nv, salespayment.nv,
 * salespaymentlist.nv. Invoices and orders keep separate number series.
 */
const documents = (req: NvRequest) => req.store.list<SalesInvoiceRecord>('salesInvoices');

const VAT_CODES = ['NONE', 'KOOS', 'EUOS', 'EUUO', 'EUPO', '100', 'KOMY', 'EUMY', 'EUUM', 'EUPM312', 'EUPM309', 'MUUL', 'EVTO', 'EVPO', 'RAMY', 'RAOS', 'EVRO'];
const STATUSES = { invoice: ['open', 'unsent'], order: ['undelivered', 'delivered'] } as const;
const CURRENCIES = ['EUR', 'SEK', 'NOK', 'DKK', 'USD', 'GBP'];
const COUNTRY_NAMES: Record<string, string> = { FI: 'Finland', SE: 'Sweden', NO: 'Norway', DK: 'Denmark', EE: 'Estonia', DE: 'Germany' };

const isoDate = (value: string | undefined, field: string): string => {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) throw invalidData(`Invalid date in ${field}: ${value ?? ''}`);
  return value;
};

const addDays = (iso: string, days: number) => new Date(Date.parse(iso) + days * 86_400_000).toISOString().slice(0, 10);

/** Finnish creditor reference: the base digits followed by a 7-3-1 weighted check digit. */
export function referenceNumber(base: string): string {
  const digits = base.replace(/\D/g, '').padStart(3, '1');
  const weights = [7, 3, 1];
  const total = [...digits].reverse().reduce((a, d, i) => a + Number(d) * weights[i % 3], 0);
  return `${digits}${(10 - (total % 10)) % 10}`;
}

function lockedPeriod(req: NvRequest, date: string): void {
  if (req.switches.lockedUntil && date <= req.switches.lockedUntil) {
    // Open point (docs/wire/open-points.md): text; the category is documented.
    throw new NetvisorFailure('PERIOD_LOCK', `The accounting period is locked until ${req.switches.lockedUntil}; date ${date} cannot be used`);
  }
}

function findCustomer(req: NvRequest, identifier: Elem): CustomerRecord {
  const type = (identifier.attrs.type ?? '').toLowerCase();
  const list = req.store.list<CustomerRecord>('customers');
  const found =
    type === 'netvisor' ? list.find((c) => String(c.netvisorKey) === identifier.text)
    : type === 'customer' ? list.find((c) => c.code.toLowerCase() === identifier.text.toLowerCase())
    : type === 'organizationunitnumber' ? undefined
    : (() => { throw couldNotValidate(); })();
  // Open point (docs/wire/open-points.md): the article's sentence on unknown customers was truncated; the sandbox refuses, so the flow must create the customer first.
  if (!found) throw invalidData(`Customer not found with identifier: ${identifier.text}`);
  return found;
}

function productLine(req: NvRequest, line: Elem): SalesLineRecord {
  const ident = child(line, 'productidentifier');
  const name = textOf(line, 'productname');
  const price = child(line, 'productunitprice');
  const vat = child(line, 'productvatpercentage');
  const qty = textOf(line, 'salesinvoiceproductlinequantity');
  if (!ident || name === undefined || !price || !vat || qty === undefined) throw couldNotValidate();
  const type = (ident.attrs.type ?? '').toLowerCase();
  const products = req.store.list<ProductRecord>('products');
  const product =
    type === 'netvisor' ? products.find((p) => String(p.netvisorKey) === ident.text)
    : type === 'customer' ? products.find((p) => p.code.toLowerCase() === ident.text.toLowerCase())
    : type === 'primaryeancode' ? products.find((p) => p.ean === ident.text)
    : undefined;
  // Open point (docs/wire/open-points.md): text: Netvisor links rows to existing products and ignores product data in the invoice.
  if (!product) throw invalidData(`Product not found with identifier: ${ident.text}`);
  const vatCode = vat.attrs.vatcode?.toUpperCase();
  if (!vatCode) throw invalidData('VAT code cannot be retrieved from posting suggestion because no posting suggestion has been given.');
  if (!VAT_CODES.includes(vatCode)) throw couldNotValidate();
  const priceType = (price.attrs.type ?? 'net').toLowerCase();
  if (priceType !== 'net' && priceType !== 'gross') throw couldNotValidate();
  const unitPrice = new Decimal(parseDecimal(price.text, 'productunitprice'));
  const vatPercent = new Decimal(parseDecimal(vat.text, 'productvatpercentage'));
  const quantity = new Decimal(parseDecimal(qty, 'salesinvoiceproductlinequantity'));
  const discountText = textOf(line, 'salesinvoiceproductlinediscountpercentage');
  const discount = discountText ? new Decimal(parseDecimal(discountText, 'salesinvoiceproductlinediscountpercentage')) : new Decimal(0);
  const factor = new Decimal(1).minus(discount.div(100));
  const vatFactor = vatPercent.div(100).plus(1);
  // Netvisor rounds row sums to cents; given vat sum + row sum (both) win over computation (documented).
  const givenVat = textOf(line, 'salesinvoiceproductlinevatsum');
  const givenSum = textOf(line, 'salesinvoiceproductlinesum');
  let sum: Decimal;
  let vatSum: Decimal;
  if (givenVat && givenSum) {
    vatSum = new Decimal(parseDecimal(givenVat, 'salesinvoiceproductlinevatsum'));
    sum = new Decimal(parseDecimal(givenSum, 'salesinvoiceproductlinesum'));
  } else {
    const grossSum = priceType === 'gross' ? unitPrice.mul(quantity).mul(factor) : unitPrice.mul(quantity).mul(factor).mul(vatFactor);
    sum = grossSum.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
    vatSum = grossSum.minus(grossSum.div(vatFactor)).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  }
  return {
    type: 'product',
    netvisorKey: req.store.nextId('salesInvoiceLine'),
    productCode: product.code,
    productNetvisorKey: product.netvisorKey,
    name: name || product.name,
    unitPrice: unitPrice.toFixed(),
    priceType,
    vatPercent: vatPercent.toFixed(),
    vatCode,
    quantity: quantity.toFixed(),
    discountPercent: discount.toFixed(),
    freeText: textOf(line, 'salesinvoiceproductlinefreetext') ?? '',
    vatSum: vatSum.toFixed(2),
    sum: sum.toFixed(2),
  };
}

function nextNumber(req: NvRequest, type: 'invoice' | 'order'): string {
  const used = documents(req).filter((d) => d.type === type).map((d) => Number(d.number)).filter(Number.isInteger);
  return String(Math.max(type === 'invoice' ? 1000 : 5000, ...used) + 1);
}

export const salesInvoiceImport: Handler = (req) => {
  const body = req.body as Elem;
  if (body.name !== 'salesinvoice') throw couldNotValidate();
  validateOrder(body, DTD.salesinvoice);
  const method = req.query.method?.toLowerCase();
  const existing = method === 'edit' ? documents(req).find((d) => String(d.netvisorKey) === req.query.id) : undefined;
  if (method === 'edit' && !existing) throw invalidData(`Sales invoice not found with Netvisor identifier: ${req.query.id ?? ''}`);
  if (method !== 'add' && method !== 'edit') throw invalidData('Parameter method is missing or invalid (add or edit)');

  const typeText = (textOf(body, 'invoicetype') || 'invoice').toLowerCase();
  if (typeText !== 'invoice' && typeText !== 'order') throw couldNotValidate();
  const type = typeText as 'invoice' | 'order';
  const statusEl = child(body, 'salesinvoicestatus');
  const amountEl = child(body, 'salesinvoiceamount');
  const customerEl = child(body, 'invoicingcustomeridentifier');
  const linesEl = child(body, 'invoicelines');
  if (!statusEl || !amountEl || !customerEl || !linesEl || textOf(body, 'salesinvoicedate') === undefined) throw couldNotValidate();
  const status = statusEl.text.toLowerCase();
  if (!(STATUSES[type] as readonly string[]).includes(status)) throw invalidData(`Invalid status "${statusEl.text}" for ${type}`);
  const date = isoDate(textOf(body, 'salesinvoicedate'), 'salesinvoicedate');
  const dueText = textOf(body, 'salesinvoiceduedate');
  const netDaysText = textOf(body, 'paymenttermnetdays');
  if (!dueText && !netDaysText && !child(body, 'paymentterm')) throw invalidData('Net day of the terms of payment or due date is required');
  const netDays = netDaysText ? Number(netDaysText) : null;
  if (netDays !== null && !Number.isInteger(netDays)) throw invalidData(`Invalid paymenttermnetdays: ${netDaysText}`);
  const dueDate = dueText ? isoDate(dueText, 'salesinvoiceduedate') : addDays(date, netDays ?? 14);
  const currency = (amountEl.attrs.iso4217currencycode ?? 'EUR').toUpperCase();
  if (!CURRENCIES.includes(currency)) throw invalidData(`Unknown currency: ${currency}`);
  lockedPeriod(req, date);

  const customer = findCustomer(req, customerEl);
  const lines: SalesLineRecord[] = [];
  for (const row of children(linesEl, 'invoiceline')) {
    const product = child(row, 'salesinvoiceproductline');
    const comment = child(row, 'salesinvoicecommentline');
    if (product) lines.push(productLine(req, product));
    else if (comment) lines.push({ type: 'comment', text: textOf(comment, 'comment') ?? '' });
  }
  if (!lines.some((l) => l.type === 'product')) throw invalidData('Sales invoice must have at least one product line');
  const linesTotal = lines.reduce((a, l) => (l.type === 'product' ? a.plus(l.sum) : a), new Decimal(0));
  const amount = amountEl.text.trim() === '' ? linesTotal : new Decimal(parseDecimal(amountEl.text, 'salesinvoiceamount')).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  checkCreditNoteImport(amount, linesTotal, amountEl.text.trim() !== '', lines);

  const numberText = textOf(body, 'salesinvoicenumber');
  let number: string;
  if (numberText) {
    if (!/^\d{1,18}$/.test(numberText)) throw invalidData(`Invalid invoice number: ${numberText}`);
    const clash = documents(req).find((d) => d.type === type && d.number === numberText && d.netvisorKey !== existing?.netvisorKey);
    // Open point (docs/wire/open-points.md): text; the category is what Netvisor documents for data that already exists.
    if (clash) throw new NetvisorFailure('DUPLICATE_DATA', `${type === 'order' ? 'Order' : 'Invoice'} number ${numberText} is already in use`);
    number = numberText;
  } else {
    number = existing?.number ?? nextNumber(req, type);
  }
  const billing: AddressRecord = {
    name: textOf(body, 'invoicingcustomername') ?? customer.name,
    street: textOf(body, 'invoicingcustomeraddressline') ?? customer.street,
    postalCode: textOf(body, 'invoicingcustomerpostnumber') ?? customer.postalCode,
    city: textOf(body, 'invoicingcustomertown') ?? customer.city,
    country: (textOf(body, 'invoicingcustomercountrycode') || customer.country || 'FI').toUpperCase(),
  };
  const delivery: AddressRecord = {
    name: textOf(body, 'deliveryaddressname') ?? '',
    street: textOf(body, 'deliveryaddressline') ?? '',
    postalCode: textOf(body, 'deliveryaddresspostnumber') ?? '',
    city: textOf(body, 'deliveryaddresstown') ?? '',
    country: (textOf(body, 'deliveryaddresscountrycode') || 'FI').toUpperCase(),
  };
  const hasDelivery = ['deliveryaddressname', 'deliveryaddressline', 'deliveryaddresspostnumber', 'deliveryaddresstown'].some((n) => textOf(body, n));
  const paid = existing ? existing.payments.reduce((a, p) => a.plus(p.sum), new Decimal(0)) : new Decimal(0);
  const record: SalesInvoiceRecord = {
    netvisorKey: existing?.netvisorKey ?? req.store.nextId('salesInvoice'),
    type,
    number,
    date,
    dueDate,
    paymentTermNetDays: netDays,
    status,
    currency,
    amount: amount.toFixed(2),
    openSum: amount.minus(paid).toFixed(2),
    referenceNumber: textOf(body, 'salesinvoicereferencenumber') || referenceNumber(number),
    customerCode: customer.code,
    customerNetvisorKey: customer.netvisorKey,
    billing,
    delivery: hasDelivery ? delivery : null,
    ourReference: textOf(body, 'salesinvoiceourreference') ?? '',
    yourReference: textOf(body, 'salesinvoiceyourreference') ?? '',
    freeTextBeforeLines: textOf(body, 'salesinvoicefreetextbeforelines') ?? '',
    freeTextAfterLines: textOf(body, 'salesinvoicefreetextafterlines') ?? '',
    expectPartialPayments: /^(1|true)$/i.test(textOf(body, 'expectpartialpayments') ?? ''),
    lines,
    payments: existing?.payments ?? [],
    modifiedAt: req.now.toISOString().slice(0, 19),
  };
  if (existing) {
    // edit replaces the whole document (documented): nothing of the old one survives except key and payments
    Object.assign(existing, record);
    return '';
  }
  req.store.insert('salesInvoices', record);
  return inserted(record.netvisorKey);
};

/** salesinvoicelist.nv statuses: "open" also covers overdue ones (documented filter semantics). */
function listStatus(d: SalesInvoiceRecord, today: string): { status: string; substatus: string } {
  if (d.type === 'invoice' && d.status === 'open' && d.dueDate < today) return { status: 'open', substatus: 'overdue' };
  return { status: d.status, substatus: d.status };
}

export const salesInvoiceList: Handler = (req) => {
  const q = req.query;
  const listType = (q.listtype ?? '').toLowerCase();
  if (!['', 'preinvoice', 'draftandinvoice'].includes(listType)) throw invalidData(`Invalid listtype: ${q.listtype}`);
  const type = listType === 'preinvoice' ? 'order' : 'invoice';
  const today = req.now.toISOString().slice(0, 10);
  let found = documents(req).filter((d) => d.type === type);
  if (q.invoicenumber) found = found.filter((d) => d.number === q.invoicenumber);
  if (q.invoicesabovenetvisorkey) found = found.filter((d) => d.netvisorKey > Number(q.invoicesabovenetvisorkey));
  if (q.begininvoicedate) found = found.filter((d) => d.date >= isoDate(q.begininvoicedate, 'begininvoicedate'));
  if (q.endinvoicedate) found = found.filter((d) => d.date <= isoDate(q.endinvoicedate, 'endinvoicedate'));
  if (q.customercode) found = found.filter((d) => d.customerCode === q.customercode);
  if (q.customernetvisorkey) found = found.filter((d) => String(d.customerNetvisorKey) === q.customernetvisorkey);
  if (q.lastmodifiedstart) found = found.filter((d) => d.modifiedAt.slice(0, q.lastmodifiedstart.length) >= q.lastmodifiedstart);
  if (q.lastmodifiedend) found = found.filter((d) => d.modifiedAt.slice(0, q.lastmodifiedend.length) <= q.lastmodifiedend);
  if (q.invoicestatus) {
    const wanted = q.invoicestatus.toLowerCase();
    found = found.filter((d) => {
      const s = listStatus(d, today);
      return wanted === 'overdue' ? s.substatus === 'overdue' : s.status === wanted;
    });
  }
  // Open point (docs/wire/open-points.md): cap (RANT comment): 500 rows per reply; page on with invoicesabovenetvisorkey.
  found = [...found].sort((a, b) => a.netvisorKey - b.netvisorKey).slice(0, 500);
  const resource = type === 'order' ? 'getorder.nv' : 'getsalesinvoice.nv';
  return el(
    'SalesInvoiceList',
    found.map((d) => {
      const s = listStatus(d, today);
      return el('SalesInvoice', [
        el('NetvisorKey', d.netvisorKey),
        el('InvoiceNumber', d.number),
        el('Invoicedate', d.date, { format: 'ansi' }),
        el('InvoiceDueDate', d.dueDate, { format: 'ansi' }),
        el('InvoiceStatus', s.status, { substatus: s.substatus, isincollection: '0' }),
        el('CustomerCode', d.customerCode),
        el('CustomerName', d.billing.name),
        el('ReferenceNumber', d.referenceNumber),
        el('InvoiceSum', nvDecimal(d.amount, 2)),
        el('OpenSum', nvDecimal(d.openSum, 2)),
        el('Uri', `${req.baseUrl}/${resource}?netvisorkey=${d.netvisorKey}`),
      ]);
    }),
  );
};

const DISPLAY: Record<string, string> = { open: 'Open', unsent: 'Unsent', paid: 'Paid', undelivered: 'Undelivered', delivered: 'Delivered' };

function documentXml(d: SalesInvoiceRecord, showComments: boolean, replyOption?: string): string {
  const productLines = d.lines.filter((l): l is Extract<SalesLineRecord, { type: 'product' }> => l.type === 'product');
  const commentLines = d.lines.filter((l): l is Extract<SalesLineRecord, { type: 'comment' }> => l.type === 'comment');
  return el('SalesInvoice', [
    el('SalesInvoiceNetvisorKey', d.netvisorKey),
    el('SalesInvoiceNumber', d.number),
    el('SalesInvoiceDate', d.date, { format: 'ansi' }),
    el('SalesInvoiceEventDate', d.date, { format: 'ansi' }),
    el('SalesInvoiceDueDate', d.dueDate, { format: 'ansi' }),
    el('SalesInvoiceValueDate', d.date, { format: 'ansi' }),
    el('SalesInvoiceDeliveryDate', d.date, { format: 'ansi' }),
    el('SalesInvoiceReferencenumber', d.referenceNumber),
    el('SalesInvoiceAmount', nvDecimal(d.amount, 2), { iso4217currencycode: d.currency, currencyrate: '1' }),
    el('SellerIdentifier', '', { type: 'name' }),
    el('InvoiceStatus', DISPLAY[d.status] ?? d.status, { status: d.status }),
    el('SalesInvoiceFreeTextBeforeLines', d.freeTextBeforeLines),
    el('SalesInvoiceFreeTextAfterLines', d.freeTextAfterLines),
    el('SalesInvoiceOurReference', d.ourReference),
    el('SalesInvoiceYourReference', d.yourReference),
    el('SalesInvoicePrivateComment', ''),
    el('InvoicingCustomerCode', d.customerCode),
    el('InvoicingCustomerName', d.billing.name),
    el('InvoicingCustomerNetvisorKey', d.customerNetvisorKey),
    el('InvoicingCustomerAddressline', d.billing.street),
    el('InvoicingCustomerPostnumber', d.billing.postalCode),
    el('InvoicingCustomerTown', d.billing.city),
    el('InvoicingCustomerCountryCode', COUNTRY_NAMES[d.billing.country] ?? d.billing.country, { 'ISO-3166': d.billing.country }),
    el('MatchPartialPaymentsByDefault', d.expectPartialPayments ? 'Yes' : 'No'),
    el('DeliveryAddressName', d.delivery?.name ?? ''),
    el('DeliveryAddressLine', d.delivery?.street ?? ''),
    el('DeliveryAddressPostnumber', d.delivery?.postalCode ?? ''),
    el('DeliveryAddressTown', d.delivery?.city ?? ''),
    // The delivery country comes as an upper-case country name without the code (as in the fixture).
    el('DeliveryAddressCountryCode', d.delivery ? (COUNTRY_NAMES[d.delivery.country] ?? d.delivery.country).toUpperCase() : ''),
    el('DeliveryMethod', ''),
    el('DeliveryTerm', ''),
    el('PaymentTermNetDays', d.paymentTermNetDays ?? ''),
    el('PaymentTermCashDiscountDays', ''),
    el('PaymentTermCashDiscount', '', { type: 'percentage' }),
    // replyoption 16/32: the credited invoice of a matched credit note (credit-notes.ts; element names: open point).
    ...creditedElements(d, replyOption),
    el('InvoiceLines', [
      el('InvoiceLine', [
        ...productLines.map((l) =>
          el('SalesInvoiceProductLine', [
            el('NetvisorKey', l.netvisorKey),
            el('productidentifier', l.productCode, { type: 'customer' }),
            el('ProductName', l.name),
            el('ProductNetvisorKey', l.productNetvisorKey),
            el('ProductUnitPrice', nvDecimal(new Decimal(l.unitPrice).toFixed(4))),
            el('ProductVatPercentage', nvDecimal(l.vatPercent), { vatcode: l.vatCode }),
            el('SalesInvoiceProductLineQuantity', nvDecimal(l.quantity)),
            el('SalesInvoiceProductLineDiscountPercentage', nvDecimal(l.discountPercent)),
            el('SalesInvoiceProductLineFreeText', l.freeText),
            el('SalesInvoiceProductLineVatSum', nvDecimal(l.vatSum, 2)),
            el('SalesInvoiceProductLineSum', nvDecimal(l.sum, 2)),
            el('AccountingAccountSuggestion', '3000'),
          ]),
        ),
        // Open point (docs/wire/open-points.md): shape: comment lines come back inside InvoiceLine only with showcommentlines=1, after the product lines.
        ...(showComments ? commentLines.map((l) => el('SalesInvoiceCommentLine', [el('Comment', l.text)])) : []),
      ]),
    ]),
  ]);
}

/** getsalesinvoice.nv and getorder.nv share the structure; an unknown key is OK + empty <SalesInvoice />. */
export const getSalesDocument = (type: 'invoice' | 'order'): Handler => (req) => {
  const q = req.query;
  const byKey = (k: string) => documents(req).find((d) => d.type === type && String(d.netvisorKey) === k.trim());
  const showComments = q.showcommentlines === '1' || q.showcommentlines?.toLowerCase() === 'true';
  if (q.netvisorkeylist !== undefined) {
    const keys = q.netvisorkeylist.split(',').filter(Boolean);
    if (keys.length > 500) throw invalidData('Netvisorkeylist can contain at most 500 identifiers');
    return el('SalesInvoices', keys.map(byKey).filter((d): d is SalesInvoiceRecord => Boolean(d)).map((d) => documentXml(d, showComments, q.replyoption)));
  }
  if (!q.netvisorkey) throw invalidData('Parameter netvisorkey or netvisorkeylist is required');
  const d = byKey(q.netvisorkey);
  return d ? documentXml(d, showComments, q.replyoption) : '<SalesInvoice />';
};

export const salesPaymentImport: Handler = (req) => {
  const body = req.body as Elem;
  if (body.name !== 'salespayment') throw couldNotValidate();
  const order = ['sum', 'paymentdate', 'targetidentifier', 'sourcename', 'paymentmethod', 'salespaymentvoucherlines'];
  let last = -1;
  for (const c of body.children) {
    const i = order.indexOf(c.name);
    if (i <= last) throw couldNotValidate();
    last = i;
  }
  const sumEl = child(body, 'sum');
  const target = child(body, 'targetidentifier');
  const method = child(body, 'paymentmethod');
  const sourceName = textOf(body, 'sourcename');
  if (!sumEl || !target || !method || sourceName === undefined) throw couldNotValidate();
  const currency = (sumEl.attrs.currency ?? 'EUR').toUpperCase();
  if (!CURRENCIES.includes(currency)) throw invalidData(`Unknown currency: ${currency}`);
  const sum = new Decimal(parseDecimal(sumEl.text, 'sum'));
  const date = isoDate(textOf(body, 'paymentdate'), 'paymentdate');
  lockedPeriod(req, date);
  const targetType = (target.attrs.targettype ?? 'invoice').toLowerCase();
  const identType = (target.attrs.type ?? '').toLowerCase();
  if (!['invoice', 'order'].includes(targetType) || !['netvisor', 'invoicenumber', 'reference'].includes(identType)) throw couldNotValidate();
  const methodType = (method.attrs.type ?? '').toLowerCase();
  if (!['alternative', 'bankaccount'].includes(methodType)) throw couldNotValidate();
  const doc = documents(req).find(
    (d) =>
      d.type === targetType &&
      (identType === 'netvisor' ? String(d.netvisorKey) === target.text : identType === 'invoicenumber' ? d.number === target.text : d.referenceNumber === target.text),
  );
  // Open point (docs/wire/open-points.md): text: the invoice must exist before its payment (documented); the sandbox refuses an unknown target.
  if (!doc) throw invalidData(`Sales ${targetType} not found with identifier: ${target.text}`);
  const override = method.attrs.overridesalesreceivableaccountnumber ?? '';
  // Documented: a prepayment on a sales order must be booked to the prepayment account. Refusal text: open point (docs/wire/open-points.md).
  if (doc.type === 'order' && !override) throw invalidData('Payment to a sales order requires overridesalesreceivableaccountnumber (prepayment account)');
  // Documented: paid invoices and unsent invoices without expectpartialpayments do not get the payment targeted.
  const targeted = !(doc.type === 'invoice' && (doc.status === 'paid' || (doc.status === 'unsent' && !doc.expectPartialPayments)));
  const record: SalesPaymentRecord = {
    netvisorKey: req.store.nextId('salesPayment'),
    sum: sum.toFixed(2),
    currency,
    date,
    targetType: targetType as 'invoice' | 'order',
    targetIdentifierType: identType,
    target: target.text,
    invoiceNetvisorKey: targeted ? doc.netvisorKey : null,
    invoiceNumber: doc.number,
    payerName: sourceName,
    method: method.text,
    methodType,
    overrideSalesReceivableAccountNumber: override,
  };
  req.store.insert('salesPayments', record);
  if (targeted) {
    doc.payments.push({ netvisorKey: record.netvisorKey, sum: record.sum, date });
    doc.openSum = new Decimal(doc.openSum).minus(sum).toFixed(2);
    if (doc.type === 'invoice' && new Decimal(doc.openSum).lte(0)) doc.status = 'paid';
  }
  return inserted(record.netvisorKey);
};

export const salesPaymentList: Handler = (req) => {
  const q = req.query;
  let found = req.store.list<SalesPaymentRecord>('salesPayments');
  if (q.invoicenumber) found = found.filter((p) => p.invoiceNumber === q.invoicenumber);
  if (q.invoicenetvisorkey) found = found.filter((p) => String(p.invoiceNetvisorKey) === q.invoicenetvisorkey);
  if (q.abovenetvisorkey) found = found.filter((p) => p.netvisorKey > Number(q.abovenetvisorkey));
  if (q.begindate) found = found.filter((p) => p.date >= q.begindate);
  if (q.enddate) found = found.filter((p) => p.date <= q.enddate);
  const docs = documents(req);
  return el(
    'SalesPaymentList',
    found.map((p) =>
      el('SalesPayment', [
        el('NetvisorKey', p.netvisorKey),
        el('Name', p.payerName),
        el('Date', finnishDate(p.date)),
        el('Sum', nvDecimal(p.sum, 2)),
        el('ReferenceNumber', docs.find((d) => d.netvisorKey === p.invoiceNetvisorKey)?.referenceNumber ?? ''),
        el('ForeignCurrencyAmount', ''),
        el('InvoiceNumber', p.invoiceNumber),
        el('PaymentAccountName', p.method),
        el('BankStatus', 'OK'),
      ]),
    ),
  );
};
