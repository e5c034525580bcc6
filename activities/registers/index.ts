import type { Client } from '@temporalio/client';
import type { Connections } from '../connections';
import { createRegisterMigrationActivities } from './engine';
import { createRegisterSyncActivities } from './sync';

/** Register migration and ongoing register sync (issue 7): streams.ts declares the registers, engine.ts walks them. */
export function createRegisterActivities(connections: Connections, temporal: () => Client) {
  return {
    ...createRegisterMigrationActivities(connections),
    ...createRegisterSyncActivities(connections, temporal),
  };
}
