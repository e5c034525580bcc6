export { TwentyFourSevenClient, type TwentyFourSevenOptions } from './client';
export {
  TwentyFourSevenCredentials,
  LIFECYCLE_STATUS,
  ORDER_STATUSES,
  OrderStatus,
  CompanyType,
  type Company,
  type Product,
  type Category,
  type InvoiceOrder,
  type InvoiceRow,
  type Identity,
  type SyncCompany,
  type CompanySyncPage,
  type Address,
  type Addresses,
} from './schemas';
export type { CompanyInput, CompanySearch, CompanyProperty, CompanySyncSearch } from './companies';
export type { ProductInput, ProductSearch, ProductProperty, CategoryInput } from './products';
export type { InvoiceOrderInput, InvoiceRowInput, InvoiceSearch, InvoiceProperties, RowChanges } from './invoices';
export type { SaveOutcome } from './save';
export { SENTINEL } from './wire';
