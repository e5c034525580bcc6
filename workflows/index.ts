/** Every workflow the worker registers. Workflow code imports only @temporalio/workflow, domain/ and activity types. */
export { exportOrder } from './order-export';
export { reconcileShop } from './reconcile-shop';
export { orderLifecycle, routeRackbeatOrderEvent, pollLifecycleOrders } from './order-lifecycle';
export { migrateRegister } from './register-migration';
export { registerSync, watchRegister } from './register-watch';
export { onboarding } from './onboarding';
export { lifecycleCursor } from './lifecycle-cursor';
export { stockSync, watchStock } from './stock-sync';
export { invoiceTransfer, reconcileInvoices } from './invoice-transfer';
