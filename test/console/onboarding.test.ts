import crypto from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import type { ResolvedTenant } from '../../config/load';
import { listenConsole, type ConsoleAuth } from '../../client/console';
import { consoleAuthFromEnvironment } from '../../client/console/auth';
import { startOnboarding } from '../../client/onboarding';
import { onboardingWorkflowId } from '../../domain/onboarding';
import { checkCredentialsUpdate, checklistQuery } from '../../workflows/onboarding';
import { launchBrowser, newPage, screenshot } from '../support/browser';
import { demoLikeTenant, NETVISOR_SANDBOX, startHarness, type Harness } from '../support/order-export-harness';
import { RACKBEAT_TOKEN } from '../support/register-harness';
import { control, startTestSandboxes } from '../support/sandboxes';
import { SyncSettings } from '../../config/sync-schema';

/**
 * The console's onboarding page in Chromium (playwright-core, Debian's /usr/bin/chromium or SIIRTO_CHROMIUM): the
 * CLI starts an onboarding (the credentials check, as `siirto onboard` sends it), the browser finishes it to go-live
 * through the same workflow; a tenant with a wrong Severa key shows the seed sentence in Finnish once the operator
 * switches the language. Screenshots go to test-output/screenshots/.
 */
const run = crypto.randomBytes(3).toString('hex');
const good = `onb-page-${run}`;
const bad = `onb-page-${run}-bad`;
const registers = `onb-page-${run}-rb`;
const auth: ConsoleAuth = consoleAuthFromEnvironment({
  SIIRTO_CONSOLE_USERS: 'olli:operator:olli-password,riikka:read-only:riikka-password',
  SIIRTO_CONSOLE_SECRET: crypto.randomBytes(32).toString('hex'),
});

let h: Harness;
let others: Awaited<ReturnType<typeof startTestSandboxes>>;
let consoleServer: Awaited<ReturnType<typeof listenConsole>>;
let browser: Browser;
const schedules: string[] = [];
let taskQueue: string;

jest.setTimeout(240_000);

beforeAll(async () => {
  others = await startTestSandboxes(['severa', 'rackbeat'], 9);
  taskQueue = `onboarding-page-${crypto.randomUUID()}`;
  h = await startHarness(taskQueue, (urls) => [
    { ...demoLikeTenant(good, urls), name: 'Käyttöönotto Testi Oy' },
    {
      tenant: bad,
      name: 'Väärä Avain Oy',
      connections: {
        netvisor: { baseUrl: urls.netvisor, ...NETVISOR_SANDBOX },
        severa: { baseUrl: others.sandboxes.severa.url, clientId: 'sandbox-client', clientSecret: 'not-the-secret' },
      },
      shops: [],
      sync: { pairs: [], rackbeatWebhookTokens: [] },
    } as unknown as ResolvedTenant,
    {
      tenant: registers,
      name: 'Rekisterit Oy',
      connections: {
        netvisor: { baseUrl: urls.netvisor, ...NETVISOR_SANDBOX },
        rackbeat: { baseUrl: others.sandboxes.rackbeat.url, apiToken: RACKBEAT_TOKEN },
      },
      shops: [],
      sync: SyncSettings.parse({ pairs: [{ pair: 'rackbeat-netvisor', registers: { customers: { direction: 'rackbeat-to-netvisor' } } }] }),
    } as unknown as ResolvedTenant,
  ]);
  consoleServer = await listenConsole({ tenants: h.tenants, temporal: h.client, host: '127.0.0.1', port: 0, temporalUiUrl: 'http://localhost:8233', auth, taskQueue, refreshSeconds: 2 });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  for (const id of schedules) await h?.client.schedule.getHandle(id).delete().catch(() => undefined);
  await consoleServer?.close();
  await h?.stop();
  await others?.stop();
});

async function signIn(path: string, user = 'olli', password = 'olli-password'): Promise<Page> {
  const page = await newPage(browser, { locale: 'en-GB' });
  await page.goto(`${consoleServer.url}${path}`);
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1 }).waitFor();
  return page;
}

const step = (page: Page, name: string) => page.locator(`section.step[data-step="${name}"]`);

