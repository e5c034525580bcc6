import { z } from 'zod';
import { wireBool, wireDateTime, wireDecimal, wireGuid, wireInt, wireList, wireNullableBool, wireObject, wireString } from './wire';

/** .NET Guid text: any 8-4-4-4-12 hex, without the RFC version/variant rules zod's uuid() applies. */
const Guid = (message: string) => z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, message);

/** What an operator configures for a 24SevenOffice connection. */
export const TwentyFourSevenCredentials = z.object({
  /** Root under which the service paths live: https://api.24sevenoffice.com, or a sandbox URL. */
  baseUrl: z.string().url(),
  /** Identifies the integration (issued by 24SevenOffice), not the customer. */
  applicationId: Guid('must be the application id GUID'),
  /** The customer's community user: an e-mail address. */
  username: z.string().min(1),
  password: z.string().min(1),
  /** The identity (user × company) to work in; required when the login sees more than one company. */
  identityId: Guid('must be an identity GUID').optional(),
});
export type TwentyFourSevenCredentials = z.infer<typeof TwentyFourSevenCredentials>;

export const ORDER_STATUSES = [
  'None', 'Offer', 'Pack', 'Invoiced', 'Web', 'Repeating', 'CollectingOrder', 'Return', 'Distribution', 'Rest',
  'ForInvoicing', 'OvertimeRent', 'Confirmed', 'OrderState_Sent', 'Production', 'PaymentReminder', 'OnAccount',
  'Lending', 'InvoicedCashAccount', 'InvoicedPack', 'Inactive', 'Hours', 'OrderState_SuperStore', 'Draft',
] as const;
export const OrderStatus = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof OrderStatus>;

/**
 * The lifecycle's names for 24SO order statuses. The UI's "Bekreftet" (confirmed, accepted by the customer) is
 * `Confirmed`; "Produksjon" is `Production`; "Pakk" is `Pack`; "Utsendt" (sent from the warehouse) is
 * `OrderState_Sent` (support.24sevenoffice.com "Lær mer om ordrestatus"; enum spelling from the V001 WSDL).
 */
export const LIFECYCLE_STATUS = {
  accepted: 'Confirmed',
  production: 'Production',
  packed: 'Pack',
  sent: 'OrderState_Sent',
} as const satisfies Record<string, OrderStatus>;

export const CompanyType = z.enum(['None', 'Lead', 'Consumer', 'Business', 'Supplier']);
export type CompanyType = z.infer<typeof CompanyType>;

export const ChangeState = z.enum(['None', 'Add', 'Edit', 'Delete']);
export const RowType = z.enum(['Normal', 'Text', 'TextBold']);

const optionalEnum = <T extends z.ZodType>(e: T) => z.preprocess((v) => (v === '' ? undefined : v), e.optional());

export const ApiExceptionWire = z
  .object({ Type: wireString, Message: wireString })
  .transform((e) => ({ type: e.Type ?? 'Exception', message: e.Message ?? '(no message)' }));
export type ApiException = z.infer<typeof ApiExceptionWire>;

export const IdentityWire = z
  .object({
    Id: Guid('must be a GUID'),
    User: wireObject(z.object({ Name: wireString, Id: wireGuid })),
    Client: z.object({ Id: wireInt, Name: wireString }),
    IsCurrent: wireBool,
    IsDefault: wireBool,
    IsDisabled: wireBool,
  })
  .transform((i) => ({
    id: i.Id,
    userName: i.User?.Name,
    clientId: i.Client.Id,
    clientName: i.Client.Name ?? '',
    isCurrent: i.IsCurrent ?? false,
    isDefault: i.IsDefault ?? false,
    isDisabled: i.IsDisabled ?? false,
  }));
export type Identity = z.infer<typeof IdentityWire>;
export const IdentityList = wireList('Identity', IdentityWire);

export const AddressWire = z
  .object({ Street: wireString, State: wireString, PostalCode: wireString, PostalArea: wireString, Name: wireString, City: wireString, Country: wireString })
  .transform((a) => ({ street: a.Street, state: a.State, postalCode: a.PostalCode, postalArea: a.PostalArea, name: a.Name, city: a.City, country: a.Country }));
export type Address = Partial<z.infer<typeof AddressWire>>;

/** Addresses / PhoneNumbers / EmailAddresses: fixed named slots, each optional; keys come out camelCased. */
const slots = (names: readonly string[], item: z.ZodType) =>
  wireObject(z.object(Object.fromEntries(names.map((n) => [n, wireObject(item)])) as z.ZodRawShape)).transform((o) =>
    o === undefined
      ? undefined
      : Object.fromEntries(
          Object.entries(o as Record<string, unknown>)
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), v]),
        ),
  );

export const ADDRESS_SLOTS = ['Post', 'Delivery', 'Visit', 'Invoice'] as const;
export const PHONE_SLOTS = ['Home', 'Fax', 'Mobile', 'Primary', 'Work'] as const;
export const EMAIL_SLOTS = ['Home', 'Invoice', 'Primary', 'Work', 'Alternative'] as const;

