import crypto from 'node:crypto';
import { z } from 'zod';
import { constantTimeEqual } from '../codec-auth';

/**
 * Who may use the console, from the environment:
 * - SIIRTO_CONSOLE_USERS: people who sign in with a password, `name:role:password` entries separated by commas
 *   (role `operator` or `read-only`), or a JSON array of `{ "name", "role", "password" }` when a password holds a
 *   comma;
 * - SIIRTO_CONSOLE_TOKENS: scripts that send `Authorization: Bearer <token>`, `name:role:token` entries;
 * - SIIRTO_CONSOLE_SECRET: the key that signs the session cookie (at least 32 characters). Unset: a random key per
 *   process, so sessions end when the process restarts.
 * With no users and no tokens the console is open (everyone is a local operator) and binds to loopback only.
 */
export type ConsoleRole = 'operator' | 'read-only';

export interface ConsoleUser {
  name: string;
  role: ConsoleRole;
}

interface Credential extends ConsoleUser {
  secret: string;
}

export interface ConsoleAuth {
  users: Credential[];
  tokens: Credential[];
  /** Signs the session cookie. */
  cookieSecret: string;
  /** The well-known demo users of `siirto stack`: never beyond loopback. */
  demo?: boolean;
  /** Session lifetime (default 12 hours). */
  sessionMs?: number;
}

const Role = z.enum(['operator', 'read-only'], { error: 'role must be "operator" or "read-only"' });
const Entry = z.object({
  name: z.string().regex(/^[\w.@-]{1,64}$/, 'a user name is 1–64 letters, digits or . _ @ -'),
  role: Role,
  secret: z.string().min(8, 'a password or token must be at least 8 characters'),
});

function parseEntries(variable: string, text: string | undefined, secretField: 'password' | 'token'): Credential[] {
  if (!text?.trim()) return [];
  let raw: unknown[];
  if (text.trim().startsWith('[')) {
    try {
      raw = (JSON.parse(text) as Array<Record<string, unknown>>).map((e) => ({ name: e.name, role: e.role, secret: e[secretField] }));
    } catch {
      throw new Error(`${variable} is not valid JSON (an array of {"name","role","${secretField}"})`);
    }
  } else {
    raw = text.split(',').map((entry) => {
      const [name, role, ...rest] = entry.trim().split(':');
      return { name, role, secret: rest.join(':') };
    });
  }
  return raw.map((e, i) => {
    const parsed = Entry.safeParse(e);
    if (!parsed.success) throw new Error(`${variable}, entry ${i + 1}: ${parsed.error.issues[0].message} (expected name:role:${secretField})`);
    return parsed.data;
  });
}

export function consoleAuthFromEnvironment(env: NodeJS.ProcessEnv = process.env): ConsoleAuth {
  const users = parseEntries('SIIRTO_CONSOLE_USERS', env.SIIRTO_CONSOLE_USERS, 'password');
  const tokens = parseEntries('SIIRTO_CONSOLE_TOKENS', env.SIIRTO_CONSOLE_TOKENS, 'token');
  const names = new Set<string>();
  for (const u of users) {
    if (names.has(u.name)) throw new Error(`SIIRTO_CONSOLE_USERS names ${u.name} twice`);
    names.add(u.name);
  }
  const secret = env.SIIRTO_CONSOLE_SECRET;
  if (secret !== undefined && secret !== '' && secret.length < 32) throw new Error('SIIRTO_CONSOLE_SECRET must be at least 32 characters');
  return { users, tokens, cookieSecret: secret || crypto.randomBytes(32).toString('base64url') };
}

export const DEMO_CONSOLE_PASSWORD = 'siirto-demo';

/**
 * The demo's users for `siirto stack` when SIIRTO_CONSOLE_USERS is not set: `operator` (may retry and skip) and
 * `viewer` (read-only), both with the password `siirto-demo`. Loopback only.
 */
export function demoConsoleAuth(): ConsoleAuth {
  return {
    users: [
      { name: 'operator', role: 'operator', secret: DEMO_CONSOLE_PASSWORD },
      { name: 'viewer', role: 'read-only', secret: DEMO_CONSOLE_PASSWORD },
    ],
    tokens: [],
    cookieSecret: crypto.randomBytes(32).toString('base64url'),
    demo: true,
  };
}
export const DEMO_CONSOLE_USERS = demoConsoleAuth().users.map(({ name, role }) => ({ name, role, password: DEMO_CONSOLE_PASSWORD }));

/** The environment's users, or the demo's when none are configured. */
export const consoleAuthOrDemo = (env: NodeJS.ProcessEnv = process.env): ConsoleAuth => {
  const auth = consoleAuthFromEnvironment(env);
  return signInConfigured(auth) ? auth : { ...demoConsoleAuth(), cookieSecret: auth.cookieSecret };
};

export const signInConfigured = (auth: ConsoleAuth): boolean => auth.users.length > 0 || auth.tokens.length > 0;

/** Checks every user (no early exit on the name), comparing in constant time. */
export function checkPassword(auth: ConsoleAuth, name: string, password: string): ConsoleUser | null {
  let found: ConsoleUser | null = null;
  for (const u of auth.users) {
    const nameOk = constantTimeEqual(u.name, name);
    const passwordOk = constantTimeEqual(u.secret, password);
    if (nameOk && passwordOk) found = { name: u.name, role: u.role };
  }
  return found;
}

export function checkToken(auth: ConsoleAuth, token: string): ConsoleUser | null {
  let found: ConsoleUser | null = null;
  for (const u of auth.tokens) if (constantTimeEqual(u.secret, token)) found = { name: u.name, role: u.role };
  return found;
}

/** The user a session names, if still configured (a user removed from the environment loses their sessions). */
export function userByName(auth: ConsoleAuth, name: string): ConsoleUser | null {
  const u = auth.users.find((x) => x.name === name);
  return u ? { name: u.name, role: u.role } : null;
}
