import type { z } from 'zod';
import type { HttpResponse, HttpTransport } from './http';
import { parseJson, parseResponse } from './parse';

/** One call of a JSON REST API: the path under the client's base URL (or an absolute URL), the resource's name for messages. */
export interface JsonRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  resource: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
}

export interface JsonResponse<T> {
  data: T;
  headers: HttpResponse['headers'];
}

/** Turns an error reply into the system's ConnectorError; `body` is undefined when the reply was not JSON. */
export type ErrorClassifier = (status: number, body: unknown, headers: HttpResponse['headers'], resource: string) => Error;

/**
 * Sends a JSON request with the system's auth headers, then classifies an error reply or validates a good one with
 * its zod schema. Shared by the REST clients whose wire is plain JSON (WooCommerce, Shopify).
 */
export async function callJson<S extends z.ZodType>(
  system: string,
  http: HttpTransport,
  req: JsonRequest,
  authHeaders: Record<string, string>,
  schema: S,
  classify: ErrorClassifier,
): Promise<JsonResponse<z.infer<S>>> {
  const res = await http.request({
    method: req.method,
    url: req.path,
    searchParams: req.query,
    headers: {
      ...authHeaders,
      accept: 'application/json',
      ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: req.body === undefined ? undefined : JSON.stringify(req.body),
  });
  let body: unknown;
  try {
    body = parseJson(system, req.resource, res.body);
  } catch (err) {
    if (res.status >= 400) throw classify(res.status, undefined, res.headers, req.resource);
    throw err;
  }
  if (res.status >= 400) throw classify(res.status, body, res.headers, req.resource);
  return { data: parseResponse(system, req.resource, schema, body), headers: res.headers };
}
