import { z } from 'zod';
import { checkRoute, PAIR_NAMES, REGISTER_NAMES, parseDirection, type PairName } from '../domain/sync';

/**
 * `sync:` in a tenant file: which register pairs run, per register the direction of the initial migration and the
 * master of the ongoing sync, how often the non-webhook side is polled, whether deletions propagate, and the
 * defaults records created in Rackbeat get. Directions are spelled out ("rackbeat-to-netvisor") so that a file
 * reads without a legend.
 */
const SecretRef = z.object({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name') }).strict();
const Duration = z.string().regex(/^\d+(s|m|h)$/, 'must be a duration such as 30s, 5m or 1h');

export const RegisterSyncSettings = z
  .object({
    direction: z.string().regex(/^[a-z0-9]+-to-[a-z0-9]+$/, 'must read like "rackbeat-to-netvisor"'),
    /** The system whose version wins in the ongoing sync; the direction's source when absent. */
    master: z.enum(['rackbeat', 'netvisor', '24so', 'severa']).optional(),
  })
  .strict();

export const PairSyncSettings = z
  .object({
    pair: z.enum(PAIR_NAMES as [PairName, ...PairName[]]),
    registers: z.partialRecord(z.enum(REGISTER_NAMES as [string, ...string[]]), RegisterSyncSettings).default({}),
    /** How often the side without webhooks is polled for changes (changed-since). */
    pollEvery: Duration.default('5m'),
    /** Deletions are reported for an operator; with this on they also deactivate/delete the record on the other side. */
    propagateDeletes: z.boolean().default(false),
    /** Given to customers created in Rackbeat (24SO pair: NOK and Norwegian unless told otherwise). */
    currency: z.string().length(3).default('NOK'),
    language: z.string().min(2).default('nb'),
    /** The Netvisor dimension (laskentakohde) cost centres go under. */
    netvisorDimension: z.string().min(1).max(50).default('Kustannuspaikka'),
    /** Payment term and product group new Rackbeat customers/products get (onboarding makes sure they exist). */
    rackbeatPaymentTerm: z.number().int().positive().default(1),
    rackbeatProductGroup: z.number().int().positive().default(1),
  })
  .strict()
  .superRefine((p, ctx) => {
    for (const [register, settings] of Object.entries(p.registers)) {
      if (!settings) continue;
      const problem = checkRoute(p.pair, register, settings.direction);
      if (problem) ctx.addIssue({ code: 'custom', path: ['registers', register, 'direction'], message: problem });
      const { source, target } = parseDirection(settings.direction);
      if (settings.master && settings.master !== source && settings.master !== target) {
        ctx.addIssue({ code: 'custom', path: ['registers', register, 'master'], message: `master must be ${source} or ${target}` });
      }
    }
  });
export type PairSyncSettings = z.infer<typeof PairSyncSettings>;

export const SyncSettings = z
  .object({
    pairs: z.array(PairSyncSettings).default([]),
    /**
     * Rackbeat does not sign webhook deliveries: each hook's token (returned once, when the hook is created) comes
     * back in Rackbeat-Webhook-Token. One entry per registered hook.
     */
    rackbeatWebhookTokens: z.array(SecretRef).default([]),
  })
  .strict();
export type SyncSettings = z.infer<typeof SyncSettings>;

/** The settings of one pair, with defaults when the tenant file does not mention it (a migration may still run). */
export function pairSettings(sync: { pairs: unknown[] } | undefined, pair: PairName): PairSyncSettings {
  const found = (sync?.pairs as PairSyncSettings[] | undefined)?.find((p) => p.pair === pair);
  return found ?? PairSyncSettings.parse({ pair });
}
