import type { ResolvedTenant } from '../config/load';
import { isConnectorError } from '../connectors/kit/errors';
import { isOrderExportPair, type CheckLine, type OnboardingPair } from '../domain/onboarding';
import type { Connections } from './connections';
import { toActivityFailure } from './failures';

/**
 * Go-live's webhooks (workflows/onboarding.ts): for an order-export pair, every shop of the tenant that exports to
 * the pair's target gets its order webhooks at `<server.publicUrl>/webhooks/<system>/<tenant>?shop=<id>` — the route
 * of client/webhook-routes.ts. Each hook is looked for before it is created (the clients' ensureWebhook), so a second
 * go-live creates nothing; a WooCommerce hook the shop disabled after failed deliveries is switched back on.
 *
 * The result is one checklist line per shop. A shop that refuses (wrong key, no right, an address it will not take)
 * is a line that is not ok, with the shop's reason: the flows are live anyway, and the reconciliation poll finds the
 * orders a missing webhook would have announced. Passing troubles (5xx, timeouts) are thrown, so Temporal retries.
 * Rackbeat's webhooks are not registered here: their token is returned once and would have to be kept as a secret.
 */
export const WOOCOMMERCE_TOPICS = ['order.created', 'order.updated'] as const;
export const SHOPIFY_TOPICS = ['orders/create', 'orders/paid'] as const;

export const RACKBEAT_WEBHOOKS_LINE = 'Rackbeat webhooks: register them by hand and put their tokens in sync.rackbeatWebhookTokens';

export const noPublicUrlLine = (tenant: string): string =>
  `no server.publicUrl in config/${tenant}.yaml: register the shops' webhooks by hand, the reconciliation poll covers them meanwhile`;

/** Where a shop's deliveries go: the HTTP server's webhook route, with the shop named in the query. */
export function shopWebhookUrl(publicUrl: string, system: string, tenant: string, shopId: string): string {
  return `${publicUrl}/webhooks/${system}/${encodeURIComponent(tenant)}?shop=${encodeURIComponent(shopId)}`;
}

type Shop = ResolvedTenant['shops'][number];
type Outcome = 'created' | 're-activated' | 'already there';

export function createShopWebhookActivities(connections: Connections) {
  /** Topic → what happened, for one shop. */
  async function ensureForShop(tenant: string, shop: Shop, url: string): Promise<Array<[string, Outcome]>> {
    const out: Array<[string, Outcome]> = [];
    if (shop.system === 'woocommerce') {
      const api = connections.woocommerce(tenant, shop.id);
      const before = await api.listWebhooks();
      for (const topic of WOOCOMMERCE_TOPICS) {
        const existing = before.find((w) => w.topic === topic && w.delivery_url === url);
        const { created } = await api.ensureWebhook({ name: `Siirto ${tenant} ${shop.id} ${topic}`, topic, deliveryUrl: url, secret: shop.webhookSecret });
        out.push([topic, created ? 'created' : existing && existing.status !== 'active' ? 're-activated' : 'already there']);
      }
    } else {
      const api = connections.shopify(tenant, shop.id);
      for (const topic of SHOPIFY_TOPICS) {
        const { created } = await api.ensureWebhook({ topic, address: url });
        out.push([topic, created ? 'created' : 'already there']);
      }
    }
    return out;
  }

  return {
    /** The go-live line(s) about webhooks for one pair of a tenant; idempotent. */
    async ensureShopWebhooks(tenant: string, pair: OnboardingPair): Promise<CheckLine[]> {
      try {
        if (pair === 'rackbeat-netvisor' || pair === 'rackbeat-24so') return [{ system: 'rackbeat', ok: true, item: 'webhooks', message: RACKBEAT_WEBHOOKS_LINE }];
        if (!isOrderExportPair(pair)) return [];
        const t = connections.tenant(tenant);
        const target = pair === 'shop-netvisor' ? 'netvisor' : 'procountor';
        const shops = t.shops.filter((s) => s.exportTo === target);
        if (!shops.length) return [];
        const publicUrl = t.server?.publicUrl;
        if (!publicUrl) return [{ system: shops.map((s) => `shop:${s.id}`).join(', '), ok: true, item: 'webhooks', message: noPublicUrlLine(tenant) }];
        const lines: CheckLine[] = [];
        for (const shop of shops) {
          const url = shopWebhookUrl(publicUrl, shop.system, tenant, shop.id);
          const system = `shop:${shop.id}`;
          try {
            const outcomes = await ensureForShop(tenant, shop, url);
            const by = (o: Outcome) => outcomes.filter(([, x]) => x === o).map(([topic]) => topic);
            const parts = (['created', 're-activated', 'already there'] as const).filter((o) => by(o).length).map((o) => `${o} ${by(o).join(', ')}`);
            lines.push({ system, ok: true, item: 'webhooks', message: `webhooks to ${url}: ${parts.join('; ')}` });
          } catch (err) {
            // An answer from the shop (not a passing trouble): reported, and the flows go live regardless.
            if (isConnectorError(err) && !err.retryable) {
              lines.push({ system, ok: false, item: 'webhooks', message: `webhooks to ${url} not registered: ${err.message} (register them by hand; the reconciliation poll covers the shop meanwhile)` });
            } else throw err;
          }
        }
        return lines;
      } catch (err) {
        throw toActivityFailure(err);
      }
    },
  };
}
