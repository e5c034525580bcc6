import { ConnectorError, credentialsError, type ErrorClass } from '../kit/errors';
import { retryAfterMs, type HttpResponse } from '../kit/http';
import { ExceptionModel } from './schemas';

export const SYSTEM = 'severa';

export const invalidCredentials = (code?: string): ConnectorError => credentialsError(SYSTEM, 'Severa', 'API key', 'API key', code);

/** Organisation-level states an operator must fix in Severa itself; retrying cannot help. */
const BUSINESS_TYPES = new Set([
  'AddonMissing', 'FeatureIsNotEnabled', 'OrganizationNotActive', 'TrialExpired', 'NotAvailableInTrial',
  'TermsOfServiceNotApproved', 'AddonMissingTermsOfServiceApproval', 'ExcludedFromTrial', 'UserLicenseType', 'ConfigurationError',
]);

function parse(body: string): ExceptionModel['error'] | undefined {
  try {
    const r = ExceptionModel.safeParse(JSON.parse(body));
    return r.success ? r.data.error : undefined;
  } catch {
    return undefined;
  }
}

/** A non-2xx Severa reply as a ConnectorError; `scope` names the API scope the call needs, for the operator. */
export function classifySeveraError(res: HttpResponse, resource: string, scope?: string): ConnectorError {
  if (res.status === 429) {
    const wait = retryAfterMs(res.headers['retry-after'], 1000);
    // Plain text "API calls quota exceeded! maximum admitted 10 per 1s." (docs/wire/severa.md#rate-limit); Retry-After
    // may be missing (docs/wire/open-points.md), then one second.
    const said = /(API calls )?quota exceeded[^"}]*/i.exec(res.body)?.[0];
    return new ConnectorError(SYSTEM, 'rate-limit', `Severa rate limit reached while reading ${resource}${said ? ` (${said.trim()})` : ''}; retrying after ${Math.ceil(wait / 1000)} s`, {
      resource,
      retryAfterMs: wait,
      code: '429',
    });
  }
  if (res.status >= 500) {
    return new ConnectorError(SYSTEM, 'transient', `Severa answered ${res.status} on ${resource}; it will be retried`, { resource, code: String(res.status) });
  }
  const err = parse(res.body);
  const type = err?.type ?? String(res.status);
  const detail = err?.details?.[0];
  const field = detail?.location?.name ?? undefined;
  const said = [err?.message, ...(err?.details ?? []).map((d) => d.message)].filter(Boolean).join('; ') || `HTTP ${res.status}`;

  if (type === 'InsufficientApiScope') {
    return new ConnectorError(
      SYSTEM,
      'permission',
      `The Severa API credentials lack the scope for ${resource}${scope ? ` (${scope})` : ''}; add it under Settings → Integrations → REST API and renew the client secret if asked`,
      { resource, code: type },
    );
  }
  if (BUSINESS_TYPES.has(type)) {
    return new ConnectorError(SYSTEM, 'business', `Severa refused ${resource} because of the organisation's setup (${type}): ${said}`, { resource, code: type });
  }
  const classes: Record<number, ErrorClass> = { 400: 'validation', 403: 'permission', 404: 'not-found', 409: 'conflict' };
  const errorClass = classes[res.status] ?? 'validation';
  const lead: Partial<Record<ErrorClass, string>> = {
    validation: `Severa rejected the request for ${resource}`,
    permission: `The Severa API user may not read ${resource}`,
    'not-found': `Severa has no such ${resource}`,
    conflict: `Severa reported a conflict on ${resource}`,
  };
  return new ConnectorError(SYSTEM, errorClass, `${lead[errorClass]}: ${said}`, { resource, field, code: type });
}
