import { ActivityFailure, ApplicationFailure, patched, proxyActivities, upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { apiCall } from './profiles';
import { SiirtoEntity, SiirtoFlow, SiirtoSourceId, SiirtoTenant } from './search-attributes';
import { Transfer } from './transfer';

/** activities/sales-documents.ts REGISTER_STALE; a literal here so that the workflow bundle does not import activity code. */
const REGISTER_STALE = 'Siirto.register-stale';

/** Histories from before it asked for the customer first and the products after; they replay as they ran. */
const REGISTERS_AT_ONCE = 'siirto-customer-and-products-at-once';

const { fetchShopOrder, resolveCustomer, ensureProducts, createSalesDocument, registerPayment } = proxyActivities<Activities>(apiCall);

export interface ExportOrderInput {
  tenant: string;
  shop: string;
  orderId: string;
  trigger: 'webhook' | 'reconcile' | 'manual';
  /** Set only by `siirto export --again`: who ran a finished export once more, and why (kept in the memo). */
  again?: { by: string; reason: string };
}

export interface ExportOrderResult {
  status: 'done' | 'skipped';
  number?: string;
  /** The document's key in the target system (Netvisor key, Procountor invoice id). */
  documentId?: string;
  customerCode?: string;
}

/** `order-export/<tenant>/<shop>/<orderId>`: the one workflow id per shop order, whoever starts it. */
export const exportOrderWorkflowId = (tenant: string, shop: string, orderId: string): string => `order-export/${tenant}/${shop}/${orderId}`;

/**
 * One webshop order becomes one sales document in the ERP. Customer and products first (Netvisor ignores party
 * and product data embedded in an invoice), then the document, then the payment. Every step is idempotent, so a
 * retry after a lost reply or a worker restart never writes twice.
 */
export async function exportOrder(input: ExportOrderInput): Promise<ExportOrderResult> {
  upsertSearchAttributes([
    { key: SiirtoTenant, value: input.tenant },
    { key: SiirtoFlow, value: 'order-export' },
    { key: SiirtoEntity, value: 'order' },
    { key: SiirtoSourceId, value: `${input.shop}/${input.orderId}` },
  ]);
  if (input.again) upsertMemo({ rerun: { by: input.again.by, at: workflowInfo().startTime.toISOString(), reason: input.again.reason } });
  const transfer = new Transfer(`order ${input.orderId} from ${input.shop}`, input.tenant);
  const result: ExportOrderResult = { status: 'done' };
  // No earlier attempt can have written anything for this order only in the first pass of a run that is neither a
  // rerun (`--again`) nor a reset, continue-as-new or retry of an earlier run (those keep the first run's id). The
  // activities add their own attempt number (activities/attempts.ts). Histories from before replay as they ran.
  const freshRun = patched('siirto-first-try-skips-look') && !input.again && workflowInfo().runId === workflowInfo().firstExecutionRunId;
  let passes = 0;

  const completed = await transfer.runUntilDone(async () => {
    const firstTry = freshRun && ++passes === 1;
    transfer.step('fetch order');
    const prepared = await fetchShopOrder({ tenant: input.tenant, shop: input.shop, orderId: input.orderId });
    result.number = prepared.number;

    const registers = async (verify: boolean) => {
      const customerInput = {
        tenant: input.tenant,
        shop: input.shop,
        customer: prepared.document.customer,
        fallbackCode: prepared.number,
        channel: prepared.document.channel,
        ...(verify ? { verify } : {}),
      };
      const productsInput = { tenant: input.tenant, shop: input.shop, lines: prepared.document.lines, ...(firstTry && !verify ? { firstTry } : {}), ...(verify ? { verify } : {}) };
      if (patched(REGISTERS_AT_ONCE)) {
        const customer = await customerAndProducts(transfer, resolveCustomer(customerInput), ensureProducts(productsInput));
        result.customerCode = customer.code;
        return customer;
      }
      transfer.step('customer');
      const customer = await resolveCustomer(customerInput);
      result.customerCode = customer.code;

      transfer.step('products');
      await ensureProducts(productsInput);
      return customer;
    };
    let customer = await registers(false);

    transfer.step('document');
    let created;
    try {
      created = await createSalesDocument({ tenant: input.tenant, shop: input.shop, document: prepared.document, customerCode: customer.code, ...(firstTry ? { firstTry } : {}) });
    } catch (err) {
      // The document named a customer or product that was deleted after the worker last read the register: resolve
      // both again from the target, once, and write (looking first).
      if (!(err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === REGISTER_STALE) || !patched('siirto-register-stale')) throw err;
      customer = await registers(true);
      transfer.step('document');
      created = await createSalesDocument({ tenant: input.tenant, shop: input.shop, document: prepared.document, customerCode: customer.code });
    }
    result.documentId = created.id;
    transfer.target(created.number);

    if (prepared.registerPayment) {
      transfer.step('payment');
      for (const payment of prepared.document.payments) {
        await registerPayment({ tenant: input.tenant, shop: input.shop, invoiceNumber: created.number, currency: prepared.document.currency, payment });
      }
    }
  });

  if (!completed) return { ...result, status: 'skipped' };
  transfer.done(`order ${input.orderId} from ${input.shop} → ${describeResult(result)}`);
  return result;
}

/**
 * The customer and the products are independent of each other, so both activities are scheduled in one workflow
 * task, and the document follows one task after the later of the two (a burst of orders reaches the ERP a round trip
 * sooner per order). The step names what is still running; when one fails, the other is waited for, so that a retry
 * never runs beside a still-running attempt, and the step names the one that failed (the customer first).
 */
async function customerAndProducts<C>(transfer: Transfer, customer: Promise<C>, products: Promise<unknown>): Promise<C> {
  transfer.step('customer and products');
  let customerDone = false;
  let productsDone = false;
  const settle = <T>(p: Promise<T>, done: () => void) =>
    p.then(
      (value) => {
        done();
        if (!(customerDone && productsDone)) transfer.step(customerDone ? 'products' : 'customer');
        return { ok: true as const, value };
      },
      (error: unknown) => {
        done();
        return { ok: false as const, error };
      },
    );
  const [c, p] = await Promise.all([settle(customer, () => (customerDone = true)), settle(products, () => (productsDone = true))]);
  if (!c.ok) {
    transfer.step('customer');
    throw c.error;
  }
  if (!p.ok) {
    transfer.step('products');
    throw p.error;
  }
  return c.value;
}

const describeResult = (r: ExportOrderResult): string => `document ${r.number} (customer ${r.customerCode})`;
