import crypto from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import type { ResolvedTenant } from '../../config/load';
import { listenConsole, type ConsoleAuth } from '../../client/console';
import { consoleAuthFromEnvironment } from '../../client/console/auth';
import { startOnboarding } from '../../client/onboarding';
import { onboardingWorkflowId } from '../../domain/onboarding';
import {
  checkCredentialsUpdate,
  checklistQuery,
  checkPermissionsUpdate,
  checkPrerequisitesUpdate,
  confirmRegistersUpdate,
  goLiveUpdate,
} from '../../workflows/onboarding';
import { launchBrowser, newPage, screenshot } from '../support/browser';
import { demoLikeTenant, NETVISOR_SANDBOX, startHarness, type Harness } from '../support/order-export-harness';
import { RACKBEAT_TOKEN } from '../support/register-harness';
import { control, startTestSandboxes } from '../support/sandboxes';
import { SyncSettings } from '../../config/sync-schema';
import { StockSettings } from '../../config/stock-schema';

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
const stocked = `onb-page-${run}-st`;
const readOnly = `onb-page-${run}-ro`;
const late = `onb-page-${run}-lt`;
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
    // Stock levels Netvisor → the shop (issue #17), onboarded with shop-netvisor; one with a read-only WooCommerce key.
    { ...demoLikeTenant(stocked, urls), name: 'Varasto Oy', stock: StockSettings.parse({ shops: [{ shop: 'woo', warehouses: ['Päävarasto'] }] }) } as unknown as ResolvedTenant,
    { ...demoLikeTenant(late, urls), name: 'Myöhemmin Oy', stock: StockSettings.parse({ shops: [{ shop: 'woo', warehouses: ['Päävarasto'] }] }) } as unknown as ResolvedTenant,
    (() => {
      const tn = demoLikeTenant(readOnly, urls);
      return { ...tn, name: 'Lukuavain Oy', shops: tn.shops.map((s) => ({ ...s, consumerKey: 'ck_readonly', consumerSecret: 'cs_readonly' })), stock: StockSettings.parse({ shops: [{ shop: 'woo', warehouses: ['Päävarasto'] }] }) } as unknown as ResolvedTenant;
    })(),
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

test('stock levels: the permissions step names Varasto and the key’s write right, the registers step offers the transfer, go-live starts its Schedule', async () => {
  const page = await signIn(`/onboarding/${stocked}/shop-netvisor`);
  await page.getByRole('button', { name: 'Start onboarding' }).click();
  for (const [button, done] of [['Check the credentials', 'Credentials'], ['Check the permissions', 'Permissions'], ['Check the prerequisites', 'Prerequisites']]) {
    await page.getByRole('button', { name: button }).click();
    await page.getByText(`Done: ${done}.`).waitFor();
  }
  const rights = step(page, 'permissions');
  await expect(rights.locator('li.check[data-system="netvisor"]', { hasText: 'Varasto / inventorybywarehouse.nv' }).textContent()).resolves.toMatch(/✔[\s\S]*OK \(stock levels to woo\)/);
  await expect(rights.locator('li.check[data-system="shop:woo"]').textContent()).resolves.toMatch(
    /✔[\s\S]*products \(REST API key read\/write\)[\s\S]*OK: the REST API key may write \(checked with an empty products batch, which changes nothing\)/,
  );

  // The tenant file's transfer, offered and chosen by default.
  const choice = page.getByRole('checkbox', { name: /stock levels Netvisor → woo from warehouse Päävarasto/ });
  await expect(choice.isChecked()).resolves.toBe(true);
  await screenshot(page, 'console-onboarding-transfers');
  await page.getByRole('button', { name: 'Confirm registers and directions' }).click();
  await page.getByText('Done: Registers and directions.').waitFor();
  await expect(step(page, 'registers').locator('li.check[data-system="shop:woo"] .sentence').textContent()).resolves.toBe(
    'stock levels Netvisor → woo from warehouse Päävarasto (stock balance), polled every 5m',
  );

  await page.getByRole('button', { name: 'Go live now' }).click();
  await page.getByText('Done: Go-live.').waitFor({ timeout: 60_000 });
  const c = await h.client.workflow.getHandle(onboardingWorkflowId(stocked, 'shop-netvisor')).query(checklistQuery);
  schedules.push(...(c.goLive?.schedules ?? []));
  expect(c.goLive?.schedules).toEqual([`reconcile/${stocked}/woo`, `stock/${stocked}/woo`]);
  await expect(page.locator('main').textContent()).resolves.toContain(`stock/${stocked}/woo`);
  const stock = await h.client.schedule.getHandle(`stock/${stocked}/woo`).describe();
  expect(stock.action).toMatchObject({ type: 'startWorkflow', workflowType: 'watchStock' });

  // The transfer line in Finnish.
  await page.getByRole('button', { name: 'Suomi' }).click();
  await expect(step(page, 'registers').locator('li.check[data-system="shop:woo"] .sentence').textContent()).resolves.toBe(
    'varastosaldot Netvisor → woo varastosta Päävarasto (varastosaldo), haku 5m välein',
  );
  await page.context().close();
});

