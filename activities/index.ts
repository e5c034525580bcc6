import type { Connections } from './connections';
import { createCustomerActivities } from './customers';
import { createPaymentActivities } from './payments';
import { createProductActivities } from './products';
import { createSalesDocumentActivities } from './sales-documents';
import { createShopOrderActivities } from './shop-orders';

/** Every activity the worker registers, built over one set of tenant connections. */
export function createActivities(connections: Connections) {
  return {
    ...createShopOrderActivities(connections),
    ...createCustomerActivities(connections),
    ...createProductActivities(connections),
    ...createSalesDocumentActivities(connections),
    ...createPaymentActivities(connections),
  };
}

export type Activities = ReturnType<typeof createActivities>;
