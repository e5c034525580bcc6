import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Client } from '@temporalio/client';
import type { ResolvedTenant } from '../../config/load';
import type { ConsoleAuth, ConsoleUser } from './auth';
import type { Lang } from './i18n';
import type { CallCountStore } from '../../connectors/kit/call-log';

/** What every page gets. */
export interface ConsoleDeps {
  tenants: ReadonlyMap<string, ResolvedTenant>;
  temporal: Client;
  /** The Temporal UI, for "open in Temporal UI" links, e.g. http://localhost:8233. */
  temporalUiUrl: string;
  auth: ConsoleAuth;
  /** Temporal namespace (default "default"). */
  namespace?: string;
  /** Task queue of workflows the console starts (default: the worker's). */
  taskQueue?: string;
  /** Mark cookies Secure (the console is served over HTTPS by a proxy in front). */
  secureCookies?: boolean;
  /** Live-refresh period of the live parts (default 5 s). */
  refreshSeconds?: number;
  /** The request counts every worker shares (PostgreSQL with the cluster-wide limits); without it, this process's own. */
  callCounts?: CallCountStore;
}

export interface Viewer {
  /** null on the sign-in page before signing in. */
  user: ConsoleUser | null;
  via: 'session' | 'token' | 'open' | 'none';
  lang: Lang;
}

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer;
  }
}

/** An operator-facing refusal: a status code and a message already in the viewer's language. */
export class ConsoleError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export const isHtmx = (req: FastifyRequest): boolean => req.headers['hx-request'] === 'true';

const tokens = new WeakMap<FastifyReply, string>();
/**
 * The CSRF token for the forms of this response (its secret is in the `_csrf` cookie; @fastify/csrf-protection).
 * One per response: on a first visit each generateCsrf() call would mint a new secret, and only the last cookie
 * would stick, leaving the earlier forms' tokens orphaned.
 */
export function csrfToken(reply: FastifyReply): string {
  let token = tokens.get(reply);
  if (!token) tokens.set(reply, (token = reply.generateCsrf()));
  return token;
}
