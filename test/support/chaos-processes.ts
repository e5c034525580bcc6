import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startDevServer, temporalCliPath, type DevServer } from '../../client/dev-server';

/**
 * The processes of a chaos run, each one a real OS process that can be SIGKILLed: the Temporal server and the
 * `siirto worker` processes. The sandboxes and the HTTP server stay in the calling process, so that their state
 * (the documents written, the webhooks received) survives every kill.
 */
export const ROOT = path.resolve(__dirname, '../..');
/** The built CLI (`npm test` and `npm run bench` build dist/ first). The bench runs from dist/, the test from sources. */
export const CLI = fs.existsSync(path.join(ROOT, 'client', 'cli.js')) ? path.join(ROOT, 'client', 'cli.js') : path.join(ROOT, 'dist', 'client', 'cli.js');

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A Temporal server the run can kill -9 and start again on the same port and the same state. */
export interface KillableTemporal {
  address: string;
  /** Process ids that make up the server (for CPU figures). */
  pids(): number[];
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  describe: string;
}

/**
 * The Temporal CLI's dev server on a SQLite file: SIGKILL loses nothing that was committed, and a start on the
 * same file and port brings the same history back.
 */
export async function startKillableDevServer(dir: string): Promise<KillableTemporal> {
  const port = await freePort();
  const dbFile = path.join(dir, 'temporal.db');
  const cli = temporalCliPath();
  let server: DevServer | undefined = await startDevServer(cli, { port, dbFile });
  return {
    address: `127.0.0.1:${port}`,
    describe: 'Temporal dev server on a SQLite file',
    pids: () => (server?.process.pid ? [server.process.pid] : []),
    async kill() {
      const s = server;
      server = undefined;
      if (!s || s.process.exitCode !== null) return;
      const exited = new Promise((r) => s.process.once('exit', r));
      s.process.kill('SIGKILL');
      await exited;
    },
    async start() {
      server = await startDevServer(cli, { port, dbFile });
    },
    async stop() {
      await server?.stop();
      server = undefined;
    },
  };
}

export interface WorkerProcess {
  pid: number;
  child: ChildProcess;
  /** Resolves when the process has exited, with its code or signal. */
  exited: Promise<string>;
  /** The last few kB of its stderr (its log), for a failing run's message. */
  tail(): string;
  readonly killedByUs: boolean;
  sigkill(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `node dist/client/cli.js worker --address <a> --config <dir>`: a worker process exactly as an operator runs it.
 * Resolves once it logged "worker running" (it bundles the workflows first, which takes a while on two cores).
 */
export async function startWorkerProcess(opts: { address: string; configDir: string; env: NodeJS.ProcessEnv; readyTimeoutMs?: number }): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [CLI, 'worker', '--address', opts.address, '--config', opts.configDir], {
    env: { ...process.env, ...opts.env, SIIRTO_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  let killedByUs = false;
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)));
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      log = (log + d.toString('utf8')).slice(-6000);
      if (log.includes('worker running')) resolve();
    });
    void exited.then((how) => reject(new Error(`worker process ${child.pid} ended (${how}) before it was running: ${log.slice(-2000)}`)));
  });
  const timeout = opts.readyTimeoutMs ?? 180_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([ready, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`worker process ${child.pid} not running after ${timeout} ms: ${log.slice(-2000)}`)), timeout)))]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return {
    pid: child.pid!,
    child,
    exited,
    tail: () => log,
    get killedByUs() {
      return killedByUs;
    },
    async sigkill() {
      killedByUs = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      killedByUs = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
      }
    },
  };
}

/**
 * Which of `pids` holds the client end of a TCP connection whose local port is `port` (the remote port a server
 * saw), read from /proc: the socket's inode from /proc/net/tcp, then the process whose fd links to it.
 */
export function pidOfClientPort(port: number, pids: readonly number[]): number | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      if (cols[1].split(':')[1] === hexPort) inodes.add(cols[9]);
    }
  }
  if (!inodes.size) return undefined;
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link = '';
      try {
        link = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m && inodes.has(m[1])) return pid;
    }
  }
  return undefined;
}

const CLOCK_TICKS = 100;
/** CPU seconds (user + system) a process and its reaped children used so far, from /proc/<pid>/stat; 0 when gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after the command: state is [0], utime [11], stime [12], cutime [13], cstime [14].
    return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

export const cores = (): number => os.cpus().length;

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The machine's CPU counters from /proc/stat (all cores): busy and total jiffies, to see how busy it was overall. */
export function machineCpu(): { busy: number; total: number } {
  try {
    const cols = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = cols.reduce((a, b) => a + b, 0);
    const idle = (cols[3] ?? 0) + (cols[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: 0, total: 0 };
  }
}
