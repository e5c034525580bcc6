import { z } from 'zod';
import { SyncSettings } from './sync-schema';
import { LifecycleSettings } from './lifecycle-schema';
import { ServerSettings } from './server-schema';
import { StockSettings, checkStock } from './stock-schema';
import { InvoiceTransferSettings, checkInvoices } from './invoice-schema';
import { rangesOverlap } from '../domain/numbering';

/**
 * The tenant configuration: one YAML file per company under config/. Secrets are never written in the file:
 * a secret field holds `{ env: NAME }` and its value comes from that environment variable when the file is loaded.
 * A base URL may be `sandbox:<system>[/path]` to point at a running sandbox (resolved from SIIRTO_SANDBOX_<SYSTEM>_URL,
 * the path appended: Procountor's API lives under /api as on the real host).
 */
export const SecretRef = z
  .object({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name such as NETVISOR_CUSTOMER_KEY') })
  .strict();
export type SecretRef = z.infer<typeof SecretRef>;

/** A secret written in plain text gets its own message, because it is the mistake people make. */
const secret = z.union([SecretRef, z.string()]).superRefine((value, ctx) => {
  if (typeof value === 'string') {
    ctx.addIssue({ code: 'custom', message: 'secrets are not written in the file: use { env: VARIABLE_NAME } and set the variable' });
  }
}) as unknown as typeof SecretRef;

const BaseUrl = z
  .string()
  .refine((v) => /^https?:\/\/\S+$/.test(v) || /^sandbox:[a-z0-9]+(\/\S*)?$/.test(v), 'must be an http(s) URL or sandbox:<system>[/path]');

export const NetvisorConnection = z
  .object({
    baseUrl: BaseUrl,
    customerId: z.string().min(1),
    customerKey: secret,
    partnerId: z.string().min(1),
    partnerKey: secret,
    organisationId: z.string().min(1),
    language: z.enum(['FI', 'EN', 'SE']).default('FI'),
  })
  .strict();

export const ProcountorConnection = z
  .object({ baseUrl: BaseUrl, clientId: z.string().min(1), clientSecret: secret, apiKey: secret })
  .strict();

export const RackbeatConnection = z.object({ baseUrl: BaseUrl, apiToken: secret }).strict();

export const TwentyFourSevenConnection = z
  .object({
    baseUrl: BaseUrl,
    applicationId: secret,
    username: z.string().min(1),
    password: secret,
    /** The company (identity) to work in, when the login sees several (`siirto onboard` lists them). */
    identityId: z.string().optional(),
  })
  .strict();

export const SeveraConnection = z
  .object({ baseUrl: BaseUrl, clientId: z.string().min(1), clientSecret: secret, scopes: z.array(z.string()).optional() })
  .strict();

/** The systems a tenant's flows talk to, one connection each; flows name the ones they use. */
export const Connections = z
  .object({
    netvisor: NetvisorConnection.optional(),
    procountor: ProcountorConnection.optional(),
    rackbeat: RackbeatConnection.optional(),
    twentyfourseven: TwentyFourSevenConnection.optional(),
    severa: SeveraConnection.optional(),
  })
  .strict()
  .default({});

/** Where a shop's orders go. */
const ExportTarget = z.enum(['netvisor', 'procountor']);

/** Document numbers `offset + shop order number`, inside [offset, max] (domain/numbering.ts). */
export const NumberingRange = z
  .object({ offset: z.number().int().min(0), max: z.number().int().positive() })
  .strict()
  .refine((n) => n.max > n.offset, 'max must be greater than offset');

export const WooCommerceShop = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/, 'use lower-case letters, digits and hyphens'),
    system: z.literal('woocommerce'),
    exportTo: ExportTarget,
    /** Order statuses that are exported: paid orders are "processing", shipped ones "completed". */
    exportStatuses: z.array(z.string().min(1)).min(1).default(['processing', 'completed']),
    /** This shop's own number range; required when several shops export to the same system. */
    numbering: NumberingRange.optional(),
    baseUrl: BaseUrl,
    consumerKey: secret,
    consumerSecret: secret,
    webhookSecret: secret,
  })
  .strict();

