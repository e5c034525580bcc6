import type { z } from 'zod';
import { ConnectorError } from './errors';

/**
 * Validates a response body against its schema. A response we cannot understand is not retried blindly:
 * it is reported as the system's fault with the path of the first offending field.
 */
export function parseResponse<S extends z.ZodType>(system: string, resource: string, schema: S, data: unknown): z.infer<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue.path.join('.') || '(root)';
  throw new ConnectorError(system, 'validation', `Unexpected ${system} response from ${resource}: ${path}: ${issue.message}`, {
    resource,
    field: path,
    code: 'UNEXPECTED_RESPONSE',
  });
}

export function parseJson(system: string, resource: string, body: string): unknown {
  try {
    return body === '' ? null : JSON.parse(body);
  } catch {
    throw new ConnectorError(system, 'transient', `${system} returned a body that is not JSON from ${resource}`, { resource });
  }
}
