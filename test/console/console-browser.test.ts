import crypto from 'node:crypto';
import { Client, WorkflowIdConflictPolicy } from '@temporalio/client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ResolvedTenant } from '../../config/load';
import { listenConsole, type ConsoleAuth } from '../../client/console';
import { t } from '../../i18n';
import { consoleAuthFromEnvironment } from '../../client/console/auth';
import { exportOrderWorkflowId } from '../../workflows/order-export';
import { startOnboarding } from '../../client/onboarding';
import { checkCredentialsUpdate } from '../../workflows/onboarding';
import { migrateRegister, migrationWorkflowId } from '../../workflows/register-migration';
import { reconcileShop } from '../../workflows/reconcile-shop';
import { SiirtoFlow, SiirtoTenant } from '../../workflows/search-attributes';
import { EncryptionCodec } from '../../worker/payload-codec';
import { statusQuery } from '../../workflows/transfer';
import { demoLikeTenant, postWooWebhook, startHarness, type Harness } from '../support/order-export-harness';
import { RACKBEAT_TOKEN } from '../support/register-harness';
import { chromiumPath, launchBrowser, screenshot } from '../support/browser';
import { control, startTestSandboxes } from '../support/sandboxes';

/**
 * The console in a real browser: Debian's Chromium driven by playwright-core, against the shared Temporal dev
 * server, in-process sandboxes, a worker and the console itself. Screenshots of each page go to
 * test-output/screenshots/.
 */
const tenant = `console-${crypto.randomBytes(3).toString('hex')}`;
const auth: ConsoleAuth = consoleAuthFromEnvironment({
  SIIRTO_CONSOLE_USERS: 'olli:operator:olli-password,riikka:read-only:riikka-password',
  SIIRTO_CONSOLE_SECRET: crypto.randomBytes(32).toString('hex'),
});

let h: Harness;
let rackbeat: Awaited<ReturnType<typeof startTestSandboxes>>;
let consoleServer: Awaited<ReturnType<typeof listenConsole>>;
let browser: Browser;
let taskQueue: string;

jest.setTimeout(240_000);

beforeAll(async () => {
  // Says where it looked (SIIRTO_CHROMIUM, /usr/bin/chromium) and how to install it, before anything starts.
  chromiumPath();
  rackbeat = await startTestSandboxes(['rackbeat']);
  const rackbeatUrl = rackbeat.sandboxes.rackbeat.url;
  taskQueue = `console-${crypto.randomUUID()}`;
  h = await startHarness(taskQueue, (urls) => {
    const t = demoLikeTenant(tenant, urls, { products: { createMissing: false } });
    return [
      {
        ...t,
        name: 'Konsoli Testi Oy',
        connections: { ...t.connections, rackbeat: { baseUrl: rackbeatUrl, apiToken: RACKBEAT_TOKEN } },
        sync: { pairs: [], rackbeatWebhookTokens: [] },
      } as unknown as ResolvedTenant,
    ];
  });
  await control(h.wooUrl, 'seed', { seed: 5, counts: { products: 30 } });
  consoleServer = await listenConsole({ tenants: h.tenants, temporal: h.client, host: '127.0.0.1', port: 0, temporalUiUrl: 'http://localhost:8233', auth, taskQueue, refreshSeconds: 1 });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await consoleServer?.close();
  await h?.stop();
  await rackbeat?.stop();
});

async function signIn(user: string, password: string, locale = 'en-GB', viewport = { width: 1366, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale, viewport });
  const page = await context.newPage();
  await page.goto(`${consoleServer.url}/transfers?tenant=${tenant}`);
  // Not signed in: the sign-in page, then back to where we were going.
  const words = { fi: ['Käyttäjätunnus', 'Salasana', 'Kirjaudu'], nb: ['Brukernavn', 'Passord', 'Logg inn'], en: ['User name', 'Password', 'Sign in'] }[locale.slice(0, 2) as 'fi' | 'nb' | 'en'];
  await page.getByLabel(words[0]).fill(user);
  await page.getByLabel(words[1]).fill(password);
  await page.getByRole('button', { name: words[2], exact: true }).click();
  await page.waitForURL(/\/transfers\?tenant=/, { waitUntil: 'commit' }).catch(async (e) => {
    process.stderr.write(`sign-in did not lead back to the transfers page; at ${page.url()}\n${(await page.content()).slice(0, 3000)}\n`);
    throw e;
  });
  await page.getByRole('heading', { level: 1 }).waitFor();
  return { context, page };
}

