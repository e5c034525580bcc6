import { TwentyFourSevenClient, type TwentyFourSevenCredentials } from '../../../connectors/twentyfourseven';
import { control, startTestSandboxes } from '../../support/sandboxes';

const AS = '1d000000-0000-4000-8000-000000024001';
const CREDENTIALS_MESSAGE = 'Invalid 24SevenOffice credentials: connection cannot be established. Check the application id, username and password.';

let url: string;
let stop: () => Promise<void>;
const creds = (extra: Partial<TwentyFourSevenCredentials> = {}): TwentyFourSevenCredentials => ({
  baseUrl: url,
  applicationId: '00000000-0000-0000-0000-000000000024',
  username: 'sandbox@siirto.test',
  password: 'sandbox',
  identityId: AS,
  ...extra,
});
const faults = (body: unknown) => control(url, 'faults', body);

beforeAll(async () => {
  const started = await startTestSandboxes(['24so'], 3);
  url = started.sandboxes['24so'].url;
  stop = started.stop;
});
afterAll(() => stop());
afterEach(() => faults({ rate: 0 }));

describe('credentials and identity', () => {
  test.each([
    ['a wrong password', { password: 'wrong' }],
    ['an unknown user', { username: 'nobody@siirto.test' }],
    ['another application id', { applicationId: '00000000-0000-0000-0000-000000000099' }],
  ])('%s gives the standard credentials message', async (_what, extra) => {
    const client = new TwentyFourSevenClient(creds(extra));
    await expect(client.getCompanies({})).rejects.toMatchObject({ errorClass: 'credentials', message: CREDENTIALS_MESSAGE, retryable: false });
  });

  test('incomplete settings are refused before any request', () => {
    expect(() => new TwentyFourSevenClient({ ...creds(), applicationId: 'not-a-guid' })).toThrow(expect.objectContaining({ errorClass: 'credentials', field: 'applicationId' }));
  });

  test('two companies and no identity chosen: a credentials error listing what the login sees', async () => {
    const client = new TwentyFourSevenClient(creds({ identityId: undefined }));
    const error = await client.connect().catch((e: unknown) => e);
    expect(error).toMatchObject({ errorClass: 'credentials', code: 'IDENTITY_REQUIRED', field: 'identityId' });
    expect((error as Error).message).toBe(
      'The 24SevenOffice login sees 2 companies and no identity is chosen. Set identityId in the 24SevenOffice credentials to one of: ' +
        '1d000000-0000-4000-8000-000000024001 (Siirto Demo AS), 1d000000-0000-4000-8000-000000024002 (Siirto Demo Oy).',
    );
  });

  test('an identity the login does not have is named with the ones it has', async () => {
    const client = new TwentyFourSevenClient(creds({ identityId: '1d000000-0000-4000-8000-00000000beef' }));
    await expect(client.getProducts({})).rejects.toMatchObject({
      errorClass: 'credentials',
      message: expect.stringMatching(/no usable identity 1d000000-0000-4000-8000-00000000beef\..*Siirto Demo AS.*Siirto Demo Oy/),
    });
  });
});

describe('sessions', () => {
  test('an expired session is replaced by a new login, transparently', async () => {
    const client = new TwentyFourSevenClient(creds());
    await client.connect();
    const before = (await control(url, 'state')).sessions.map((s: { sessionId: string }) => s.sessionId);
    expect(await control(url, 'sessions/expire', {})).toMatchObject({ ok: true });
    expect(await client.hasSession()).toBe(false);

    const companies = await client.getCompanies({ companyId: 1 }, ['id']);
    expect(companies).toEqual([{ id: 1 }]);
    const after = (await control(url, 'state')).sessions;
    expect(after).toHaveLength(1);
    expect(before).not.toContain(after[0].sessionId);
    expect(after[0]).toMatchObject({ identityId: AS, clientId: 24001 });
  });

  test('a new client instance reuses the session instead of logging in again', async () => {
    await new TwentyFourSevenClient(creds()).getCompanies({ companyId: 1 }, ['id']);
    const sessions = (await control(url, 'state')).sessions.length;
    await new TwentyFourSevenClient(creds()).getCompanies({ companyId: 2 }, ['id']);
    expect((await control(url, 'state')).sessions).toHaveLength(sessions);
  });
});

describe('per-item errors and transport failures', () => {
  test('APIException at HTTP 200 becomes a validation error naming the item and the field', async () => {
    const client = new TwentyFourSevenClient(creds());
    await expect(client.saveProduct({ no: 'E-1', name: 'Uten kategori' })).rejects.toMatchObject({
      errorClass: 'validation',
      field: 'CategoryId',
      resource: 'products',
      message: '24SevenOffice refused product "E-1": CategoryId: a new product needs a category',
    });
  });

  test('an injected 500 fault is transient', async () => {
    const client = new TwentyFourSevenClient(creds());
    await client.connect();
    await faults({ rate: 1, kinds: ['500'], paths: ['CompanyService'] });
    await expect(client.getCompanies({})).rejects.toMatchObject({ errorClass: 'transient', code: 'SOAP_SERVER', retryable: true });
  });

  test('a dropped connection is transient', async () => {
    const client = new TwentyFourSevenClient(creds());
    await client.connect();
    await faults({ rate: 1, kinds: ['reset'], paths: ['ProductService'] });
    await expect(client.getProducts({})).rejects.toMatchObject({ errorClass: 'transient' });
  });

  test('a reply slower than the client timeout is transient', async () => {
    const client = new TwentyFourSevenClient(creds(), { timeoutMs: 150 });
    await client.connect();
    await faults({ rate: 1, kinds: ['timeout'], timeoutMs: 600, paths: ['InvoiceService'] });
    await expect(client.getInvoices({ orderIds: [10001] })).rejects.toMatchObject({ errorClass: 'transient', message: expect.stringMatching(/timed out/) });
  });

  test('write stored but reply lost: the ExternalId lookup finds the first write', async () => {
    const client = new TwentyFourSevenClient(creds());
    await client.connect();
    await faults({ rate: 1, kinds: ['commit-then-fail'], paths: ['CompanyService'] });
    await expect(client.saveCompany({ name: 'Tapt Svar AS', externalId: 'RB-LOST-1' })).rejects.toMatchObject({ errorClass: 'transient' });
    await faults({ rate: 0 });
    expect(await client.findCompanyByExternalId('RB-LOST-1')).toMatchObject({ name: 'Tapt Svar AS' });
  });

  test('a wrong base URL is reported as such', async () => {
    const client = new TwentyFourSevenClient(creds({ baseUrl: `${url}/nowhere` }));
    await expect(client.connect()).rejects.toMatchObject({ errorClass: 'validation', code: 'HTTP_404', message: expect.stringContaining('check the base URL') });
  });
});
