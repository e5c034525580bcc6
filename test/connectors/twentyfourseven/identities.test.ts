import { listIdentitiesWithCredential } from '../../../connectors/twentyfourseven/identities';
import { control, startTestSandboxes } from '../../support/sandboxes';

/** GetIdentitiesWithCredential: the companies a login sees, asked before any is chosen (onboarding). */
const CREDENTIALS_MESSAGE = 'Invalid 24SevenOffice credentials: connection cannot be established. Check the application id, username and password.';
let url: string;
let stop: () => Promise<void>;
const creds = (extra: Record<string, string> = {}) => ({
  baseUrl: url,
  applicationId: '00000000-0000-0000-0000-000000000024',
  username: 'sandbox@siirto.test',
  password: 'sandbox',
  ...extra,
});

beforeAll(async () => {
  const started = await startTestSandboxes(['24so'], 3);
  url = started.sandboxes['24so'].url;
  stop = started.stop;
});
afterAll(() => stop());

test('lists every company the login sees, without opening a session', async () => {
  const identities = await listIdentitiesWithCredential(creds());
  expect(identities.map((i) => [i.id, i.clientName, i.isDisabled])).toEqual([
    ['1d000000-0000-4000-8000-000000024001', 'Siirto Demo AS', false],
    ['1d000000-0000-4000-8000-000000024002', 'Siirto Demo Oy', false],
  ]);
  const state = await control(url, 'state');
  expect(state.sessions).toEqual([]);
});

test('a login with one company lists that one', async () => {
  expect((await listIdentitiesWithCredential(creds({ username: 'single@siirto.test' }))).map((i) => i.clientName)).toEqual(['Siirto Demo AS']);
});

test.each([
  ['a wrong password', { password: 'wrong' }],
  ['an unknown user', { username: 'nobody@siirto.test' }],
  ['another application id', { applicationId: '00000000-0000-0000-0000-000000000099' }],
])('%s gives the standard credentials message', async (_what, extra) => {
  await expect(listIdentitiesWithCredential(creds(extra))).rejects.toMatchObject({ errorClass: 'credentials', message: CREDENTIALS_MESSAGE, retryable: false });
});

test('incomplete settings are refused before any request', async () => {
  await expect(listIdentitiesWithCredential(creds({ applicationId: 'not-a-guid' }))).rejects.toMatchObject({ errorClass: 'credentials', field: 'applicationId' });
});

test('a server fault is transient (retried by the activity), not a credentials problem', async () => {
  await control(url, 'faults', { rate: 1, kinds: ['500'], paths: ['authenticate'] });
  try {
    await expect(listIdentitiesWithCredential(creds())).rejects.toMatchObject({ errorClass: 'transient' });
  } finally {
    await control(url, 'faults', { rate: 0 });
  }
});
