import { TwentyFourSevenClient, type TwentyFourSevenCredentials } from '../../../connectors/twentyfourseven';
import type { ConnectorError } from '../../../connectors/kit/errors';
import { control, startTestSandboxes } from '../../support/sandboxes';

/** Quarantine state is per process and connection, so each test gets its own sandbox (its own base URL). */
async function withSandbox(run: (url: string, creds: TwentyFourSevenCredentials) => Promise<void>): Promise<void> {
  const { sandboxes, stop } = await startTestSandboxes(['24so']);
  const url = sandboxes['24so'].url;
  try {
    await run(url, {
      baseUrl: url,
      applicationId: '00000000-0000-0000-0000-000000000024',
      username: 'sandbox@siirto.test',
      password: 'sandbox',
      identityId: '1d000000-0000-4000-8000-000000024001',
    });
  } finally {
    await stop();
  }
}

const msToNextHour = () => 3_600_000 - (Date.now() % 3_600_000);

test('beyond the hourly limit the service quarantines the caller until the hour is over', () =>
  withSandbox(async (url, creds) => {
    await control(url, 'limits', { perHour: 5 });
    const client = new TwentyFourSevenClient(creds);
    // Login + GetIdentities (the default identity is already current), then three calls: five requests.
    for (let i = 0; i < 3; i++) await client.getCompanies({ companyId: 1 }, ['id']);

    const error = (await client.getCompanies({ companyId: 1 }, ['id']).catch((e: unknown) => e)) as ConnectorError;
    expect(error).toMatchObject({ errorClass: 'rate-limit', code: 'QUARANTINE', retryable: true });
    expect(error.message).toMatch(/Limit exceeded by 1\. Request is blocked\. Quarantine ends at \d{4}-\d{2}-\d{2}T\d{2}:00:00Z/);
    expect(Math.abs(error.retryAfterMs! - msToNextHour())).toBeLessThan(2000);

    const counter = (await control(url, 'state')).requestCounter;
    expect(counter).toEqual([expect.objectContaining({ requests: 5, blocked: 1, quarantineEndsAt: expect.stringMatching(/:00:00Z$/) })]);

    // The client remembers the quarantine and does not knock again (which would only count against it).
    const again = (await new TwentyFourSevenClient(creds).getProducts({}).catch((e: unknown) => e)) as ConnectorError;
    expect(again).toMatchObject({ errorClass: 'rate-limit', code: 'QUARANTINE' });
    expect((await control(url, 'state')).requestCounter[0].blocked).toBe(1);
  }));

test('a quarantine ending sooner (an injected limit fault) is waited out, then calls resume', () =>
  withSandbox(async (url, creds) => {
    const client = new TwentyFourSevenClient(creds);
    await client.connect();
    await control(url, 'faults', { rate: 1, kinds: ['429'], retryAfterSeconds: 1, paths: ['ProductService'] });
    const error = (await client.getProducts({}).catch((e: unknown) => e)) as ConnectorError;
    expect(error).toMatchObject({ errorClass: 'rate-limit' });
    expect(error.retryAfterMs).toBeLessThanOrEqual(2000);
    await control(url, 'faults', { rate: 0 });
    await new Promise((r) => setTimeout(r, error.retryAfterMs! + 50));
    expect((await client.getProducts({ id: 1 }, ['id'])).map((p) => p.id)).toEqual([1]);
  }));

test('the client paces itself: a request beyond its budget waits for the window instead of being sent', () =>
  withSandbox(async (url, creds) => {
    const client = new TwentyFourSevenClient({ ...creds, username: 'single@siirto.test', identityId: undefined }, { pace: { limit: 3, windowMs: 500 } });
    const started = Date.now();
    await client.connect(); // Login + GetIdentities: two of the three slots
    await client.getProducts({ id: 1 }, ['id']);
    expect(Date.now() - started).toBeLessThan(450);
    await client.getProducts({ id: 2 }, ['id']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect((await control(url, 'state')).requestCounter[0].requests).toBe(4);
  }));
