import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { projectRoot } from '../paths';

/**
 * The cluster's children run in their own process group (detached), so that Ctrl-C reaches only the cluster, which
 * then stops them one by one in order; a second signal would cut a worker's graceful shutdown short. Whatever is
 * still running when this process exits is killed with it.
 */
const children = new Set<ChildProcess>();
let reaping = false;
export function reapOnExit(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (reaping) return;
  reaping = true;
  process.once('exit', () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
}

/** The built `siirto` entry point (tests run from sources, the children from dist/). */
export const CLI_ENTRY = path.join(projectRoot(), 'dist', 'client', 'cli.js');

export interface SiirtoProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  /** The JSON line the process printed when it was ready. */
  ready: Record<string, any>;
  /** stdout lines printed after the ready line, parsed when JSON. */
  lines: Array<Record<string, any>>;
  stderr(): string;
  exited(): boolean;
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  exit: Promise<number | string>;
  /** kill -9. */
  kill(): Promise<void>;
  /** SIGTERM (the ordered shutdown), then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<number | string>;
}

export interface SpawnSiirtoOptions {
  name: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Which stdout line means ready (default: the first JSON line). */
  isReady?: (line: Record<string, any>) => boolean;
  timeoutMs?: number;
  /** Also append stderr here. */
  logFile?: string;
  /** Copy the child's stderr (its log lines) to this process's stderr. */
  forwardStderr?: boolean;
  /** For a process that prints no ready line (`siirto server`): polled until it returns the ready record. */
  probe?: () => Promise<Record<string, any> | undefined>;
}

/**
 * V8 heap settings for worker processes. Left alone, V8 grows a worker's heap lazily to several hundred MiB under a
 * large register migration; a 2 MiB young generation and a capped old space keep it near 250 MiB RSS at 50,000
 * records (README, "Worker memory"). The same default is on the siirto-worker service in docker-compose.yml.
 */
export const WORKER_NODE_OPTIONS = '--max-semi-space-size=2 --max-old-space-size=192';

/**
 * The environment of a `siirto worker` child: NODE_OPTIONS gets WORKER_NODE_OPTIONS unless SIIRTO_WORKER_NODE_OPTIONS
 * says otherwise ("" for V8's defaults) or NODE_OPTIONS already sets the heap size.
 */
export function workerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // Most of a worker's RSS under a large migration is native memory: glibc's malloc arenas, one per thread of the
  // Temporal core's thread pool, not the JS heap (41 MiB live at 17,400 records). Two arenas are enough for a
  // worker; glibc reads this at start, so it is set for the child (unless the environment says otherwise).
  const arenas = env.MALLOC_ARENA_MAX === undefined ? { MALLOC_ARENA_MAX: WORKER_MALLOC_ARENA_MAX } : {};
  const own = env.NODE_OPTIONS ?? '';
  if (/--max-old-space-size\b/.test(own)) return { ...env, ...arenas };
  const extra = env.SIIRTO_WORKER_NODE_OPTIONS ?? WORKER_NODE_OPTIONS;
  const options = [own, extra].filter((s) => s.trim() !== '').join(' ');
  return options ? { ...env, ...arenas, NODE_OPTIONS: options } : { ...env, ...arenas };
}

/** glibc malloc arenas for a worker process (see workerEnv); the same on the siirto-worker service in docker-compose.yml. */
export const WORKER_MALLOC_ARENA_MAX = '2';

/** Starts `siirto <args>` as its own process and resolves once it printed its ready line. */
export function spawnSiirto(o: SpawnSiirtoOptions): Promise<SiirtoProcess> {
  const base = o.env ?? process.env;
  const env = o.args[0] === 'worker' ? workerEnv(base) : base;
  const child = spawn(process.execPath, [CLI_ENTRY, ...o.args], { stdio: ['ignore', 'pipe', 'pipe'], env, detached: true });
  reapOnExit(child);
  let stderr = '';
  const log = o.logFile ? fs.createWriteStream(o.logFile, { flags: 'a' }) : undefined;
  child.stderr!.on('data', (d) => {
    stderr = (stderr + String(d)).slice(-20_000);
    log?.write(d);
    if (o.forwardStderr) process.stderr.write(d);
  });
  const exit = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => {
    log?.end();
    resolve(code ?? signal ?? -1);
  }));
  const lines: Array<Record<string, any>> = [];
  const rl = readline.createInterface({ input: child.stdout! });
  const isReady = o.isReady ?? (() => true);
  return new Promise<SiirtoProcess>((resolve, reject) => {
    let ready: Record<string, any> | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${o.name} printed no ready line within ${(o.timeoutMs ?? 120_000) / 1000} s: ${stderr.trim().slice(-2000)}`));
    }, o.timeoutMs ?? 120_000);
    const becomeReady = (parsed: Record<string, any>) => {
      ready = parsed;
      clearTimeout(timer);
      const exited = () => child.exitCode !== null || child.signalCode !== null;
      resolve({
        name: o.name,
        child,
        pid: child.pid!,
        ready,
        lines,
        stderr: () => stderr,
        exited,
        exit,
        async kill() {
          if (!exited()) child.kill('SIGKILL');
          await exit;
        },
        async stop(graceMs = 15_000) {
          if (exited()) return exit;
          child.kill('SIGTERM');
          const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
          const code = await exit;
          clearTimeout(force);
          return code;
        },
      });
    };
    if (o.probe) {
      const probe = o.probe;
      void (async () => {
        while (!ready && child.exitCode === null && child.signalCode === null) {
          const found = await probe().catch(() => undefined);
          if (found) return becomeReady(found);
          await new Promise((r) => setTimeout(r, 250));
        }
      })();
    }
    rl.on('line', (line) => {
      let parsed: Record<string, any>;
      try {
        parsed = JSON.parse(line);
      } catch {
        parsed = { text: line };
      }
      if (ready || o.probe) return void lines.push(parsed);
      if (isReady(parsed)) becomeReady(parsed);
    });
    void exit.then((code) => {
      if (ready) return;
      clearTimeout(timer);
      reject(new Error(`${o.name} exited (${code}) before it was ready: ${stderr.trim().slice(-2000)}`));
    });
  });
}
