import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { TenantConfig } from './schema';

/** The configuration with every `{ env }` reference replaced by its value and every `sandbox:` URL resolved. */
export type ResolvedTenant = Resolve<TenantConfig>;
type Resolve<T> = T extends { env: string } ? string : T extends Array<infer U> ? Array<Resolve<U>> : T extends object ? { [K in keyof T]: Resolve<T[K]> } : T;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function describeIssues(file: string, issues: z.core.$ZodIssue[]): string {
  return issues.map((i) => `${file}: ${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`).join('\n');
}

export interface LoadOptions {
  /**
   * `strict` (default): every `{ env }` reference (and `sandbox:` URL variable) must be set, or the file is refused. `lazy`: a missing one is left
   * unresolved and throws a ConfigError naming the field and the variable only when something reads it, so a
   * command that needs a few systems of a tenant (`siirto onboard --pair …`) does not need the others' secrets.
   */
  secrets?: 'strict' | 'lazy';
}

/** A `{ env }` reference whose variable was not set when the file was loaded lazily. */
export interface UnresolvedSecret {
  /** Dotted path in the tenant file, e.g. connections.netvisor.customerKey. */
  path: string;
  variable: string;
  /** What is wrong, e.g. "environment variable X is not set". */
  problem: string;
}

const unresolved = new WeakMap<object, UnresolvedSecret[]>();

/** The secrets a lazily loaded tenant lacks ([] for a strictly loaded one). */
export const unresolvedSecrets = (tenant: ResolvedTenant): UnresolvedSecret[] => unresolved.get(tenant) ?? [];

/**
 * Throws a ConfigError naming every missing variable under the given paths (e.g. ['connections.netvisor', 'shops.0']),
 * and why they are needed.
 */
export function requireSecrets(tenant: ResolvedTenant, under: readonly string[], why: string): void {
  const missing = unresolvedSecrets(tenant).filter((u) => under.some((p) => u.path === p || u.path.startsWith(`${p}.`)));
  if (missing.length) {
    throw new ConfigError(
      missing.map((m) => `config/${tenant.tenant}.yaml: ${m.path}: ${m.problem} (${why})`).join('\n'),
    );
  }
}

/** Parses and validates one tenant file; the error names the file, the field and what is wrong. */
export function parseTenantFile(file: string, env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): ResolvedTenant {
  let raw: unknown;
  try {
    raw = YAML.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${file}: not valid YAML: ${(err as Error).message}`);
  }
  const parsed = TenantConfig.safeParse(raw);
  if (!parsed.success) throw new ConfigError(describeIssues(file, parsed.error.issues));
  const problems: string[] = [];
  const missing: Array<{ at: Array<string | number>; variable: string; problem: string }> = [];
  const resolved = resolve(parsed.data, [], env, problems, options.secrets === 'lazy' ? missing : undefined) as Record<string, unknown>;
  if (problems.length) throw new ConfigError(problems.map((p) => `${file}: ${p}`).join('\n'));
  for (const m of missing) {
    const parent = m.at.slice(0, -1).reduce<any>((o, k) => o[k], resolved);
    const field = m.at.join('.');
    Object.defineProperty(parent, m.at[m.at.length - 1], {
      enumerable: true,
      get() {
        throw new ConfigError(`${file}: ${field}: ${m.problem}`);
      },
    });
  }
  if (missing.length) unresolved.set(resolved, missing.map((m) => ({ path: m.at.join('.'), variable: m.variable, problem: m.problem })));
  const base = path.basename(file).replace(/\.ya?ml$/, '');
  if (base !== parsed.data.tenant) throw new ConfigError(`${file}: tenant: "${parsed.data.tenant}" must match the file name "${base}"`);
  return resolved as ResolvedTenant;
}

function resolve(
  value: unknown,
  at: Array<string | number>,
  env: NodeJS.ProcessEnv,
  problems: string[],
  missing?: Array<{ at: Array<string | number>; variable: string; problem: string }>,
): unknown {
  if (Array.isArray(value)) return value.map((v, i) => resolve(v, [...at, i], env, problems, missing));
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === 'env') {
      const name = (value as { env: string }).env;
      const secret = env[name];
      if (!secret) {
        if (missing) missing.push({ at, variable: name, problem: `environment variable ${name} is not set` });
        else problems.push(`${at.join('.')}: environment variable ${name} is not set`);
      }
      return secret ?? '';
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, [...at, k], env, problems, missing)]));
  }
  if (typeof value === 'string' && at[at.length - 1] === 'baseUrl' && value.startsWith('sandbox:')) {
    const [system, ...rest] = value.slice('sandbox:'.length).split('/');
    const variable = sandboxUrlVariable(system);
    const url = env[variable];
    const problem = `${value} needs a running sandbox; start it with "siirto sandbox ${system}" and set ${variable}`;
    if (!url) {
      if (missing) missing.push({ at, variable, problem });
      else problems.push(`${at.join('.')}: ${problem}`);
    }
    return url ? [url, ...rest].join('/') : value;
  }
  return value;
}

export const sandboxUrlVariable = (system: string): string => `SIIRTO_SANDBOX_${system.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`;

/** Loads every tenant file in a directory. */
export function loadTenants(dir: string, env: NodeJS.ProcessEnv = process.env): Map<string, ResolvedTenant> {
  const tenants = new Map<string, ResolvedTenant>();
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort() : [];
  const errors: string[] = [];
  for (const f of files) {
    try {
      const t = parseTenantFile(path.join(dir, f), env);
      tenants.set(t.tenant, t);
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  if (errors.length) throw new ConfigError(errors.join('\n'));
  return tenants;
}