export const ShopifyShop = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/, 'use lower-case letters, digits and hyphens'),
    system: z.literal('shopify'),
    exportTo: ExportTarget,
    /** Financial statuses that are exported (orders/create arrives before payment; orders/paid after it). */
    exportStatuses: z.array(z.string().min(1)).min(1).default(['paid']),
    /** This shop's own number range; required when several shops export to the same system. */
    numbering: NumberingRange.optional(),
    baseUrl: BaseUrl,
    accessToken: secret,
    appSecret: secret,
  })
  .strict();

export const Shop = z.discriminatedUnion('system', [WooCommerceShop, ShopifyShop]);

const Duration = z.string().regex(/^\d+(ms|s|m|h)$/, 'must be a duration such as 30s, 5m or 1h');

export const OrderExportSettings = z
  .object({
    /** Netvisor: invoice (open | unsent) or order (undelivered | delivered). */
    document: z
      .object({
        type: z.enum(['invoice', 'order']).default('invoice'),
        status: z.enum(['open', 'unsent', 'undelivered', 'delivered']).default('unsent'),
        /** Book a payment on invoices whose order the shop already marks as paid. */
        registerPayment: z.boolean().default(false),
      })
      .strict()
      .superRefine((d, ctx) => {
        const allowed = d.type === 'invoice' ? ['open', 'unsent'] : ['undelivered', 'delivered'];
        if (!allowed.includes(d.status)) {
          ctx.addIssue({ code: 'custom', path: ['status'], message: `status "${d.status}" is not valid for a ${d.type}: use ${allowed.join(' or ')}` });
        }
      })
      .default({ type: 'invoice', status: 'unsent', registerPayment: false }),
    /**
     * The document number is `offset + shop order number`, which must stay inside [offset, max]. Used by a shop
     * without its own `numbering`; valid only while that shop is the one shop exporting to its system.
     */
    numbering: NumberingRange.optional(),
    customers: z
      .object({
        /** "match": look the customer up by the rules below; "temp": book every order to the TEMP customer. */
        mode: z.enum(['match', 'temp']).default('match'),
        matchBy: z.array(z.enum(['customerNumber', 'businessId', 'name'])).min(1).default(['customerNumber', 'businessId', 'name']),
        /** "name" in matchBy is for business customers (orders with a business ID) unless this is on: namesakes are not one person. */
        matchConsumersByName: z.boolean().default(false),
        createMissing: z.boolean().default(true),
        tempCustomerCode: z.string().min(1).default('TEMP'),
        /** Write the order's name, address and email over a matched customer card. */
        updateRegister: z.boolean().default(false),
      })
      .strict()
      .default({ mode: 'match', matchBy: ['customerNumber', 'businessId', 'name'], matchConsumersByName: false, createMissing: true, tempCustomerCode: 'TEMP', updateRegister: false }),
    /** Invoice channel: email when the order has a billing email, otherwise `default`; or `default` always when `forced`. */
    channel: z
      .object({ default: z.enum(['email', 'einvoice', 'print', 'none']).default('print'), forced: z.boolean().default(false) })
      .strict()
      .default({ default: 'print', forced: false }),
    /** Procountor only: how far an exported invoice goes, and whose customer data it carries. */
    procountor: z
      .object({
        finish: z.enum(['unfinished', 'approve', 'approve-and-send']).default('approve'),
        customerData: z.enum(['order', 'register']).default('order'),
      })
      .strict()
      .default({ finish: 'approve', customerData: 'order' }),
    products: z
      .object({ createMissing: z.boolean().default(true) })
      .strict()
      .default({ createMissing: true }),
    /** How often the reconciliation poll looks for orders a lost webhook missed. */
    reconcileEvery: Duration.default('5m'),
    /** How far back each reconciliation looks; overlapping windows are harmless because exports are idempotent. */
    reconcileLookback: Duration.default('24h'),
  })
  .strict();
