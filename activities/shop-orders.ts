import { wooOrderToSalesDocument } from '../domain/mapping/woocommerce';
import type { SalesDocument } from '../domain/model';
import { documentNumber } from '../domain/numbering';
import type { Connections } from './connections';
import { classified, needsOperator } from './failures';

export interface ShopOrderRef {
  tenant: string;
  shop: string;
  orderId: string;
}

export interface PreparedOrder {
  document: SalesDocument;
  /** The ERP document number from the tenant's range. */
  number: string;
  /** True when the shop marks the order as paid and the tenant books payments. */
  registerPayment: boolean;
}

/**
 * Fetches the order fresh from the shop (a webhook body can precede the final totals) and maps it to the canonical
 * sales document with its number from the tenant's range. Bad data is an operator's problem, named precisely.
 */
export function createShopOrderActivities(connections: Connections) {
  return {
    async fetchShopOrder(ref: ShopOrderRef): Promise<PreparedOrder> {
      return classified(async () => {
        const settings = connections.orderExportSettings(ref.tenant);
        const shop = connections.shop(ref.tenant, ref.shop);
        if (shop.system !== 'woocommerce') {
          throw needsOperator(`order export from ${shop.system} is not available in this version (shop "${ref.shop}")`, 'Siirto.config');
        }
        if (!/^\d+$/.test(ref.orderId)) throw needsOperator(`"${ref.orderId}" is not a WooCommerce order id`, 'Siirto.validation');
        const order = await connections.woocommerce(ref.tenant, ref.shop).getOrder(Number(ref.orderId));
        let document: SalesDocument;
        try {
          document = wooOrderToSalesDocument(order, { kind: settings.document.type });
        } catch (err) {
          throw needsOperator(`WooCommerce order ${ref.orderId} cannot be exported: ${(err as Error).message}`, 'Siirto.validation');
        }
        const numbered = documentNumber(document.source.number, settings.numbering);
        if (!numbered.ok) throw needsOperator(numbered.reason, 'Siirto.conflict');
        return {
          document: { ...document, number: numbered.number },
          number: numbered.number,
          registerPayment: settings.document.registerPayment && settings.document.type === 'invoice' && document.payments.length > 0,
        };
      });
    },
  };
}
