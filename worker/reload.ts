import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { loadTenants, type ResolvedTenant } from '../config/load';

/**
 * Credentials reload without a restart. A running worker (or `siirto stack`) re-reads its tenant files, and the
 * optional secrets file named by SIIRTO_SECRETS_FILE (KEY=VALUE lines), when
 *   - a file in the config dir or the secrets file changes (watched), or
 *   - it receives SIGHUP, which is what `siirto reload` sends to every worker registered in <data dir>/workers/.
 * A tenant whose resolved configuration changed loses its cached API clients (they hold tokens and sessions made
 * from the old credentials); the next activity builds new ones. A configuration that no longer loads is refused
 * whole and the running one is kept, and the error is reported, as it would be at start.
 */
export interface ReloadResult {
  at: string;
  ok: boolean;
  /** Tenants whose configuration changed (added, removed or edited). */
  changed: string[];
  tenants: string[];
  error?: string;
}

/** What a registered worker writes beside its pid file: <data dir>/workers/<pid>.json. */
export const WorkerRegistration = z.object({
  pid: z.number().int().positive(),
  role: z.string(),
  configDir: z.string(),
  startedAt: z.string(),
  lastReload: z
    .object({ at: z.string(), ok: z.boolean(), changed: z.array(z.string()), tenants: z.array(z.string()), error: z.string().optional() })
    .optional(),
});
export type WorkerRegistration = z.infer<typeof WorkerRegistration>;

export const workersDir = (dataDir: string): string => path.join(dataDir, 'workers');

/** KEY=VALUE lines; blank lines and # comments skipped; optional quotes around the value. */
export function parseSecretsFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(trimmed);
    if (!m) throw new Error(`line ${i + 1}: expected KEY=VALUE`);
    let value = m[2];
    if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
    out[m[1]] = value;
  }
  return out;
}

/** The environment a (re)load resolves `{ env }` references in: the process's, then the secrets file's on top. */
export function reloadEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const file = env.SIIRTO_SECRETS_FILE;
  if (!file) return env;
  if (!fs.existsSync(file)) throw new Error(`SIIRTO_SECRETS_FILE=${file} does not exist`);
  try {
    return { ...env, ...parseSecretsFile(fs.readFileSync(file, 'utf8')) };
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
}

export interface ForgetsClients {
  forget(tenantId: string): void;
}

export interface TenantConfigWatch {
  /** Reloads now (what a change or SIGHUP triggers). */
  reload(): ReloadResult;
  close(): void;
}

export interface WatchOptions {
  /** The live map every part of the process reads; changed in place. */
  tenants: Map<string, ResolvedTenant>;
  connections: ForgetsClients;
  configDir: string;
  dataDir: string;
  role: string;
  env?: NodeJS.ProcessEnv;
  /** Told after each reload (the commands log it). */
  onReload?: (result: ReloadResult) => void;
  /** Watch files (default true); SIGHUP and reload() work either way. */
  watch?: boolean;
  debounceMs?: number;
}

const fingerprint = (t: ResolvedTenant | undefined): string => JSON.stringify(t ?? null);

export function watchTenantConfig(opts: WatchOptions): TenantConfigWatch {
  const env = opts.env ?? process.env;
  const dir = workersDir(opts.dataDir);
  fs.mkdirSync(dir, { recursive: true });
  const registrationFile = path.join(dir, `${process.pid}.json`);
  const registration: WorkerRegistration = { pid: process.pid, role: opts.role, configDir: path.resolve(opts.configDir), startedAt: new Date().toISOString() };
  const writeRegistration = () => {
    const tmp = `${registrationFile}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(registration)}\n`);
    fs.renameSync(tmp, registrationFile);
  };
  writeRegistration();

  const reload = (): ReloadResult => {
    const at = new Date().toISOString();
    let result: ReloadResult;
    try {
      const next = loadTenants(opts.configDir, reloadEnvironment(env));
      const changed = [...new Set([...opts.tenants.keys(), ...next.keys()])].filter((id) => fingerprint(opts.tenants.get(id)) !== fingerprint(next.get(id)));
      for (const id of changed) {
        opts.connections.forget(id);
        const t = next.get(id);
        if (t) opts.tenants.set(id, t);
        else opts.tenants.delete(id);
      }
      result = { at, ok: true, changed: changed.sort(), tenants: [...opts.tenants.keys()] };
    } catch (err) {
      result = { at, ok: false, changed: [], tenants: [...opts.tenants.keys()], error: (err as Error).message };
    }
    registration.lastReload = result;
    writeRegistration();
    opts.onReload?.(result);
    return result;
  };

  let timer: NodeJS.Timeout | undefined;
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(reload, opts.debounceMs ?? 300);
    timer.unref();
  };
  const watchers: fs.FSWatcher[] = [];
  if (opts.watch ?? true) {
    if (fs.existsSync(opts.configDir)) watchers.push(fs.watch(opts.configDir, (_e, name) => (!name || /\.ya?ml$/.test(String(name))) && soon()));
    const secrets = env.SIIRTO_SECRETS_FILE;
    if (secrets && fs.existsSync(path.dirname(secrets))) {
      const base = path.basename(secrets);
      watchers.push(fs.watch(path.dirname(secrets), (_e, name) => (!name || String(name) === base) && soon()));
    }
    for (const w of watchers) w.unref();
  }
  const onHup = () => void reload();
  process.on('SIGHUP', onHup);

  return {
    reload,
    close() {
      clearTimeout(timer);
      for (const w of watchers) w.close();
      process.off('SIGHUP', onHup);
      fs.rmSync(registrationFile, { force: true });
    },
  };
}

/** The registered workers of a data dir; files of processes that are gone are removed. */
export function registeredWorkers(dataDir: string): WorkerRegistration[] {
  const dir = workersDir(dataDir);
  if (!fs.existsSync(dir)) return [];
  const found: WorkerRegistration[] = [];
  for (const f of fs.readdirSync(dir).filter((n) => /^\d+\.json$/.test(n))) {
    const file = path.join(dir, f);
    let reg: WorkerRegistration;
    try {
      reg = WorkerRegistration.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
    } catch {
      continue; // being written, or not ours
    }
    if (!isAlive(reg.pid)) {
      fs.rmSync(file, { force: true });
      continue;
    }
    found.push(reg);
  }
  return found.sort((a, b) => a.pid - b.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