const PhoneWire = z.object({ Description: wireString, Value: wireString }).transform((p) => ({ description: p.Description, value: p.Value }));
const EmailWire = z
  .object({ Description: wireString, Name: wireString, Value: wireString })
  .transform((e) => ({ description: e.Description, name: e.Name, value: e.Value }));

export type Addresses = Partial<Record<'post' | 'delivery' | 'visit' | 'invoice', Address>>;
export type PhoneNumbers = Partial<Record<'home' | 'fax' | 'mobile' | 'primary' | 'work', { description?: string; value?: string }>>;
export type EmailAddresses = Partial<Record<'home' | 'invoice' | 'primary' | 'work' | 'alternative', { description?: string; name?: string; value?: string }>>;

const AddressesWire = slots(ADDRESS_SLOTS, AddressWire) as z.ZodType<Addresses | undefined>;

export const CompanyWire = z
  .object({
    APIException: wireObject(ApiExceptionWire),
    Id: wireInt,
    ExternalId: wireString,
    OrganizationNumber: wireString,
    Name: wireString,
    FirstName: wireString,
    Addresses: AddressesWire,
    PhoneNumbers: slots(PHONE_SLOTS, PhoneWire) as z.ZodType<PhoneNumbers | undefined>,
    EmailAddresses: slots(EMAIL_SLOTS, EmailWire) as z.ZodType<EmailAddresses | undefined>,
    Url: wireString,
    Country: wireString,
    Note: wireString,
    Type: optionalEnum(CompanyType),
    DateCreated: wireDateTime,
    TypeGroup: wireInt,
    DateChanged: wireDateTime,
    BlockInvoice: wireBool,
    CurrencyId: wireString,
    PaymentTime: wireInt,
    VatNumber: wireString,
  })
  .transform((c) => ({
    apiException: c.APIException,
    id: c.Id,
    externalId: c.ExternalId,
    organizationNumber: c.OrganizationNumber,
    name: c.Name,
    firstName: c.FirstName,
    addresses: c.Addresses,
    phoneNumbers: c.PhoneNumbers,
    emailAddresses: c.EmailAddresses,
    url: c.Url,
    country: c.Country,
    note: c.Note,
    type: c.Type,
    dateCreated: c.DateCreated,
    typeGroup: c.TypeGroup,
    dateChanged: c.DateChanged,
    blockInvoice: c.BlockInvoice,
    currencyId: c.CurrencyId,
    paymentTime: c.PaymentTime,
    vatNumber: c.VatNumber,
  }));
export type CompanyRead = z.infer<typeof CompanyWire>;
export type Company = Omit<CompanyRead, 'apiException'>;
export const CompanyList = wireList('Company', CompanyWire);

export const ProductWire = z
  .object({
    SupplierId: wireInt,
    Id: wireInt,
    Name: wireString,
    TaxRate: wireDecimal,
    Stock: wireDecimal,
    StatusId: wireInt,
    CategoryId: wireInt,
    InPrice: wireDecimal,
    Description: wireString,
    Cost: wireDecimal,
    EAN1: wireString,
    Price: wireDecimal,
    No: wireString,
    DateChanged: wireDateTime,
    APIException: wireObject(ApiExceptionWire),
    Web: wireObject(wireBool),
    ProductCode: wireString,
    StockControlled: wireObject(wireBool),
  })
  .transform((p) => ({
    apiException: p.APIException,
    supplierId: p.SupplierId,
    id: p.Id,
    name: p.Name,
    taxRate: p.TaxRate,
    stock: p.Stock,
    statusId: p.StatusId,
    categoryId: p.CategoryId,
    inPrice: p.InPrice,
    description: p.Description,
    cost: p.Cost,
    ean1: p.EAN1,
    price: p.Price,
    no: p.No,
    dateChanged: p.DateChanged,
    web: p.Web,
    productCode: p.ProductCode,
    stockControlled: p.StockControlled,
  }));
export type ProductRead = z.infer<typeof ProductWire>;
export type Product = Omit<ProductRead, 'apiException'>;
export const ProductList = wireList('Product', ProductWire);

export const CategoryWire = z
  .object({ Id: wireInt, Name: wireString, No: wireString, ParentId: wireInt, APIException: wireObject(ApiExceptionWire) })
  .transform((c) => ({ apiException: c.APIException, id: c.Id, name: c.Name, no: c.No, parentId: c.ParentId }));
export type CategoryRead = z.infer<typeof CategoryWire>;
export type Category = Omit<CategoryRead, 'apiException'>;
export const CategoryList = wireList('Category', CategoryWire);

