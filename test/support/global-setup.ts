import fs from 'node:fs';
import path from 'node:path';
import { startDevServer } from './temporal-server';

/**
 * One Temporal dev server for the whole run (docs/design.md §10: createLocal's 5 s start budget is too tight on two cores).
 * Tests read its address from SIIRTO_TEST_TEMPORAL_ADDRESS. SIIRTO_TEST_TEMPORAL=off skips it for connector-only runs.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.SIIRTO_TEST_TEMPORAL === 'off') return;
  const marker = path.resolve(__dirname, '../../.data/temporal-cli');
  const cli = process.env.TEMPORAL_CLI ?? (fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8').trim() : '');
  if (!cli) throw new Error('No Temporal CLI known: run the tests with "npm test", which installs it first.');
  const server = await startDevServer(cli);
  process.env.SIIRTO_TEST_TEMPORAL_ADDRESS = server.address;
  (globalThis as { __siirtoTemporal?: { stop(): Promise<void> } }).__siirtoTemporal = server;
}
