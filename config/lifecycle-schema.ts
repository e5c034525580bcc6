import { z } from 'zod';

const Duration = z.string().regex(/^\d+(ms|s|m|h)$/, 'must be a duration such as 30s, 5m or 1h');

/**
 * Order lifecycle 24SevenOffice ↔ Rackbeat (workflows/order-lifecycle.ts). 24SO orders reaching `pickUpStatus`
 * are created in Rackbeat as `createAs`; shipped in Rackbeat → Sent in 24SO; edits made in Rackbeat flow back.
 */
export const LifecycleSettings = z
  .object({
    /** The 24SO status that hands an order to the warehouse: Accepted (24SO "Bekreftet", wire `Confirmed`), Production or Packed (`Pack`). */
    pickUpStatus: z.enum(['Accepted', 'Production', 'Packed']).default('Accepted'),
    /** How the order is created in Rackbeat. */
    createAs: z.enum(['draft', 'booked', 'booked-ready-to-ship']).default('booked'),
    /** How often the pick-up poll asks 24SO for orders changed since its cursor (the integration we replace: 10–15 min). */
    pollEvery: Duration.default('1m'),
    /** How far back the very first poll of a tenant looks (later polls continue from their cursor). */
    firstPollLookback: Duration.default('24h'),
    /** Backstop behind Rackbeat webhooks: how often an open order's Rackbeat state is read even without an event. */
    rackbeatCheckEvery: Duration.default('5m'),
    /**
     * Slugs of the Rackbeat user-defined fields in which the register sync keeps 24SO ids. Without a match the
     * customer is looked up by number (Rackbeat number = 24SO customer id) and the product by number (= 24SO `No`).
     */
    links: z
      .object({ customerField: z.string().min(1).default('24so-customer-id'), productField: z.string().min(1).default('24so-product-id') })
      .strict()
      .default({ customerField: '24so-customer-id', productField: '24so-product-id' }),
  })
  .strict();
export type LifecycleSettings = z.infer<typeof LifecycleSettings>;

/** The wire status (V001 `OrderSlipStateType`) for each pick-up status the operator configures. */
export const PICK_UP_WIRE_STATUS = { Accepted: 'Confirmed', Production: 'Production', Packed: 'Pack' } as const;
