import { createHash, createHmac, randomUUID } from 'node:crypto';

/**
 * Netvisor's request signature (docs/wire/netvisor.md#authentication). The customer and partner keys never travel; they only key the
 * MAC. Every attempt needs its own transaction id, so headers are built per attempt, never cached.
 */
export interface MacInput {
  url: string;
  sender: string;
  customerId: string;
  timestamp: string;
  language: string;
  organisationId: string;
  transactionId: string;
  timestampUnix: number | string;
  customerKey: string;
  partnerKey: string;
}

/** HMACSHA256: message joined with "&", keyed by "customerKey&partnerKey", lowercase hex. Latin-1 bytes, as the maintained clients do. */
export function hmacSha256Mac(i: MacInput): string {
  const message = [
    i.url, i.sender, i.customerId, i.timestamp, i.language, i.organisationId, i.transactionId, String(i.timestampUnix), i.customerKey, i.partnerKey,
  ].join('&');
  return createHmac('sha256', Buffer.from(`${i.customerKey}&${i.partnerKey}`, 'latin1')).update(Buffer.from(message, 'latin1')).digest('hex');
}

/** The older plain SHA256 form (no unix timestamp in the message); kept so the sandbox can accept it as Netvisor does. */
export function sha256Mac(i: Omit<MacInput, 'timestampUnix'>): string {
  const message = [i.url, i.sender, i.customerId, i.timestamp, i.language, i.organisationId, i.transactionId, i.customerKey, i.partnerKey].join('&');
  return createHash('sha256').update(Buffer.from(message, 'latin1')).digest('hex');
}

/** "YYYY-MM-DD HH:MM:SS.fff" in UTC. */
export function netvisorTimestamp(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

export const newTransactionId = (): string => randomUUID().replace(/-/g, '');

export interface SigningIdentity {
  sender: string;
  customerId: string;
  customerKey: string;
  partnerId: string;
  partnerKey: string;
  organisationId: string;
  language: string;
}

export function signedHeaders(url: string, id: SigningIdentity, now = new Date(), transactionId = newTransactionId()): Record<string, string> {
  const timestamp = netvisorTimestamp(now);
  const timestampUnix = Math.floor(now.getTime() / 1000);
  const mac = hmacSha256Mac({ ...id, url, timestamp, timestampUnix, transactionId });
  return {
    'X-Netvisor-Authentication-Sender': id.sender,
    'X-Netvisor-Authentication-CustomerId': id.customerId,
    'X-Netvisor-Authentication-PartnerId': id.partnerId,
    'X-Netvisor-Authentication-Timestamp': timestamp,
    'X-Netvisor-Authentication-TimestampUnix': String(timestampUnix),
    'X-Netvisor-Authentication-TransactionId': transactionId,
    'X-Netvisor-Interface-Language': id.language,
    'X-Netvisor-Organisation-ID': id.organisationId,
    'X-Netvisor-Authentication-MAC': mac,
    'X-Netvisor-Authentication-MACHashCalculationAlgorithm': 'HMACSHA256',
    'X-Netvisor-Authentication-UseHTTPResponseStatusCodes': '1',
  };
}
