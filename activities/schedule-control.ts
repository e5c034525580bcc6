import type { Client } from '@temporalio/client';
import type { Connections } from './connections';

/**
 * Revoked credentials pause the flows that use them, instead of every record failing one by one: the tenant's
 * Schedules that touch the system are paused with a note saying why, and resumed when a transfer parked for that
 * reason goes through again (the operator fixed the credentials and pressed retry) or is skipped by the operator
 * (then the Schedules run again, and pause again should the credentials still fail).
 */
const NOTE_PREFIX = 'paused: credentials';

/** The systems a Schedule's flow talks to, read from its id (the id formats are set by the schedule modules). */
export function scheduleSystems(scheduleId: string, connections: Connections): { tenant: string; systems: string[] } | null {
  const [kind, tenant, ...rest] = scheduleId.split('/');
  if (kind === 'reconcile' && rest.length === 1) {
    try {
      const shop = connections.shop(tenant, rest[0]);
      return { tenant, systems: [shop.system, shop.exportTo] };
    } catch {
      return null;
    }
  }
  if (kind === 'sync' && rest.length >= 1) return { tenant, systems: rest[0].split('-') };
  if (kind === 'lifecycle') return { tenant, systems: ['24so', 'rackbeat'] };
  return null;
}

export function createScheduleControlActivities(connections: Connections, temporal: () => Client) {
  async function* tenantSchedules(tenant: string, system: string) {
    for await (const s of temporal().schedule.list()) {
      const parsed = scheduleSystems(s.scheduleId, connections);
      if (parsed?.tenant === tenant && parsed.systems.includes(system)) yield s;
    }
  }

  return {
    async pauseSchedulesForCredentials(input: { tenant: string; system: string; reason: string }): Promise<string[]> {
      const paused: string[] = [];
      for await (const s of tenantSchedules(input.tenant, input.system)) {
        if (s.state.paused) continue;
        await temporal().schedule.getHandle(s.scheduleId).pause(`${NOTE_PREFIX} (${input.system}): ${input.reason}`);
        paused.push(s.scheduleId);
      }
      return paused;
    },

    /** `because` is the note the Schedules get (default: the credentials work again). */
    async resumeSchedulesAfterCredentials(input: { tenant: string; system: string; because?: string }): Promise<string[]> {
      const resumed: string[] = [];
      for await (const s of tenantSchedules(input.tenant, input.system)) {
        const handle = temporal().schedule.getHandle(s.scheduleId);
        const { state } = await handle.describe();
        // Only what we paused for this reason: a Schedule an operator paused stays paused.
        if (!state.paused || !state.note?.startsWith(`${NOTE_PREFIX} (${input.system})`)) continue;
        await handle.unpause(`resumed: ${input.because ?? `${input.system} credentials work again`}`);
        resumed.push(s.scheduleId);
      }
      return resumed;
    },
  };
}
