import type { Got, OptionsOfTextResponseBody } from 'got' with { 'resolution-mode': 'import' };
import { currentCall, heartbeatWhile } from './call-context';
import { ConnectorError } from './errors';
import { recordApiCall } from './call-log';

/**
 * The one HTTP transport connectors share. It never retries (Temporal's retry policy does, so that every attempt
 * is visible and re-signed) and it never throws on an HTTP status: the connector reads the status and the body in
 * its own system's terms. Network failures and timeouts become retryable ConnectorErrors.
 *
 * Inside an activity (connectors/kit/call-context.ts) every request heartbeats while it waits for its reply, and
 * the activity's cancellation (which includes an attempt outliving its timeout) stops it:
 * - a request not yet sent is not sent;
 * - a read (GET) in flight is aborted at once;
 * - a write in flight (POST, PUT, PATCH, DELETE) is NOT aborted: it is already on the wire and the server may commit
 *   it, so aborting would only lose the one reply that says whether it did. It runs to its reply or its own timeout,
 *   and the caller, which holds the write's key (activities/sales-documents.ts), learns the outcome before the next
 *   attempt looks. Either way the request then fails with a retryable "cancelled" ConnectorError.
 */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute URL, or a path joined to the transport's base URL. */
  url: string;
  headers?: Record<string, string>;
  searchParams?: Record<string, string | number | boolean | undefined>;
  body?: string;
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface HttpTransport {
  request(req: HttpRequest): Promise<HttpResponse>;
}

let gotPromise: Promise<Got> | undefined;
// got is ESM-only; load it lazily so CommonJS modules that never make a request do not pay for it.
const loadGot = (): Promise<Got> => (gotPromise ??= import('got').then((m) => m.default));

export function createHttpTransport(system: string, baseUrl: string, defaultTimeoutMs = 30_000): HttpTransport {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    async request(req) {
      const call = currentCall();
      const write = req.method !== 'GET';
      const what = `${system} request ${req.method} ${pathOf(req.url)}`;
      if (call.signal?.aborted) throw cancelled(system, what, call.signal);
      recordApiCall(system, base);
      const got = await loadGot();
      const url = /^https?:\/\//.test(req.url) ? req.url : `${base}/${req.url.replace(/^\/+/, '')}`;
      const searchParams: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.searchParams ?? {})) if (v !== undefined) searchParams[k] = String(v);
      const options: OptionsOfTextResponseBody = {
        method: req.method,
        headers: req.headers,
        body: req.body,
        searchParams: Object.keys(searchParams).length ? searchParams : undefined,
        throwHttpErrors: false,
        retry: { limit: 0 },
        followRedirect: false,
        timeout: { request: req.timeoutMs ?? defaultTimeoutMs },
        responseType: 'text',
        ...(call.signal && !write ? { signal: call.signal } : {}),
      };
      try {
        const res = await heartbeatWhile(got(url, options), call);
        return { status: res.statusCode, headers: res.headers, body: res.body };
      } catch (err) {
        if (call.signal?.aborted) throw cancelled(system, what, call.signal, err);
        const e = err as { code?: string; name?: string; message?: string };
        const how = e.name === 'TimeoutError' ? 'timed out' : `failed (${e.code ?? e.message ?? 'network error'})`;
        throw new ConnectorError(system, 'transient', `${what} ${how}`, { code: e.code, cause: err });
      }
    },
  };
}

const pathOf = (url: string): string => {
  try {
    return new URL(url, 'http://x').pathname;
  } catch {
    return url;
  }
};

/** The activity was cancelled or timed out: a retryable error, so Temporal's next attempt (if any) carries on. */
function cancelled(system: string, what: string, signal: AbortSignal, cause?: unknown): ConnectorError {
  const reason = signal.reason instanceof Error ? ` (${signal.reason.message || signal.reason.name})` : '';
  return new ConnectorError(system, 'transient', `${what} stopped: the activity attempt was cancelled or timed out${reason}`, { code: 'CANCELLED', cause: cause ?? signal.reason });
}

/** Seconds or an HTTP date in Retry-After, as milliseconds. */
export function retryAfterMs(header: string | string[] | undefined, fallbackMs = 1000): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return fallbackMs;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : fallbackMs;
}
