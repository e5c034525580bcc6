import { z } from 'zod';
import { fromNetvisorDecimal } from './xml';

/**
 * zod schemas for every Netvisor response we read, written against the lower-cased tree from xml.ts.
 * The helpers absorb the XML-to-object quirks: a single child is an object and several are an array, an empty
 * element is "", and an element with attributes is `{ '#text', '@attr' }`.
 */
const textOf = (v: unknown): unknown => {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object' && !Array.isArray(v)) return (v as Record<string, unknown>)['#text'] ?? '';
  return v;
};

/** Element text; missing and empty both read as "". */
export const text = z.preprocess(textOf, z.string());

/** Text that must be present. */
export const requiredText = z.preprocess(textOf, z.string().min(1, 'must not be empty'));

/** A decimal in comma or dot form, as a canonical dot string; empty → undefined. */
export const decimal = z.preprocess(textOf, z.string()).transform((v, ctx) => {
  if (v === '') return undefined;
  const d = fromNetvisorDecimal(v);
  if (d === null) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a decimal number` });
    return z.NEVER;
  }
  return d;
});

/** An element with attributes (or without): `{ text, attrs }`. */
export const node = z.preprocess((v) => {
  if (v === undefined || v === null || typeof v !== 'object' || Array.isArray(v)) return { text: v === undefined || v === null ? '' : String(v), attrs: {} };
  const o = v as Record<string, unknown>;
  const attrs: Record<string, string> = {};
  for (const [k, val] of Object.entries(o)) if (k.startsWith('@')) attrs[k.slice(1)] = String(val);
  return { text: o['#text'] === undefined ? '' : String(o['#text']), attrs };
}, z.object({ text: z.string(), attrs: z.record(z.string(), z.string()) }));

/** Zero, one or many children, always as an array. */
export const list = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(item));

/** An element that may be empty (`<X/>` parses as ""). */
export const block = <S extends z.ZodRawShape>(shape: S) => z.preprocess((v) => (v === '' || v === undefined || v === null ? {} : v), z.object(shape));

export const responseStatus = z.object({
  status: list(text).refine((s) => s.length > 0, 'ResponseStatus has no Status'),
  timestamp: text.optional(),
});

/** Every reply: `<Root><ResponseStatus>…</ResponseStatus>…</Root>`. The payload is read by the resource's own schema. */
export const envelope = z.object({ root: z.object({ responsestatus: responseStatus }).loose() });
export type Envelope = z.infer<typeof envelope>;

export const insertedReply = z.object({ replies: z.object({ inserteddataidentifier: requiredText }) });

// Customers ----------------------------------------------------------------------------------------------
export const customerListItem = z.object({
  netvisorkey: requiredText,
  name: text,
  code: text,
  organisationidentifier: text,
  customergroupid: text.optional(),
  customergroupname: text.optional(),
});
export const customerListReply = z.object({ customerlist: block({ customer: list(customerListItem) }) });

export const customerDetail = z.object({
  customerbaseinformation: z.object({
    netvisorkey: requiredText,
    internalidentifier: text,
    externalidentifier: text,
    name: text,
    nameextension: text.optional(),
    streetaddress: text,
    city: text,
    postnumber: text,
    country: node,
    phonenumber: text,
    email: text,
    emailinvoicingaddress: text.optional(),
    isactive: text,
  }),
  customerfinvoicedetails: block({ finvoiceaddress: text, finvoiceroutercode: text }).optional(),
  customerdeliverydetails: block({ deliveryname: text, deliverystreetaddress: text, deliverycity: text, deliverypostnumber: text, deliverycountry: node.optional() }).optional(),
  customeradditionalinformation: block({ invoicinglanguage: node.optional() }).optional(),
});
export const getCustomerReply = z.object({ customer: customerDetail });
/** getcustomer.nv?idlist wraps the same elements in <Customers>. */
export const getCustomersReply = z.object({ customers: block({ customer: list(customerDetail) }) });

// Products -----------------------------------------------------------------------------------------------
export const productListItem = z.object({
  netvisorkey: requiredText,
  productcode: text,
  name: text,
  unitprice: decimal,
  unitgrossprice: decimal.optional(),
});
export const productListReply = z.object({ productlist: block({ product: list(productListItem) }) });

export const productDetail = z.object({
  productbaseinformation: z.object({
    netvisorkey: requiredText,
    productcode: text,
    productgroup: text,
    name: text,
    description: text.optional(),
    unitprice: node,
    unit: text,
    purchaseprice: decimal.optional(),
    isactive: text,
    issalesproduct: text.optional(),
  }),
  productbookkeepingdetails: block({ defaultvatpercent: decimal.optional() }).optional(),
  productinventorydetails: block({ inventoryamount: decimal.optional() }).optional(),
});
/** getproduct.nv answers an unknown id with OK and an empty <Product/>. */
export const getProductReply = z.object({ product: z.union([z.literal(''), productDetail]) });

// Sales invoices and orders -------------------------------------------------------------------------------
export const salesInvoiceListItem = z.object({
  netvisorkey: requiredText,
  invoicenumber: text,
  invoicedate: node,
  invoiceduedate: node.optional(),
  invoicestatus: node,
  customercode: text,
  customername: text,
  referencenumber: text.optional(),
  invoicesum: decimal,
  opensum: decimal.optional(),
});
export const salesInvoiceListReply = z.object({ salesinvoicelist: block({ salesinvoice: list(salesInvoiceListItem) }) });

const productLine = z.object({
  netvisorkey: text.optional(),
  productidentifier: node,
  productname: text,
  productunitprice: node,
  productvatpercentage: node,
  salesinvoiceproductlinequantity: decimal,
  salesinvoiceproductlinediscountpercentage: decimal.optional(),
  salesinvoiceproductlinefreetext: text.optional(),
  salesinvoiceproductlinevatsum: decimal.optional(),
  salesinvoiceproductlinesum: decimal.optional(),
});
const commentLine = z.object({ comment: text });
const invoiceLine = block({ salesinvoiceproductline: list(productLine), salesinvoicecommentline: list(commentLine) });

export const salesInvoiceDetail = z.object({
  salesinvoicenetvisorkey: text.optional(),
  salesinvoicenumber: text,
  salesinvoicedate: node,
  salesinvoiceduedate: node.optional(),
  salesinvoicereferencenumber: text.optional(),
  salesinvoiceamount: node,
  invoicestatus: node,
  salesinvoicefreetextbeforelines: text.optional(),
  salesinvoicefreetextafterlines: text.optional(),
  salesinvoiceourreference: text.optional(),
  salesinvoiceyourreference: text.optional(),
  invoicingcustomercode: text.optional(),
  invoicingcustomername: text,
  invoicingcustomernetvisorkey: text.optional(),
  invoicingcustomeraddressline: text.optional(),
  invoicingcustomerpostnumber: text.optional(),
  invoicingcustomertown: text.optional(),
  invoicingcustomercountrycode: node.optional(),
  deliveryaddressname: text.optional(),
  deliveryaddressline: text.optional(),
  deliveryaddresspostnumber: text.optional(),
  deliveryaddresstown: text.optional(),
  deliveryaddresscountrycode: node.optional(),
  paymenttermnetdays: text.optional(),
  invoicelines: block({ invoiceline: list(invoiceLine) }).optional(),
});
/** Unknown key → OK with an empty <SalesInvoice/>; getorder.nv is documented as the same structure. */
export const getSalesInvoiceReply = z.object({
  salesinvoice: z.union([z.literal(''), salesInvoiceDetail]).optional(),
  salesorder: z.union([z.literal(''), salesInvoiceDetail]).optional(),
});

// Sales payments -----------------------------------------------------------------------------------------
export const salesPaymentListItem = z.object({
  netvisorkey: requiredText,
  name: text,
  date: text,
  sum: decimal,
  referencenumber: text.optional(),
  invoicenumber: text,
  bankstatus: text.optional(),
});
export const salesPaymentListReply = z.object({ salespaymentlist: block({ salespayment: list(salesPaymentListItem) }) });

// Dimensions ---------------------------------------------------------------------------------------------
const dimensionDetail = z.object({
  netvisorkey: requiredText,
  name: text,
  code: text.optional(),
  ishidden: text,
  level: text.optional(),
  fatherid: text.optional(),
});
export const dimensionListReply = z.object({
  dimensionnamelist: block({
    dimensionname: list(
      z.object({
        netvisorkey: requiredText,
        name: text,
        ishidden: text,
        dimensiondetails: block({ dimensiondetail: list(dimensionDetail) }).optional(),
      }),
    ),
  }),
});

// Vendors ------------------------------------------------------------------------------------------------
export const vendorDetail = z.object({
  netvisorkey: requiredText,
  vendorbaseinformation: z.object({
    code: text.optional(),
    name: text,
    address: text.optional(),
    postcode: text.optional(),
    city: text.optional(),
    country: node.optional(),
    organizationid: text.optional(),
    groupname: text.optional(),
  }),
  vendorcontactdetails: block({ phonenumber: text.optional(), email: text.optional() }).optional(),
});
export const getVendorReply = z.object({ vendor: vendorDetail.optional(), vendors: block({ vendor: list(vendorDetail) }).optional() });

// Inventory ----------------------------------------------------------------------------------------------
const warehouse = z.object({
  netvisorkey: requiredText,
  name: text,
  reservedamount: decimal.optional(),
  orderedamount: decimal.optional(),
  inventoryamount: decimal.optional(),
});
export const inventoryByWarehouseReply = z.object({
  inventorybywarehouse: block({
    product: list(
      z.object({
        netvisorkey: requiredText,
        name: text,
        code: text,
        warehouse: list(warehouse),
        totalreservedamount: decimal.optional(),
        totalorderedamount: decimal.optional(),
        totalamount: decimal.optional(),
      }),
    ),
  }),
});