export type OrderExportSettings = z.infer<typeof OrderExportSettings>;

export const TenantConfig = z
  .object({
    tenant: z.string().regex(/^[a-z0-9-]+$/, 'use lower-case letters, digits and hyphens'),
    name: z.string().min(1),
    connections: Connections,
    shops: z.array(Shop).default([]),
    orderExport: OrderExportSettings.optional(),
    sync: SyncSettings.optional(),
    lifecycle: LifecycleSettings.optional(),
    server: ServerSettings.optional(),
    stock: StockSettings.optional(),
    invoices: InvoiceTransferSettings.optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    checkStock(t, ctx);
    checkInvoices(t, ctx);
    const seen = new Set<string>();
    t.shops.forEach((s, i) => {
      if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: ['shops', i, 'id'], message: `shop id "${s.id}" is used twice` });
      seen.add(s.id);
    });
    t.shops.forEach((s, i) => {
      if (!t.connections[s.exportTo]) {
        ctx.addIssue({ code: 'custom', path: ['shops', i, 'exportTo'], message: `shop "${s.id}" exports to ${s.exportTo}, but connections.${s.exportTo} is missing` });
      }
    });
    if (t.shops.length && !t.orderExport) {
      ctx.addIssue({ code: 'custom', path: ['orderExport'], message: 'shops are configured but orderExport settings are missing' });
    }
    if (t.orderExport) checkShopNumbering(t.shops, t.orderExport.numbering, ctx);
  });
export type TenantConfig = z.infer<typeof TenantConfig>;

/**
 * Every shop gets a range, and shops exporting to the same system get ranges of their own that do not overlap:
 * two shops' order #1001 must never become the same document number (domain/numbering.ts).
 */
function checkShopNumbering(shops: Array<z.infer<typeof Shop>>, tenantRange: z.infer<typeof NumberingRange> | undefined, ctx: z.RefinementCtx): void {
  for (const target of ExportTarget.options) {
    const sharing = shops.map((shop, index) => ({ shop, index })).filter(({ shop }) => shop.exportTo === target);
    for (const { shop, index } of sharing) {
      if (shop.numbering) continue;
      if (sharing.length > 1) {
        const others = sharing.filter((o) => o.shop.id !== shop.id).map((o) => `"${o.shop.id}"`).join(', ');
        ctx.addIssue({
          code: 'custom',
          path: ['shops', index, 'numbering'],
          message: `shop "${shop.id}" exports to ${target} together with shop ${others}: give each shop its own numbering: { offset, max }, with ranges that do not overlap`,
        });
      } else if (!tenantRange) {
        ctx.addIssue({ code: 'custom', path: ['shops', index, 'numbering'], message: `shop "${shop.id}" has no number range: set orderExport.numbering or the shop's own numbering: { offset, max }` });
      }
    }
    const ranged = sharing.filter((s): s is { shop: typeof s.shop & { numbering: z.infer<typeof NumberingRange> }; index: number } => !!s.shop.numbering);
    for (let i = 0; i < ranged.length; i++) {
      for (let j = i + 1; j < ranged.length; j++) {
        const a = ranged[i].shop;
        const b = ranged[j].shop;
        if (rangesOverlap(a.numbering, b.numbering)) {
          ctx.addIssue({
            code: 'custom',
            path: ['shops', ranged[j].index, 'numbering'],
            message:
              `the number ranges of shops "${a.id}" (${a.numbering.offset}–${a.numbering.max}) and "${b.id}" (${b.numbering.offset}–${b.numbering.max}) overlap, ` +
              `and both export to ${target}: their orders would get the same document numbers; make the ranges disjoint`,
          });
        }
      }
    }
  }
}
