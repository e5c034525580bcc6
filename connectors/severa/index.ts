export { SeveraClient, SeveraCredentials, isSeveraError } from './client';
export type { SeveraClientOptions, SeveraApi, SeveraGet } from './client';
export type { CustomerFilter } from './customers';
export type { ProductFilter } from './products';
export type { CostCenterFilter } from './cost-centers';
export type { TokenPage, OffsetPage, ChangeFilter } from './paging';
export type { SeveraCustomer, SeveraProduct, SeveraCostCenter } from './schemas';
export { classifySeveraError } from './errors';
export * as schemas from './schemas';
