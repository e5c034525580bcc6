import type { Client } from '@temporalio/client';
import type { Connections } from './connections';
import { createCustomerActivities } from './customers';
import { createInvoiceActivities } from './invoices';
import { createOnboardingActivities } from './onboarding';
import { createOrderLifecycleActivities } from './order-lifecycle';
import { createPaymentActivities } from './payments';
import { createProductActivities } from './products';
import { createReconciliationActivities } from './reconciliation';
import { createRegisterActivities } from './registers';
import { createSalesDocumentActivities } from './sales-documents';
import { createScheduleControlActivities } from './schedule-control';
import { createShopOrderActivities } from './shop-orders';
import { createShopWebhookActivities } from './shop-webhooks';
import { createStockActivities } from './stock';

/**
 * Every activity the worker registers, built over one set of tenant connections. `temporal` gives the few
 * activities that start workflows (reconciliation) a client; it is only called when they run.
 */
export function createActivities(connections: Connections, temporal: () => Client = noClient) {
  return {
    ...createShopOrderActivities(connections),
    ...createCustomerActivities(connections),
    ...createProductActivities(connections),
    ...createSalesDocumentActivities(connections),
    ...createPaymentActivities(connections),
    ...createReconciliationActivities(connections, temporal),
    ...createOrderLifecycleActivities(connections, temporal),
    ...createRegisterActivities(connections, temporal),
    ...createOnboardingActivities(connections, temporal),
    ...createScheduleControlActivities(connections, temporal),
    ...createShopWebhookActivities(connections),
    ...createStockActivities(connections, temporal),
    ...createInvoiceActivities(connections, temporal),
  };
}

export type Activities = ReturnType<typeof createActivities>;

function noClient(): never {
  throw new Error('this worker was created without a Temporal client for activities');
}
