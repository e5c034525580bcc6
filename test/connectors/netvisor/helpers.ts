import { NetvisorClient, type NetvisorCredentials } from '../../../connectors/netvisor';
import type { HttpTransport } from '../../../connectors/kit/http';

/** The sandbox's documented default credentials (sandbox/netvisor/index.ts). */
export const sandboxCredentials = (baseUrl: string, overrides: Partial<NetvisorCredentials> = {}): NetvisorCredentials => ({
  baseUrl,
  customerId: 'SIIRTO-SANDBOX',
  customerKey: 'sandbox-customer-key',
  partnerId: 'SIIRTO_SANDBOX',
  partnerKey: 'sandbox-partner-key',
  organisationId: '1234567-1',
  language: 'FI',
  ...overrides,
});

export const sandboxClient = (baseUrl: string, overrides: Partial<NetvisorCredentials> = {}, timeoutMs = 5000) =>
  new NetvisorClient(sandboxCredentials(baseUrl, overrides), { timeoutMs, sender: 'Siirto tests' });

/** A transport that answers every request with canned bodies, recording what was asked. */
export function cannedTransport(replies: Array<{ status?: number; body: string; headers?: Record<string, string> }>) {
  const requests: Array<{ method: string; url: string; headers: Record<string, string>; body?: string }> = [];
  const transport: HttpTransport = {
    async request(req) {
      requests.push({ method: req.method, url: req.url, headers: req.headers ?? {}, body: req.body });
      const next = replies.length > 1 ? replies.shift()! : replies[0];
      return { status: next.status ?? 200, headers: next.headers ?? {}, body: next.body };
    },
  };
  return { transport, requests };
}

export const fixtureClient = (body: string | Array<{ status?: number; body: string; headers?: Record<string, string> }>) => {
  const { transport, requests } = cannedTransport(typeof body === 'string' ? [{ body }] : body);
  const client = new NetvisorClient(sandboxCredentials('https://isvapi.netvisor.fi'), { sender: 'fixture' }, transport);
  return { client, requests };
};

export async function caught(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to fail');
}

/** The sandbox's default Netvisor identity, for hand-signed requests (the README's sandbox credentials). */
export const sandboxIdentity = (sender: string) => ({
  sender,
  customerId: 'SIIRTO-SANDBOX',
  customerKey: 'sandbox-customer-key',
  partnerId: 'SIIRTO_SANDBOX',
  partnerKey: 'sandbox-partner-key',
  organisationId: '1234567-1',
  language: 'EN',
});