async function placeOrder(sku: string): Promise<string> {
  const created = await h.woo.createOrder({
    status: 'processing',
    billing: { first_name: 'Liisa', last_name: 'Koski', address_1: 'Rautatienkatu 1', city: 'Tampere', postcode: '33100', country: 'FI', email: 'liisa@example.fi' },
    line_items: [{ sku, quantity: 1 }],
  });
  await postWooWebhook(h.serverUrl, tenant, JSON.stringify(await h.woo.getOrder(created.id)));
  return exportOrderWorkflowId(tenant, 'woo', String(created.id));
}

async function parked(workflowId: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const s = await h.client.workflow.getHandle(workflowId).query(statusQuery).catch(() => undefined);
    if (s?.status === 'needs-attention') return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${workflowId} never needed attention`);
}

const row = (page: Page, workflowId: string) => page.locator(`tr[data-transfer="${workflowId}"]`);

describe('the operator console in Chromium', () => {
  let first: string;
  let second: string;

  beforeAll(async () => {
    first = await placeOrder('P1025');
    second = await placeOrder('P1026');
    await parked(first);
    await parked(second);
  });

  it('signs in, shows a needs-attention transfer with its reason, and retries it until it is done', async () => {
    const { context, page } = await signIn('olli', 'olli-password');
    try {
      await page.getByRole('heading', { name: 'Transfers' }).waitFor();
      // Live refresh brings the rows in (visibility is eventually consistent).
      await row(page, first).and(page.locator('[data-status="needs-attention"]')).waitFor({ timeout: 30_000 });
      await row(page, second).waitFor();
      await expect(row(page, first).textContent()).resolves.toMatch(/product P1025 not found in Netvisor and creating products is off/);
      await expect(row(page, first).getByRole('link', { name: /Open in Temporal UI/ }).getAttribute('href')).resolves.toBe(
        `http://localhost:8233/namespaces/default/workflows/${encodeURIComponent(first)}/${encodeURIComponent((await h.client.workflow.getHandle(first).describe()).runId)}/history`,
      );
      await screenshot(page, 'console-transfers-needs-attention');

      // Retrying before the cause is fixed: the transfer parks again, with the same reason.
      await h.netvisor.addProduct({ code: 'P1025', name: 'Lisätty', unitPrice: '5.00', vatRate: '25.5', active: true });
      await row(page, first).getByRole('button', { name: /^Retry/ }).click();
      await page.locator('#answer').getByText(`Retrying ${first}`).waitFor();
      await row(page, first).and(page.locator('[data-status="done"]')).waitFor({ timeout: 60_000 });
      await expect(row(page, first).getByRole('button', { name: /^Retry/ }).count()).resolves.toBe(0);
      await screenshot(page, 'console-transfers');

      // The transfer itself refuses a second retry (it is done), and the console shows its answer.
      const token = JSON.parse((await page.locator('body').getAttribute('hx-headers'))!)['x-csrf-token'];
      const again = await page.request.post(`${consoleServer.url}/transfers/decide`, { form: { transfer: first, action: 'retry', _csrf: token } });
      const againText = await again.text();
      expect([again.status(), againText.match(/role="alert">([^<]*)/)?.[1]]).toEqual([409, `The transfer refused: ${first} is done, not waiting for an operator: nothing to retry`]);

    } finally {
      await context.close();
    }
    // Skipping needs a reason, and works with scripts off too (plain forms; the page comes back with the answer).
    const plain = await browser.newContext({ locale: 'en-GB', javaScriptEnabled: false });
    try {
      const page = await plain.newPage();
      await page.goto(`${consoleServer.url}/transfers?tenant=${tenant}`);
      await page.getByLabel('User name').fill('olli');
      await page.getByLabel('Password').fill('olli-password');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      const details = row(page, second).locator('details');
      await details.locator('summary').click();
      await details.getByLabel('Reason for skipping').fill('duplicate order');
      await details.getByRole('button', { name: 'Skip' }).click();
      await page.locator('#answer').getByText(`Skipped ${second}`).waitFor();
      await expect(page.getByLabel('Tenant').inputValue()).resolves.toBe(tenant); // the filters came back too
      for (let i = 0; i < 50 && (await row(page, second).getAttribute('data-status')) !== 'skipped'; i++) {
        await page.waitForTimeout(300);
        await page.goto(`${consoleServer.url}/transfers?tenant=${tenant}`);
      }
      await expect(row(page, second).textContent()).resolves.toContain('skipped: duplicate order');
    } finally {
      await plain.close();
    }
  });

  it('lists a transfer whose memo was written under another payload key, without failing the page', async () => {
    const other = new Client({ connection: h.client.connection, dataConverter: { payloadCodecs: [new EncryptionCodec({ id: 'test', key: crypto.randomBytes(32) })] } });
    const foreign = await other.workflow.start('exportOrder', {
      taskQueue: 'nobody-serves-this',
      workflowId: `order-export/${tenant}/woo/foreign-key`,
      args: [],
      memo: { summary: 'written under another key' },
      typedSearchAttributes: [
        { key: SiirtoTenant, value: tenant },
        { key: SiirtoFlow, value: 'order-export' },
      ],
    });
    try {
      const { context, page } = await signIn('olli', 'olli-password');
      try {
        await row(page, foreign.workflowId).waitFor({ timeout: 30_000 });
        await expect(row(page, foreign.workflowId).textContent()).resolves.toMatch(/does not decrypt/);
        await row(page, first).waitFor();
      } finally {
        await context.close();
      }
    } finally {
      await foreign.terminate('console test done');
    }
  });

  it('filters by status and hides poll and reconcile runs unless asked', async () => {
    const reconcile = await h.client.workflow.start(reconcileShop, { taskQueue, workflowId: `reconcile-run/${tenant}/woo`, args: [{ tenant, shop: 'woo', lookback: '1h' }] });
    await reconcile.result();
    const { context, page } = await signIn('olli', 'olli-password');
    try {
      // The reconcile run is not a transfer: hidden until asked for.
      await row(page, first).waitFor();
      await expect(row(page, reconcile.workflowId).count()).resolves.toBe(0);
      await page.getByLabel('Show poll and reconcile runs').check();
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.waitForURL(/runs=on/);
      await row(page, reconcile.workflowId).waitFor({ timeout: 30_000 });
      await page.getByLabel('Show poll and reconcile runs').uncheck();

      // Whatever the first transfer's status is by now (done after the retry test, else still parked).
      const status = (await h.client.workflow.getHandle(first).query(statusQuery)).status;
      await page.getByLabel('Status').selectOption(status);
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.waitForURL(new RegExp(`status=${status}`));
      await row(page, first).waitFor();
      expect(new Set(await page.locator('tr[data-transfer]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status'))))).toEqual(new Set([status]));
    } finally {
      await context.close();
    }
  });

  it('speaks Finnish after switching, and keeps it', async () => {
    const { context, page } = await signIn('olli', 'olli-password');
    try {
      await page.getByRole('button', { name: 'Suomi' }).click();
      await page.getByRole('heading', { name: 'Siirtohistoria' }).waitFor();
      await expect(page.locator('html').getAttribute('lang')).resolves.toBe('fi');
      await row(page, first).getByText('valmis').waitFor({ timeout: 30_000 });
      await row(page, second).getByText('ohitettu').waitFor();
      await page.getByRole('link', { name: 'Asiakkaat' }).click();
      await page.getByRole('heading', { name: 'Asiakkaat' }).waitFor();
      await page.getByText('API-kutsut, viimeinen tunti').first().waitFor();
      await screenshot(page, 'console-transfers-fi');
      await page.getByRole('button', { name: 'Norsk (bokmål)' }).click();
      await page.getByRole('heading', { name: 'Kunder' }).waitFor();
    } finally {
      await context.close();
    }
  });

  it('picks Finnish from the browser language before anyone switches', async () => {
    const context = await browser.newContext({ locale: 'fi-FI' });
    try {
      const page = await context.newPage();
      await page.goto(`${consoleServer.url}/login`);
      await page.getByRole('heading', { name: 'Kirjaudu sisään' }).waitFor();
      await screenshot(page, 'console-sign-in-fi');
    } finally {
      await context.close();
    }
  });

  it('shows each system of the tenant with its credentials state and API calls in the last hour against the limit', async () => {
    // Credentials: the onboarding's check (Rackbeat and Netvisor accepted), and a Schedule Siirto paused for Procountor.
    const onboarding = await startOnboarding(h.client, tenant, 'rackbeat-netvisor', taskQueue);
    const checked = await onboarding.executeUpdate(checkCredentialsUpdate);
    expect(checked.lines.map((l) => [l.system, l.ok])).toEqual(expect.arrayContaining([['netvisor', true], ['rackbeat', true]]));
    const scheduleId = `reconcile/${tenant}/console-test`;
    const note = `paused: credentials (procountor): ${t('en', 'credentials.invalid.procountor')}`;
    await h.client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: '1h' }] },
      action: { type: 'startWorkflow', workflowType: 'reconcileShop', args: [{ tenant, shop: 'woo', lookback: '1h' }], taskQueue: 'nowhere' },
      state: { paused: true, note },
    });
    const { context, page } = await signIn('olli', 'olli-password', 'en-GB', { width: 820, height: 1180 });
    try {
      await page.getByRole('link', { name: 'Tenants' }).click();
      const card = page.locator(`section[data-tenant="${tenant}"]`);
      await card.waitFor();
      await card.locator('tr[data-system="netvisor"] td[data-credentials]').getByText(/✔ accepted \(checked /).waitFor({ timeout: 15_000 });
      await card.locator('tr[data-system="rackbeat"] td[data-credentials]').getByText(/✔ accepted/).waitFor();
      await card.locator('tr[data-system="procountor"] td[data-credentials]').getByText(`⚠ refused, its Schedules are paused: ${t('en', 'credentials.invalid.procountor')}`).waitFor({ timeout: 15_000 });
      await card.locator('tr[data-system="procountor"]').getByText(scheduleId).waitFor();
      // Never onboarded: said so, not guessed.
      await card.locator('tr[data-system="woocommerce"] td[data-credentials]').getByText('not checked yet').waitFor();
      // The worker in this process called Netvisor for the exports above: counted, never zero.
      const calls = Number(await card.locator('tr[data-system="netvisor"] td[data-calls]').getAttribute('data-calls'));
      expect(calls).toBeGreaterThan(0);
      await expect(card.locator('tr[data-system="rackbeat"]').textContent()).resolves.toMatch(/of 28,800 allowed per hour \(480\/min\)/);
      await screenshot(page, 'console-tenants-tablet');
      // In Finnish, the reason is the catalog's Finnish sentence (the seeds' reference wording).
      await page.getByRole('button', { name: 'Suomi' }).click();
      await page.getByRole('heading', { name: 'Asiakkaat' }).waitFor();
      await card.locator('tr[data-system="procountor"] td[data-credentials]').getByText(`⚠ hylätty, ajastukset keskeytetty: ${t('fi', 'credentials.invalid.procountor')}`).waitFor();
      await card.locator('tr[data-system="netvisor"] td[data-credentials]').getByText(/✔ hyväksytty \(tarkistettu /).waitFor();
      await screenshot(page, 'console-tenants-fi');
    } finally {
      await context.close();
      await h.client.schedule.getHandle(scheduleId).delete();
      await onboarding.terminate('console test done').catch(() => undefined);
    }
  });

  it('watches a migration’s progress move, with its counts', async () => {
    await control(rackbeat.sandboxes.rackbeat.url, 'seed', { seed: 4, counts: { products: 24 } });
    await control(h.netvisorUrl, 'seed', { seed: 4, counts: { products: 0, salesInvoices: 0 } });
    // Slow enough to watch: every Rackbeat request takes 300 ms, two products per batch.
    await control(rackbeat.sandboxes.rackbeat.url, 'latency', { ms: 300 });
    const { context, page } = await signIn('olli', 'olli-password');
    try {
      const workflowId = migrationWorkflowId(tenant, 'rackbeat-netvisor', 'products');
      const handle = await h.client.workflow.start(migrateRegister, {
        taskQueue,
        workflowId,
        args: [{ tenant, pair: 'rackbeat-netvisor', register: 'products', direction: 'rackbeat-to-netvisor', batchSize: 2 }],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      });
      await page.getByRole('link', { name: 'Migrations' }).click();
      const card = page.locator(`section[data-migration="${workflowId}"]`);
      const bar = card.locator('progress');
      await bar.waitFor({ timeout: 30_000 });
      const seen: number[] = [];
      let shot = false;
      for (let i = 0; i < 600 && !(seen.length >= 2 && seen.at(-1)! > seen[0]); i++) {
        const v = Number(await bar.getAttribute('value').catch(() => NaN));
        if (Number.isFinite(v) && v !== seen.at(-1)) seen.push(v);
        if (!shot && v > 0 && v < 24) {
          await screenshot(page, 'console-migrations');
          shot = true;
        }
        await page.waitForTimeout(100);
      }
      expect(seen.length).toBeGreaterThanOrEqual(2);
      expect(seen.at(-1)!).toBeGreaterThan(seen[0]);
      await handle.result();
      await card.getByText('finished').waitFor({ timeout: 30_000 });
      await expect(bar.getAttribute('value')).resolves.toBe('24');
      await expect(card.locator('dl.counts').textContent()).resolves.toMatch(/Written\s*24/);
      if (!shot) await screenshot(page, 'console-migrations');
    } finally {
      await control(rackbeat.sandboxes.rackbeat.url, 'latency', { ms: 0 });
      await context.close();
    }
  });

  it('lets a read-only user look but not retry, and refuses a POST without the CSRF token', async () => {
    const third = await placeOrder('P1027');
    await parked(third);
    const { context, page } = await signIn('riikka', 'riikka-password', 'nb-NO', { width: 820, height: 1180 });
    try {
      await row(page, third).and(page.locator('[data-status="needs-attention"]')).waitFor({ timeout: 30_000 });
      await page.getByRole('heading', { name: 'Overføringer' }).waitFor();
      await screenshot(page, 'console-transfers-read-only-nb-tablet');
      await expect(row(page, third).locator('button').count()).resolves.toBe(0);
      await page.getByText('Logget inn som riikka (kun lesing)').waitFor();
      const token = JSON.parse((await page.locator('body').getAttribute('hx-headers'))!)['x-csrf-token'];
      const refused = await page.request.post(`${consoleServer.url}/transfers/decide`, { form: { transfer: third, action: 'retry', _csrf: token } });
      expect(refused.status()).toBe(403);
      // (A request of its own, without the page's Accept-Language: the answer is in English.)
      expect(await refused.text()).toContain('may look but not act');
    } finally {
      await context.close();
    }
    const operator = await signIn('olli', 'olli-password');
    try {
      // The session cookie alone is not enough: no CSRF token, no retry.
      const noToken = await operator.page.request.post(`${consoleServer.url}/transfers/decide`, { form: { transfer: third, action: 'retry' } });
      expect(noToken.status()).toBe(403);
      expect(await noToken.text()).toContain('did not come from this console');
      expect((await h.client.workflow.getHandle(third).query(statusQuery)).status).toBe('needs-attention');
    } finally {
      await operator.context.close();
    }
  });
});
