import { ConnectorError, credentialsError } from '../kit/errors';
import type { ApiException } from './schemas';
import type { SoapFaultBody } from './soap';

export const SYSTEM = '24so';
const NAME = '24SevenOffice';

export const invalidCredentials = (): ConnectorError =>
  credentialsError(SYSTEM, NAME, 'credentials', 'application id, username and password', 'LOGIN_FAILED');

/** The start of the next full hour: 24SO's quarantine lasts until the hour is over. */
export function msUntilNextHour(now = Date.now()): number {
  return 3_600_000 - (now % 3_600_000);
}

/** A fault that means "this session is gone": the client logs in again and repeats the call once. */
export function isSessionFault(fault: SoapFaultBody): boolean {
  return /not authenticated|session (has )?expired|no valid session/i.test(fault.faultstring);
}

/**
 * Turns a SOAP fault into a ConnectorError. Known texts first (quarantine, blocked identity, unreadable request);
 * everything else the server raised is treated as transient, since it says nothing about our data.
 */
export function classifyFault(fault: SoapFaultBody, resource: string): ConnectorError {
  const text = fault.faultstring.replace(/^System\.Web\.Services\.Protocols\.SoapException:\s*/, '');
  const quarantine = /Limit exceeded by (\d+).*?Quarantine ends at ([^\s<]+)/is.exec(text);
  if (quarantine || /limit exceeded|request is blocked/i.test(text)) {
    const ends = quarantine ? Date.parse(quarantine[2]) : NaN;
    const retryAfterMs = Number.isFinite(ends) && ends > Date.now() ? ends - Date.now() : msUntilNextHour();
    return new ConnectorError(
      SYSTEM,
      'rate-limit',
      `${NAME} blocked the integration for exceeding 7,200 requests per hour (${text.trim()}). Calls resume when the quarantine ends.`,
      { resource, code: 'QUARANTINE', retryAfterMs },
    );
  }
  if (/IdentityId is blocked/i.test(text)) {
    return new ConnectorError(SYSTEM, 'credentials', `${NAME} refused the identity: ${text.trim()} Check the identity id in the credentials.`, {
      resource,
      code: 'IDENTITY_BLOCKED',
    });
  }
  // A Login that faults over the credential instead of answering an empty result (open point: docs/wire/open-points.md).
  if (resource === 'login' && /password|username|user name|credential|application ?id|authenticat/i.test(text)) return invalidCredentials();
  if (isSessionFault(fault)) {
    return new ConnectorError(SYSTEM, 'permission', `${NAME} says this login may not use ${resource} in the chosen company (${text.trim()}). Check the user's access in 24SevenOffice.`, {
      resource,
      code: 'NOT_AUTHENTICATED',
    });
  }
  if (/soap:Client$|^Client$/i.test(fault.faultcode) || /unable to read request|did not recognize the value/i.test(text)) {
    return new ConnectorError(SYSTEM, 'validation', `${NAME} could not read the ${resource} request: ${text.trim()}`, { resource, code: 'SOAP_CLIENT' });
  }
  return new ConnectorError(SYSTEM, 'transient', `${NAME} failed while processing ${resource}: ${text.trim()}`, { resource, code: 'SOAP_SERVER' });
}

/** An HTTP reply that is not a SOAP envelope (IIS error pages, gateways, 404 for a wrong base URL). */
export function classifyHttp(status: number, resource: string, path: string): ConnectorError {
  if (status >= 500 || status === 408 || status === 429) {
    return new ConnectorError(SYSTEM, 'transient', `${NAME} answered HTTP ${status} for ${resource}`, { resource, code: `HTTP_${status}` });
  }
  return new ConnectorError(SYSTEM, 'validation', `${NAME} answered HTTP ${status} for ${path}: check the base URL of the connection`, {
    resource,
    code: `HTTP_${status}`,
  });
}

/**
 * A Save* item that came back with APIException (the call itself answered HTTP 200). The message names the item
 * and, where the text mentions one, the field.
 */
export function itemError(resource: string, itemLabel: string, e: ApiException, fieldNames: readonly string[]): ConnectorError {
  const prefix = /^([A-Za-z][A-Za-z0-9.]*):/.exec(e.message)?.[1];
  const field =
    prefix ??
    [...fieldNames].sort((a, b) => b.length - a.length).find((f) => new RegExp(`\\b${f}\\b`).test(e.message));
  return new ConnectorError(SYSTEM, 'validation', `${NAME} refused ${itemLabel}: ${e.message}`, { resource, field, code: e.type });
}