test('started in the CLI, finished in the browser: every step of shop-netvisor up to go-live', async () => {
  // What `siirto onboard` does first: start (or join) the workflow and check the credentials.
  const handle = await startOnboarding(h.client, good, 'shop-netvisor', taskQueue);
  expect(handle.workflowId).toBe(onboardingWorkflowId(good, 'shop-netvisor'));
  expect((await handle.executeUpdate(checkCredentialsUpdate)).status).toBe('ok');

  const page = await signIn('/onboarding');
  const listed = page.locator(`tr[data-tenant="${good}"][data-pair="shop-netvisor"]`);
  await expect(listed.textContent()).resolves.toContain('next: Permissions');
  await screenshot(page, 'console-onboarding-list');
  await listed.getByRole('link', { name: /Open/ }).click();
  await page.getByRole('heading', { level: 1, name: `Onboarding shop-netvisor for ${good}` }).waitFor();

  // The CLI's credentials check is there, with a mark and a sentence per system.
  await expect(step(page, 'credentials').getAttribute('data-status')).resolves.toBe('ok');
  await expect(step(page, 'credentials').locator('li.check[data-system="netvisor"]').textContent()).resolves.toMatch(/✔\s*OK:\s*Netvisor: OK/);
  await expect(step(page, 'credentials').locator('li.check[data-system="shop:woo"]').textContent()).resolves.toMatch(/✔/);

  await page.getByRole('button', { name: 'Check the permissions' }).click();
  await page.getByText('Done: Permissions.').waitFor();
  await expect(step(page, 'permissions').getAttribute('data-status')).resolves.toBe('ok');
  // Netvisor's rights, named as Netvisor names them.
  await expect(step(page, 'permissions').textContent()).resolves.toContain('Asiakasrekisteri');

  await page.getByRole('button', { name: 'Check the prerequisites' }).click();
  await page.getByText('Done: Prerequisites.').waitFor();
  await expect(step(page, 'prerequisites').textContent()).resolves.toContain('OK (no existing invoices in the range)');

  await page.getByRole('button', { name: 'Confirm registers and directions' }).click();
  await page.getByText('Done: Registers and directions.').waitFor();
  await expect(step(page, 'migrations').getAttribute('data-status')).resolves.toBe('skipped');
  await screenshot(page, 'console-onboarding-before-go-live');

  await page.getByRole('button', { name: 'Go live now' }).click();
  await page.getByText('Done: Go-live.').waitFor({ timeout: 60_000 });
  await page.getByText(/^Live since /).waitFor();
  const c = await handle.query(checklistQuery);
  schedules.push(...(c.goLive?.schedules ?? []));
  expect(c.goLive?.status).toBe('live');
  expect(c.steps.map((s) => s.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'skipped', 'ok']);
  await expect(page.locator('main').textContent()).resolves.toContain(c.goLive!.schedules[0]);
  await screenshot(page, 'console-onboarding-live');
  await page.context().close();
});

test('a wrong Severa key: ⚠ with the English sentence, and the seed sentence after switching to Finnish', async () => {
  const page = await signIn(`/onboarding/${bad}/severa-netvisor`);
  await page.getByText('No onboarding has been started for this pair yet.').waitFor();
  await page.getByRole('button', { name: 'Start onboarding' }).click();
  await page.getByRole('button', { name: 'Check the credentials' }).click();
  const severaLine = step(page, 'credentials').locator('li.check[data-system="severa"]');
  await severaLine.waitFor();
  await expect(severaLine.getAttribute('data-ok')).resolves.toBe('false');
  await expect(severaLine.textContent()).resolves.toMatch(/⚠[\s\S]*Severa: Invalid Severa API key: connection cannot be established\. Check the API key\./);
  // The next step is not offered while the credentials fail; forcing it is refused by the workflow.
  await expect(page.getByRole('button', { name: 'Check the permissions' }).count()).resolves.toBe(0);

  await page.getByRole('button', { name: 'Suomi' }).click();
  await page.getByRole('heading', { level: 1, name: `Käyttöönotto: severa-netvisor, asiakas ${bad}` }).waitFor();
  await expect(step(page, 'credentials').locator('li.check[data-system="severa"] .sentence').textContent()).resolves.toBe(
    'Virheellinen Severan API-avain: Yhteyttä ei voida muodostaa. Tarkista API-avain.',
  );
  await expect(step(page, 'credentials').locator('h2').textContent()).resolves.toMatch(/epäonnistui\s+Tunnukset/);
  await screenshot(page, 'console-onboarding-fi');

  // Norwegian reads it in bokmål.
  await page.getByRole('button', { name: 'Norsk (bokmål)' }).click();
  await expect(step(page, 'credentials').locator('li.check[data-system="severa"] .sentence').textContent()).resolves.toBe(
    'Ugyldig API-nøkkel for Severa: Kan ikke opprette forbindelse. Kontroller API-nøkkelen.',
  );
  await page.context().close();
});

