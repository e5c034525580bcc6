import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { EVERY_SEARCH_ATTRIBUTE_QUERY, registerSearchAttributes } from '../../worker/search-attributes';
import { freePort, portIsFree } from '../dev-server';
import type { Postgres, TemporalDatabases } from './postgres';
import { reapOnExit } from './processes';
import { deployDir, dynamicConfigFile, type ClusterTools } from './tools';
import { connectionInterceptors } from '../../orchestration/grpc-interceptors';

/** The ports one Temporal server process listens on (all four services run in it). */
export interface TemporalPorts {
  frontend: number;
  frontendHttp: number;
  history: number;
  matching: number;
  worker: number;
  frontendMembership: number;
  historyMembership: number;
  matchingMembership: number;
  workerMembership: number;
}

export interface TemporalServerOptions {
  tools: ClusterTools;
  postgres: Postgres;
  databases: TemporalDatabases;
  /** Frontend port (default: a free one); the other ports are always free ones. */
  port?: number;
  /** Address the services bind to (127.0.0.1; 0.0.0.0 in a container). */
  bindIp?: string;
  namespace?: string;
  /** File the server's own log lines go to (appended). */
  logFile: string;
  logLevel?: string;
}

export interface TemporalServer {
  /** host:port of the frontend, for workers, clients and the UI. */
  address: string;
  ports: TemporalPorts;
  readonly process: ChildProcess;
  /** kill -9: the process dies at once, as in a crash; the databases keep everything. */
  kill(): Promise<void>;
  /** Starts the server again on the same ports and databases, and waits until it serves. */
  restart(): Promise<void>;
  /** SIGTERM, then SIGKILL after 10 s. */
  stop(): Promise<void>;
}

const SERVICE = 'temporal.api.workflowservice.v1.WorkflowService';

/**
 * Free ports, checked by listening on them. Membership ports go below 32768: the server records them in a smallint
 * column of cluster_membership, and the system's ephemeral ports (what port 0 gives) lie above.
 */
async function choosePorts(frontend?: number): Promise<TemporalPorts> {
  const taken = new Set<number>(frontend ? [frontend] : []);
  const claim = async (pick: () => Promise<number>) => {
    for (;;) {
      const p = await pick();
      if (!taken.has(p) && (await portIsFree(p))) {
        taken.add(p);
        return p;
      }
    }
  };
  const next = () => claim(freePort);
  const low = () => claim(async () => 20000 + Math.floor(Math.random() * 12000));
  return {
    frontend: frontend ?? (await next()),
    frontendHttp: await next(),
    history: await next(),
    matching: await next(),
    worker: await next(),
    frontendMembership: await low(),
    historyMembership: await low(),
    matchingMembership: await low(),
    workerMembership: await low(),
  };
}

/** The variables deploy/temporal/siirto.yaml reads; docker-compose.yml sets the same ones. */
export function temporalServerEnvironment(o: Pick<TemporalServerOptions, 'postgres' | 'databases' | 'bindIp' | 'logLevel'>, ports: TemporalPorts, root?: string): Record<string, string> {
  return {
    TEMPORAL_DB_HOST: o.postgres.host,
    TEMPORAL_DB_PORT: String(o.postgres.port),
    TEMPORAL_DB_USER: o.postgres.user,
    TEMPORAL_DB_PASSWORD: o.postgres.password,
    TEMPORAL_DB: o.databases.main,
    TEMPORAL_VISIBILITY_DB: o.databases.visibility,
    TEMPORAL_BIND_IP: o.bindIp ?? '127.0.0.1',
    TEMPORAL_BROADCAST_ADDRESS: '127.0.0.1',
    TEMPORAL_LOG_LEVEL: o.logLevel ?? 'warn',
    TEMPORAL_DYNAMIC_CONFIG: dynamicConfigFile(root),
    TEMPORAL_FRONTEND_PORT: String(ports.frontend),
    TEMPORAL_FRONTEND_HTTP_PORT: String(ports.frontendHttp),
    TEMPORAL_HISTORY_PORT: String(ports.history),
    TEMPORAL_MATCHING_PORT: String(ports.matching),
    TEMPORAL_WORKER_PORT: String(ports.worker),
    TEMPORAL_FRONTEND_MEMBERSHIP_PORT: String(ports.frontendMembership),
    TEMPORAL_HISTORY_MEMBERSHIP_PORT: String(ports.historyMembership),
    TEMPORAL_MATCHING_MEMBERSHIP_PORT: String(ports.matchingMembership),
    TEMPORAL_WORKER_MEMBERSHIP_PORT: String(ports.workerMembership),
  };
}

