import { createHash, createHmac } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { NetvisorFailure } from './wire';

/**
 * Verifies Netvisor's authentication headers (docs/wire/netvisor.md#authentication). The MAC is recomputed over the URL as the client
 * sent it — scheme + Host header + raw path and query — and, because clients differ on percent-encoding, also over
 * the percent-decoded query (which form real Netvisor signs is an open point: docs/wire/open-points.md). Hex case is ignored.
 */
export interface SandboxCredentials {
  customerId: string;
  customerKey: string;
  partnerId: string;
  partnerKey: string;
  organisationId: string;
}

/** Skew allowed on TimestampUnix. Netvisor documents none (open point: docs/wire/open-points.md); 5 minutes is the usual choice. */
const MAX_SKEW_SECONDS = 300;

const AUTH_TEXT = 'Integration keys are not valid. Please check the keys specific to the user and partner.';
const authFailed = (text = AUTH_TEXT) => new NetvisorFailure('AUTHENTICATION_FAILED', text);

const header = (req: FastifyRequest, name: string): string | undefined => {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

function candidateUrls(req: FastifyRequest): string[] {
  const host = header(req, 'host') ?? '';
  const raw = req.raw.url ?? '/';
  const urls = [`http://${host}${raw}`, `https://${host}${raw}`];
  const q = raw.indexOf('?');
  if (q >= 0) {
    try {
      const decoded = raw.slice(0, q + 1) + decodeURIComponent(raw.slice(q + 1));
      if (decoded !== raw) urls.push(`http://${host}${decoded}`, `https://${host}${decoded}`);
    } catch {
      // not decodable: only the raw form can match
    }
  }
  return urls;
}

export interface Verified {
  customerId: string;
  partnerId: string;
  transactionId: string;
  language: string;
  useHttpStatusCodes: boolean;
}

export function verify(req: FastifyRequest, creds: SandboxCredentials, now = Date.now()): Verified {
  const get = (n: string) => header(req, `x-netvisor-${n}`);
  const sender = get('authentication-sender');
  const customerId = get('authentication-customerid');
  const partnerId = get('authentication-partnerid');
  const timestamp = get('authentication-timestamp');
  const transactionId = get('authentication-transactionid');
  const language = get('interface-language');
  const organisationId = get('organisation-id');
  const mac = get('authentication-mac')?.toLowerCase();
  const algorithm = (get('authentication-machashcalculationalgorithm') ?? '').toUpperCase();
  const timestampUnix = get('authentication-timestampunix');
  if (!sender || !customerId || !partnerId || !timestamp || !transactionId || !language || !organisationId || !mac) throw authFailed();
  if (!['FI', 'EN', 'SE'].includes(language.toUpperCase())) throw authFailed();
  // Open point (docs/wire/open-points.md): an unknown customer or partner id answers the same category as a wrong key.
  if (customerId !== creds.customerId || partnerId !== creds.partnerId) throw authFailed();
  // Open point (docs/wire/open-points.md): which category a wrong company gets; the user is simply not authorised for it.
  if (organisationId !== creds.organisationId) throw authFailed();

  const pieces = (url: string) => [url, sender, customerId, timestamp, language, organisationId, transactionId];
  let expected: (url: string) => string;
  if (algorithm === 'HMACSHA256') {
    if (!timestampUnix || !/^\d+$/.test(timestampUnix)) throw authFailed();
    if (Math.abs(Number(timestampUnix) - now / 1000) > MAX_SKEW_SECONDS) throw authFailed();
    const key = Buffer.from(`${creds.customerKey}&${creds.partnerKey}`, 'latin1');
    expected = (url) =>
      createHmac('sha256', key)
        .update(Buffer.from([...pieces(url), timestampUnix, creds.customerKey, creds.partnerKey].join('&'), 'latin1'))
        .digest('hex');
  } else if (algorithm === 'SHA256') {
    expected = (url) => createHash('sha256').update(Buffer.from([...pieces(url), creds.customerKey, creds.partnerKey].join('&'), 'latin1')).digest('hex');
  } else {
    // MD5 is being withdrawn; the sandbox already refuses it.
    throw authFailed();
  }
  if (!candidateUrls(req).some((u) => expected(u) === mac)) throw authFailed();
  return {
    customerId,
    partnerId,
    transactionId,
    language: language.toUpperCase(),
    useHttpStatusCodes: get('authentication-usehttpresponsestatuscodes') === '1',
  };
}