test('stock levels with a read-only WooCommerce key: ⚠ with the sentence in English and Norwegian, no way on to prerequisites', async () => {
  const page = await signIn(`/onboarding/${readOnly}/shop-netvisor`);
  await page.getByRole('button', { name: 'Start onboarding' }).click();
  await page.getByRole('button', { name: 'Check the credentials' }).click();
  await page.getByText('Done: Credentials.').waitFor();
  await page.getByRole('button', { name: 'Check the permissions' }).click();
  await page.getByText('Not done: Permissions. See the lines marked ⚠.').waitFor();
  const woo = step(page, 'permissions').locator('li.check[data-system="shop:woo"]');
  await expect(woo.getAttribute('data-ok')).resolves.toBe('false');
  await expect(woo.locator('.sentence').textContent()).resolves.toBe(
    'The WooCommerce REST API key may only read, so stock levels cannot be written: give the key Read/Write permission in WooCommerce → Settings → Advanced → REST API',
  );
  await expect(page.getByRole('button', { name: 'Check the prerequisites' }).count()).resolves.toBe(0);
  await page.getByRole('button', { name: 'Norsk (bokmål)' }).click();
  await expect(step(page, 'permissions').locator('li.check[data-system="shop:woo"] .sentence').textContent()).resolves.toMatch(/^REST API-nøkkelen til WooCommerce kan bare lese/);
  await page.context().close();
});

test('a live pair whose stock transfer was left out: the page offers it, and starting it creates its Schedule', async () => {
  // Onboarded to go-live as `siirto onboard --transfers none --go-live now` would.
  const handle = await startOnboarding(h.client, late, 'shop-netvisor', taskQueue);
  for (const update of [checkCredentialsUpdate, checkPermissionsUpdate] as const) expect((await handle.executeUpdate(update)).status).toBe('ok');
  expect((await handle.executeUpdate(checkPrerequisitesUpdate, { args: [{ create: false }] })).status).toBe('ok');
  await handle.executeUpdate(confirmRegistersUpdate, { args: [{ registers: [], transfers: [] }] });
  const live = await handle.executeUpdate(goLiveUpdate, { args: [{ at: 'now' }] });
  schedules.push(...live.schedules);
  expect(live.schedules).toEqual([`reconcile/${late}/woo`]);

  const page = await signIn(`/onboarding/${late}/shop-netvisor`);
  await expect(step(page, 'registers').locator('li.check[data-system="shop:woo"] .sentence').textContent()).resolves.toMatch(/^not chosen \(stays off\): stock levels Netvisor → woo/);
  await page.getByRole('checkbox', { name: /stock levels Netvisor → woo from warehouse Päävarasto/ }).check();
  await page.getByRole('button', { name: 'Start the chosen transfers' }).click();
  await page.getByText('Done: Go-live.').waitFor({ timeout: 60_000 });
  schedules.push(`stock/${late}/woo`);
  await expect(page.locator('main').textContent()).resolves.toContain(`stock/${late}/woo`);
  const stock = await h.client.schedule.getHandle(`stock/${late}/woo`).describe();
  expect(stock.action).toMatchObject({ type: 'startWorkflow', workflowType: 'watchStock' });
  // Nothing left to start: the offer is gone.
  await expect(page.getByRole('button', { name: 'Start the chosen transfers' }).count()).resolves.toBe(0);
  await page.context().close();
});