export const InvoiceRowWire = z
  .object({
    ProductId: wireInt,
    RowId: wireInt,
    VatRate: wireDecimal,
    Price: wireDecimal,
    Name: wireString,
    DiscountRate: wireDecimal,
    Quantity: wireDecimal,
    Cost: wireDecimal,
    SequenceNumber: wireInt,
    Type: optionalEnum(RowType),
    InPrice: wireDecimal,
    ProductNo: wireString,
  })
  .transform((r) => ({
    productId: r.ProductId,
    rowId: r.RowId,
    vatRate: r.VatRate,
    price: r.Price,
    name: r.Name,
    discountRate: r.DiscountRate,
    quantity: r.Quantity,
    cost: r.Cost,
    sequenceNumber: r.SequenceNumber,
    type: r.Type,
    inPrice: r.InPrice,
    productNo: r.ProductNo,
  }));
export type InvoiceRow = z.infer<typeof InvoiceRowWire>;

export const InvoiceOrderWire = z
  .object({
    OrderId: wireInt,
    CustomerId: wireInt,
    CustomerName: wireString,
    CustomerDeliveryName: wireString,
    Addresses: AddressesWire,
    OrderStatus: optionalEnum(OrderStatus),
    InvoiceId: wireInt,
    DateOrdered: wireDateTime,
    DateInvoiced: wireDateTime,
    DateChanged: wireDateTime,
    PaymentTime: wireInt,
    OurReference: wireInt,
    IncludeVAT: wireObject(wireNullableBool),
    YourReference: wireString,
    OrderTotalIncVat: wireDecimal,
    OrderTotalVat: wireDecimal,
    InvoiceTitle: wireString,
    InvoiceText: wireString,
    CustomerOrgNo: wireString,
    DepartmentId: wireInt,
    ExternalStatus: wireInt,
    InvoiceEmailAddress: wireString,
    InvoiceRows: z.preprocess((v) => (v === undefined ? undefined : v), wireList('InvoiceRow', InvoiceRowWire).optional()),
    APIException: wireObject(ApiExceptionWire),
    DeliveryDate: wireDateTime,
    ReferenceInvoiceId: wireInt,
    ReferenceOrderId: wireInt,
    ReferenceNumber: wireString,
  })
  .transform((o) => ({
    apiException: o.APIException,
    orderId: o.OrderId,
    customerId: o.CustomerId,
    customerName: o.CustomerName,
    customerDeliveryName: o.CustomerDeliveryName,
    addresses: o.Addresses,
    orderStatus: o.OrderStatus,
    invoiceId: o.InvoiceId,
    dateOrdered: o.DateOrdered,
    dateInvoiced: o.DateInvoiced,
    dateChanged: o.DateChanged,
    paymentTime: o.PaymentTime,
    ourReference: o.OurReference,
    includeVat: o.IncludeVAT ?? undefined,
    yourReference: o.YourReference,
    orderTotalIncVat: o.OrderTotalIncVat,
    orderTotalVat: o.OrderTotalVat,
    invoiceTitle: o.InvoiceTitle,
    invoiceText: o.InvoiceText,
    customerOrgNo: o.CustomerOrgNo,
    departmentId: o.DepartmentId,
    externalStatus: o.ExternalStatus,
    invoiceEmailAddress: o.InvoiceEmailAddress,
    invoiceRows: o.InvoiceRows,
    deliveryDate: o.DeliveryDate,
    referenceInvoiceId: o.ReferenceInvoiceId,
    referenceOrderId: o.ReferenceOrderId,
    referenceNumber: o.ReferenceNumber,
  }));
export type InvoiceOrderRead = z.infer<typeof InvoiceOrderWire>;
export type InvoiceOrder = Omit<InvoiceOrderRead, 'apiException'>;
export const InvoiceOrderList = wireList('InvoiceOrder', InvoiceOrderWire);

export const BooleanResult = wireBool.pipe(z.boolean({ message: 'expected true or false' }));
export const StringResult = z.preprocess((v) => (v === undefined || v === null ? '' : v), z.string());

export const SyncCompanyWire = z
  .object({ CompanyId: wireInt, ExternalId: wireString, DateChanged: wireDateTime, DateRegistered: wireDateTime, Active: wireBool })
  .transform((c) => ({ companyId: c.CompanyId, externalId: c.ExternalId, dateChanged: c.DateChanged, dateRegistered: c.DateRegistered, active: c.Active ?? true }));
export type SyncCompany = z.infer<typeof SyncCompanyWire>;

export const PageOfSyncCompany = z
  .object({ CurrentPage: wireInt, TotalPages: wireInt, TotalItems: wireInt, ItemsPerPage: wireInt, Items: wireList('SyncCompany', SyncCompanyWire) })
  .transform((p) => ({ currentPage: p.CurrentPage ?? 1, totalPages: p.TotalPages ?? 0, totalItems: p.TotalItems ?? 0, itemsPerPage: p.ItemsPerPage ?? 0, items: p.Items }));
export type CompanySyncPage = z.infer<typeof PageOfSyncCompany>;

export const IntList = wireList('int', wireInt.pipe(z.number({ message: 'expected an integer' })));
