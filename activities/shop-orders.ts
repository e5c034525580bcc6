import { shopifyOrderToSalesDocument } from '../connectors/shopify/mapping';
import { wooOrderToSalesDocument } from '../connectors/woocommerce/mapping';
import type { SalesDocument } from '../domain/model';
import { documentNumber, rangeForShop } from '../domain/numbering';
import type { Connections } from './connections';
import { classified, needsOperator } from './failures';
import { orderTargetFor } from './targets';

export interface ShopOrderRef {
  tenant: string;
  shop: string;
  orderId: string;
}

export interface PreparedOrder {
  document: SalesDocument;
  /** The ERP document number from the shop's range (its own, or the tenant's when it is alone on its target). */
  number: string;
  /** True when the shop marks the order as paid and the tenant books payments. */
  registerPayment: boolean;
}

/**
 * Fetches the order fresh from the shop (a webhook body can precede the final totals) and maps it to the canonical
 * sales document with its number from the shop's range. Bad data is an operator's problem, named precisely.
 */
export function createShopOrderActivities(connections: Connections) {
  async function fetchAndMap(ref: ShopOrderRef, kind: 'invoice' | 'order'): Promise<{ document: SalesDocument; status: string }> {
    const shop = connections.shop(ref.tenant, ref.shop);
    if (!/^\d+$/.test(ref.orderId)) throw needsOperator(`"${ref.orderId}" is not a ${shop.system} order id`, 'Siirto.validation');
    const map = <T>(order: T, mapper: (o: T) => SalesDocument): SalesDocument => {
      try {
        return mapper(order);
      } catch (err) {
        throw needsOperator(`${shop.system} order ${ref.orderId} cannot be exported: ${(err as Error).message}`, 'Siirto.validation');
      }
    };
    if (shop.system === 'woocommerce') {
      const order = await connections.woocommerce(ref.tenant, ref.shop).getOrder(Number(ref.orderId));
      return { document: map(order, (o) => wooOrderToSalesDocument(o, { kind })), status: order.status };
    }
    const order = await connections.shopify(ref.tenant, ref.shop).getOrder(Number(ref.orderId));
    return { document: map(order, (o) => shopifyOrderToSalesDocument(o, { kind })), status: order.financial_status ?? 'unknown' };
  }

  return {
    async fetchShopOrder(ref: ShopOrderRef): Promise<PreparedOrder> {
      return classified(async () => {
        const settings = connections.orderExportSettings(ref.tenant);
        const shop = connections.shop(ref.tenant, ref.shop);
        const kind = shop.exportTo === 'netvisor' ? settings.document.type : 'invoice';
        // The customer and products steps come next and ask the target's register cache: its read (when one is due)
        // starts now, beside the shop's, not after it on the order's critical path.
        prefetchRegisters(connections, ref);
        const { document, status } = await fetchAndMap(ref, kind);
        if (!shop.exportStatuses.includes(status)) {
          throw needsOperator(
            `order ${document.source.number} is "${status}" in the shop, not one of ${shop.exportStatuses.join(', ')}: skip it, or retry once it is paid`,
            'Siirto.business',
          );
        }
        const numbered = documentNumber(document.source.number, rangeForShop(shop, settings.numbering));
        if (!numbered.ok) throw needsOperator(numbered.reason, 'Siirto.conflict');
        return {
          document: { ...document, number: numbered.number, channel: pickChannel(document, settings.channel) },
          number: numbered.number,
          registerPayment: settings.document.registerPayment && kind === 'invoice' && document.payments.length > 0,
        };
      });
    },
  };
}

/** Starts the target's register read (RegisterCache.prefetch); a target without a cache, or a setting in error, is left to the next step. */
function prefetchRegisters(connections: Connections, ref: ShopOrderRef): void {
  try {
    orderTargetFor(connections, ref.tenant, ref.shop).registers?.prefetch();
  } catch {
    // The customer step reports it in its own words.
  }
}

/** Email when the order has a billing email, otherwise the configured default; or the default always when forced. */
function pickChannel(document: SalesDocument, channel: { default: SalesDocument['channel'] & string; forced: boolean }): NonNullable<SalesDocument['channel']> {
  if (channel.forced) return channel.default;
  return document.customer.email ? 'email' : channel.default;
}
