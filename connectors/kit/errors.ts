/**
 * Every connector reports failures as a ConnectorError with a class. The class decides what happens next
 * (activities/failures.ts turns it into a Temporal failure): credentials, permission, validation, conflict and
 * business errors are not retried and park the transfer for an operator; rate-limit and transient ones are retried.
 */
export type ErrorClass =
  | 'credentials' // wrong or revoked keys: fix the integration credentials
  | 'permission' // the API user may not use this resource
  | 'validation' // the target refused the data: a field is wrong
  | 'conflict' // duplicate data, a number already in use
  | 'business' // period locked, missing prerequisite, ...
  | 'not-found'
  | 'rate-limit' // wait as the server says
  | 'transient'; // 5xx, timeouts, network: back off and retry

const RETRYABLE: ReadonlySet<ErrorClass> = new Set(['rate-limit', 'transient']);

export interface ConnectorErrorOptions {
  resource?: string;
  field?: string;
  /** The system's own error code or category, verbatim. */
  code?: string;
  retryAfterMs?: number;
  cause?: unknown;
}

export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';
  readonly resource?: string;
  readonly field?: string;
  readonly code?: string;
  readonly retryAfterMs?: number;

  constructor(
    readonly system: string,
    readonly errorClass: ErrorClass,
    message: string,
    options: ConnectorErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.resource = options.resource;
    this.field = options.field;
    this.code = options.code;
    this.retryAfterMs = options.retryAfterMs;
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.errorClass);
  }
}

export const isConnectorError = (e: unknown): e is ConnectorError =>
  e instanceof Error && e.name === 'ConnectorError' && 'errorClass' in e;

/**
 * The same message for "bad credentials" in every connector, so operators learn one sentence:
 * "Invalid <System> <what>: connection cannot be established. Check the <what to check>."
 */
export function credentialsError(system: string, displayName: string, what: string, check: string, code?: string): ConnectorError {
  return new ConnectorError(
    system,
    'credentials',
    `Invalid ${displayName} ${what}: connection cannot be established. Check the ${check}.`,
    { code },
  );
}