test('a read-only user sees the checklist but no actions, and a forced action is refused', async () => {
  const page = await signIn(`/onboarding/${good}/shop-netvisor`, 'riikka', 'riikka-password');
  await step(page, 'credentials').waitFor();
  await expect(page.locator('form.step-action').count()).resolves.toBe(0);
  const token = JSON.parse((await page.locator('body').getAttribute('hx-headers'))!)['x-csrf-token'];
  const forced = await page.request.post(`${consoleServer.url}/onboarding/${good}/shop-netvisor`, { form: { action: 'credentials', _csrf: token } });
  expect(forced.status()).toBe(403);
  // Without the CSRF token even an operator's form is refused.
  const page2 = await signIn(`/onboarding/${good}/shop-netvisor`);
  const noCsrf = await page2.request.post(`${consoleServer.url}/onboarding/${good}/shop-netvisor`, { form: { action: 'credentials' } });
  expect(noCsrf.status()).toBe(403);
  await page.context().close();
  await page2.context().close();
});

test('rackbeat-netvisor: missing prerequisites created with a button, registers confirmed, the dry-run plan shown before the migration writes', async () => {
  await control(others.sandboxes.rackbeat.url, 'seed', { seed: 9, counts: { customerGroups: 0, supplierGroups: 0, paymentTerms: 0, customers: 2, suppliers: 0, orders: 0 } });
  await control(h.netvisorUrl, 'seed', { seed: 9, counts: { customers: 0 } });
  const page = await signIn(`/onboarding/${registers}/rackbeat-netvisor`);
  await page.getByRole('button', { name: 'Start onboarding' }).click();
  for (const [button, done] of [['Check the credentials', 'Credentials'], ['Check the permissions', 'Permissions']]) {
    await page.getByRole('button', { name: button }).click();
    await page.getByText(`Done: ${done}.`).waitFor();
  }
  await page.getByRole('button', { name: 'Check the prerequisites' }).click();
  await page.getByText('Not done: Prerequisites. See the lines marked ⚠.').waitFor();
  await expect(step(page, 'prerequisites').textContent()).resolves.toContain('Missing in Rackbeat: customer group 1');
  expect((await control(others.sandboxes.rackbeat.url, 'state')).customerGroups).toHaveLength(0);
  await page.getByRole('button', { name: 'Create what is missing' }).click();
  await page.getByText('Done: Prerequisites.').waitFor();
  await expect(step(page, 'prerequisites').getAttribute('data-status')).resolves.toBe('ok');
  expect((await control(others.sandboxes.rackbeat.url, 'state')).customerGroups).toHaveLength(1);

  // The tenant file's register and direction are preselected.
  await expect(page.getByRole('checkbox', { name: 'customers' }).isChecked()).resolves.toBe(true);
  await expect(page.getByLabel('Direction customers').inputValue()).resolves.toBe('rackbeat-to-netvisor');
  await page.getByRole('button', { name: 'Confirm registers and directions' }).click();
  await page.getByText('Done: Registers and directions.').waitFor();

  const before = (await control(h.netvisorUrl, 'state')).customers.length;
  await page.getByRole('button', { name: 'Show the plan (dry run, nothing is written)' }).click();
  await page.getByText('The plan (dry run): nothing has been written yet.').waitFor({ timeout: 60_000 });
  await expect(step(page, 'migrations').locator('.plan').textContent()).resolves.toMatch(/read; to create \d+/);
  expect((await control(h.netvisorUrl, 'state')).customers.length).toBe(before);
  await screenshot(page, 'console-onboarding-plan');

  await page.getByRole('button', { name: 'Run the migrations' }).click();
  await page.getByText('Done: Initial migrations.').waitFor({ timeout: 90_000 });
  await expect(step(page, 'migrations').getAttribute('data-status')).resolves.toBe('ok');
  expect((await control(h.netvisorUrl, 'state')).customers.length).toBe(before + 2);

  // Go-live at a later time, then cancelled.
  await page.getByLabel('Go live at (UTC)').fill('2099-01-01T06:00');
  await page.getByRole('button', { name: 'Schedule go-live' }).click();
  await page.getByText(/^Go-live is scheduled for /).waitFor();
  await expect(step(page, 'go-live').getAttribute('data-status')).resolves.toBe('waiting');
  await page.getByRole('button', { name: 'Cancel the go-live' }).click();
  await page.getByText('Done: Go-live.').waitFor();
  const c = await h.client.workflow.getHandle(onboardingWorkflowId(registers, 'rackbeat-netvisor')).query(checklistQuery);
  expect(c.goLive).toEqual({ status: 'cancelled', at: '2099-01-01T06:00:00.000Z', schedules: [] });
  await page.context().close();
});