/** The command line of the server: the configuration is deploy/temporal/siirto.yaml, rendered by the server. */
export function temporalServerArgs(root?: string): string[] {
  return ['--root', deployDir(root), '--config', 'temporal', '--env', 'siirto', '--allow-no-auth', 'start'];
}

/** The server's last error, in one line (its log lines are JSON with long stack traces). */
function tail(file: string): string {
  let lines: string[];
  try {
    lines = fs.readFileSync(file, 'utf8').trim().split('\n').slice(-50);
  } catch {
    return '';
  }
  const said = lines.map((l) => {
    try {
      const j = JSON.parse(l) as { level?: string; msg?: string; error?: string };
      return { bad: j.level === 'error' || j.level === 'fatal', text: [j.msg, j.error].filter(Boolean).join(': ') };
    } catch {
      return { bad: /error|unable|panic/i.test(l), text: l };
    }
  });
  return (said.filter((s) => s.bad).pop() ?? said.pop())?.text ?? '';
}

/** Waits until the frontend answers the health check (what `temporal operator cluster health` asks). */
async function waitServing(address: string, child: ChildProcess, logFile: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the Temporal server exited (${child.exitCode ?? child.signalCode}) before it served on ${address}: ${tail(logFile)}`);
    }
    try {
      const conn = await Connection.connect({ interceptors: connectionInterceptors(), address, connectTimeout: 1000 });
      try {
        const res = await conn.healthService.check({ service: SERVICE });
        if (res.status === 1) return;
      } finally {
        await conn.close();
      }
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`the Temporal server did not serve on ${address} within ${timeoutMs / 1000} s: ${tail(logFile)} (log: ${logFile})`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/**
 * Registers the namespace (30 days' retention) and Siirto's search attributes, unless already there, and waits
 * until the frontend accepts a query over every attribute: then workflows can start and set them.
 */
export async function ensureNamespace(address: string, namespace = 'default'): Promise<void> {
  const conn = await Connection.connect({ interceptors: connectionInterceptors(), address });
  try {
    try {
      await conn.workflowService.describeNamespace({ namespace });
    } catch {
      try {
        await conn.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('30 days') });
      } catch (err) {
        if ((err as { code?: number }).code !== 6) throw err; // ALREADY_EXISTS: another process registered it
      }
    }
    const deadline = Date.now() + 60_000;
    let registered = false;
    for (;;) {
      try {
        if (!registered) {
          await registerSearchAttributes(conn, namespace);
          registered = true;
        }
        await conn.workflowService.listWorkflowExecutions({ namespace, pageSize: 1, query: EVERY_SEARCH_ATTRIBUTE_QUERY });
        return;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`namespace "${namespace}" or its search attributes are not usable on ${address}: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  } finally {
    await conn.close();
  }
}

/**
 * Starts the Temporal server (the real one, not the dev server) on PostgreSQL, waits until it serves, and makes sure
 * the namespace and search attributes exist. The databases must be prepared first (prepareDatabases). A port taken
 * between choosing and binding makes the server exit; it is then started again on other free ports (three tries).
 */
export async function startTemporalServer(o: TemporalServerOptions): Promise<TemporalServer> {
  fs.mkdirSync(path.dirname(o.logFile), { recursive: true });
  const launch = (ports: TemporalPorts) => {
    const log = fs.openSync(o.logFile, 'a');
    const child = spawn(o.tools.server, temporalServerArgs(), {
      env: { ...process.env, ...temporalServerEnvironment(o, ports) },
      stdio: ['ignore', log, log],
      detached: true,
    });
    reapOnExit(child);
    fs.closeSync(log);
    return child;
  };
  let ports = await choosePorts(o.port);
  let child = launch(ports);
  for (let attempt = 1; ; attempt++) {
    try {
      await waitServing(`127.0.0.1:${ports.frontend}`, child, o.logFile);
      break;
    } catch (err) {
      child.kill('SIGKILL');
      if (attempt >= 3 || !/address already in use/i.test((err as Error).message)) throw err;
      ports = await choosePorts(o.port);
      child = launch(ports);
    }
  }
  const address = `127.0.0.1:${ports.frontend}`;
  await ensureNamespace(address, o.namespace);

  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const waitExit = (c: ChildProcess) => new Promise<void>((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : c.once('exit', () => resolve())));
  const kill = async () => {
    if (exited()) return;
    const done = waitExit(child);
    child.kill('SIGKILL');
    await done;
  };
  return {
    address,
    ports,
    get process() {
      return child;
    },
    kill,
    async restart() {
      await kill();
      child = launch(ports);
      await waitServing(address, child, o.logFile);
    },
    async stop() {
      if (exited()) return;
      const done = waitExit(child);
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await done;
      clearTimeout(force);
    },
  };
}
