import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from '@temporalio/worker';
import { parseTenantFile, sandboxUrlVariable } from '../../config/load';
import { codecFromEnvironment } from '../../worker/payload-codec';
import { createWorker, installRuntime } from '../../worker/worker';
import { temporalAddress, workflowBundle } from '../support/order-export-harness';
import { startTestSandboxes } from '../support/sandboxes';

/**
 * `siirto --lang`: the same onboarding check reads in Finnish, Norwegian or English, chosen with --lang or by the
 * locale; --json stays as it was (English `message`, plus the key and parameters). The built CLI (dist/) against a
 * worker on the shared dev server and the sandboxes.
 */
const CLI = path.resolve(__dirname, '../../dist/client/cli.js');
const run = crypto.randomBytes(3).toString('hex');
const taskQueue = `onboard-lang-${run}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'siirto-onboard-lang-'));
const { LANG: _l, LC_ALL: _a, LC_MESSAGES: _m, SIIRTO_LANG: _s, ...inherited } = process.env;
const env: NodeJS.ProcessEnv = {
  ...inherited,
  SIIRTO_PAYLOAD_KEY: `test:${crypto.randomBytes(32).toString('base64')}`,
  SIIRTO_DATA_DIR: dir,
  OBL_NV_CUSTOMER_KEY: 'sandbox-customer-key',
  OBL_NV_PARTNER_KEY: 'sandbox-partner-key',
  OBL_SEVERA_WRONG: 'not-the-secret',
};
const tenant = `lang-${run}`;
let file: string;
let stopSandboxes: () => Promise<void>;
let worker: Worker;
let running: Promise<void>;
let closeWorker: () => Promise<void>;

beforeAll(async () => {
  installRuntime('ERROR');
  const started = await startTestSandboxes(['netvisor', 'severa'], 9);
  stopSandboxes = started.stop;
  for (const [system, s] of Object.entries(started.sandboxes)) env[sandboxUrlVariable(system)] = s.url;
  file = path.join(dir, `${tenant}.yaml`);
  fs.writeFileSync(
    file,
    `tenant: ${tenant}
name: ${tenant} Oy
connections:
  netvisor:
    baseUrl: sandbox:netvisor
    customerId: SIIRTO-SANDBOX
    customerKey: { env: OBL_NV_CUSTOMER_KEY }
    partnerId: SIIRTO_SANDBOX
    partnerKey: { env: OBL_NV_PARTNER_KEY }
    organisationId: 1234567-1
  severa:
    baseUrl: sandbox:severa
    clientId: sandbox-client
    clientSecret: { env: OBL_SEVERA_WRONG }
`,
  );
  const tenants = new Map([[tenant, parseTenantFile(file, env)]]);
  const w = await createWorker({ address: temporalAddress(), tenants, codec: codecFromEnvironment(dir, env), taskQueue, options: { workflowBundle: await workflowBundle(), shutdownGraceTime: '100ms' } });
  worker = w.worker;
  closeWorker = w.close;
  running = worker.run();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running?.catch(() => undefined);
  await closeWorker?.();
  await stopSandboxes?.();
  fs.rmSync(dir, { recursive: true, force: true });
});

function siirto(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += String(d)));
  child.stderr.on('data', (d) => (stderr += String(d)));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}
const onboard = (...args: string[]) => ['onboard', file, '--pair', 'severa-netvisor', '--address', temporalAddress(), '--task-queue', taskQueue, ...args];

test('--lang fi: the seed sentence for the wrong Severa key, the step titles in Finnish', async () => {
  const r = await siirto(['--lang', 'fi', ...onboard()]);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain(`Käyttöönotto severa-netvisor asiakkaalle ${tenant}`);
  expect(r.stdout).toContain('✖ Tunnukset\n');
  expect(r.stdout).toContain('✖ severa     Virheellinen Severan API-avain: Yhteyttä ei voida muodostaa. Tarkista API-avain.\n');
  expect(r.stdout).toContain('✔ netvisor   OK\n');
  expect(r.stdout).toContain('Korjaa yllä olevat ja aja "siirto onboard" uudelleen');
  expect(r.stdout).not.toContain('Invalid Severa');
});

test('the locale decides without --lang (LANG=nb_NO.UTF-8), and --lang after the command works too', async () => {
  const nb = await siirto(onboard(), { LANG: 'nb_NO.UTF-8' });
  expect(nb.stdout).toContain('✖ severa     Ugyldig API-nøkkel for Severa: Kan ikke opprette forbindelse. Kontroller API-nøkkelen.\n');
  const en = await siirto([...onboard(), '--lang', 'en'], { LANG: 'fi_FI.UTF-8' });
  expect(en.stdout).toContain('✖ severa     Invalid Severa API key: connection cannot be established. Check the API key.\n');
});

test('--json is the same in every language: English message, with the key beside it', async () => {
  const fi = JSON.parse((await siirto(['--lang', 'fi', ...onboard('--json')])).stdout);
  const credentials = fi.checklist.steps.find((s: { name: string }) => s.name === 'credentials');
  expect(credentials.lines.find((l: { system: string }) => l.system === 'severa')).toEqual({
    system: 'severa',
    ok: false,
    message: 'Invalid Severa API key: connection cannot be established. Check the API key.',
    msg: { key: 'credentials.invalid.severa' },
  });
});

test('an unknown language is refused before anything runs', async () => {
  const r = await siirto(['--lang', 'de', ...onboard()]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('unknown language "de": use fi, nb or en');
});
