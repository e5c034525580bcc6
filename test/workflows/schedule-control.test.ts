import crypto from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { Connections } from '../../activities/connections';
import { createScheduleControlActivities, scheduleSystems } from '../../activities/schedule-control';
import { reconcileShop } from '../../workflows/reconcile-shop';
import { demoLikeTenant, temporalAddress } from '../support/order-export-harness';
import { connectionInterceptors } from '../../orchestration/grpc-interceptors';

/** Pausing a tenant's Schedules for revoked credentials, and resuming only those, against the real dev server. */
describe('schedule control for revoked credentials', () => {
  const tenant = `sc-${crypto.randomBytes(3).toString('hex')}`;
  const connections = new Connections(new Map([[tenant, demoLikeTenant(tenant, { netvisor: 'http://127.0.0.1:1', woocommerce: 'http://127.0.0.1:2' })]]));
  let client: Client;
  const ids = [`reconcile/${tenant}/woo`, `sync/${tenant}/rackbeat-24so/products`, `lifecycle/${tenant}`];

  beforeAll(async () => {
    client = new Client({ connection: await Connection.connect({ interceptors: connectionInterceptors(), address: temporalAddress() }) });
    for (const scheduleId of ids) {
      await client.schedule.create({
        scheduleId,
        spec: { intervals: [{ every: '1h' }] },
        action: { type: 'startWorkflow', workflowType: reconcileShop, args: [{ tenant, shop: 'woo', lookback: '1h' }], taskQueue: 'nowhere' },
      });
    }
  });
  afterAll(async () => {
    for (const id of ids) await client.schedule.getHandle(id).delete().catch(() => undefined);
    await client.connection.close();
  });

  it('reads the systems of a Schedule from its id', () => {
    expect(scheduleSystems(`reconcile/${tenant}/woo`, connections)).toEqual({ tenant, systems: ['woocommerce', 'netvisor'] });
    expect(scheduleSystems(`sync/${tenant}/severa-netvisor/customers`, connections)).toEqual({ tenant, systems: ['severa', 'netvisor'] });
    expect(scheduleSystems(`lifecycle/${tenant}`, connections)).toEqual({ tenant, systems: ['24so', 'rackbeat'] });
    expect(scheduleSystems('something/else', connections)).toBeNull();
  });

  it('pauses only the Schedules that use the failing system, and resumes only what it paused', async () => {
    const control = createScheduleControlActivities(connections, () => client);
    expect(await control.pauseSchedulesForCredentials({ tenant, system: 'netvisor', reason: 'Invalid Netvisor credentials' })).toEqual([`reconcile/${tenant}/woo`]);
    expect((await client.schedule.getHandle(`lifecycle/${tenant}`).describe()).state.paused).toBe(false);

    // An operator's own pause is theirs to lift.
    await client.schedule.getHandle(`lifecycle/${tenant}`).pause('operator: maintenance');
    expect(await control.resumeSchedulesAfterCredentials({ tenant, system: 'rackbeat' })).toEqual([]);
    expect(await control.resumeSchedulesAfterCredentials({ tenant, system: 'netvisor' })).toEqual([`reconcile/${tenant}/woo`]);
    expect((await client.schedule.getHandle(`reconcile/${tenant}/woo`).describe()).state.paused).toBe(false);
    expect((await client.schedule.getHandle(`lifecycle/${tenant}`).describe()).state).toMatchObject({ paused: true, note: 'operator: maintenance' });
  });
});
