import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import YAML from 'yaml';
import { dynamicConfigFile } from './cluster/tools';
// The flags register attributes when the namespace is created; a database file from an older version may lack
// newer ones, so they are added again on every start (already-present ones are left alone).
import { registerSearchAttributes, SEARCH_ATTRIBUTE_FLAGS } from '../worker/search-attributes';
import { stopChild } from './child-process';
import { connectionInterceptors } from '../orchestration/grpc-interceptors';

/** A free TCP port on 127.0.0.1 (this machine's own services hold 5432, 3306, 6379, ...). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

/** The CLI path that `scripts/bootstrap.js` found or built. */
export function temporalCliPath(root = path.resolve(__dirname, '../..')): string {
  if (process.env.TEMPORAL_CLI) return process.env.TEMPORAL_CLI;
  for (const dir of [root, path.resolve(__dirname, '..')]) {
    const marker = path.join(dir, '.data', 'temporal-cli');
    if (fs.existsSync(marker)) return fs.readFileSync(marker, 'utf8').trim();
  }
  throw new Error('the Temporal CLI is not installed yet: run "npm start" or "node scripts/bootstrap.js" once');
}

/**
 * The dynamic configuration the production server reads (deploy/temporal/dynamicconfig.yaml), as the dev server's
 * `--dynamic-config-value KEY=JSON` flags: one definition, so tests, `siirto stack` and the benches run with what
 * production runs. Only unconstrained values apply (the dev server's flags cannot scope one to a namespace).
 */
export function dynamicConfigFlags(file = dynamicConfigFile()): string[] {
  const parsed = (YAML.parse(fs.readFileSync(file, 'utf8')) ?? {}) as Record<string, Array<{ value: unknown; constraints?: Record<string, unknown> }>>;
  return Object.entries(parsed).flatMap(([key, entries]) => {
    const unconstrained = entries.find((e) => !e.constraints || Object.keys(e.constraints).length === 0);
    return unconstrained ? ['--dynamic-config-value', `${key}=${JSON.stringify(unconstrained.value)}`] : [];
  });
}

export interface DevServerOptions {
  port?: number;
  /** UI port; no UI when absent. */
  uiPort?: number;
  dbFile?: string;
  codecEndpoint?: string;
  /** Dynamic configuration values beside (and over) deploy/temporal/dynamicconfig.yaml's, e.g. for a bench scaled in time. */
  dynamicConfig?: Record<string, unknown>;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts `temporal server start-dev` with Siirto's search attributes and waits until its frontend answers
 * (the SDK's own launcher gives up after 5 s, too little on two cores).
 */
export async function startDevServer(cliPath: string, options: DevServerOptions = {}): Promise<DevServer> {
  const port = options.port ?? (await freePort());
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'error', ...SEARCH_ATTRIBUTE_FLAGS, ...dynamicConfigFlags()];
  for (const [key, value] of Object.entries(options.dynamicConfig ?? {})) args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  if (options.dbFile) {
    fs.mkdirSync(path.dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  if (options.codecEndpoint) args.push('--ui-codec-endpoint', options.codecEndpoint);
  const child = spawn(cliPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr = (stderr + String(d)).slice(-4000)));
  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the Temporal dev server exited (code ${child.exitCode}): ${stderr.trim()}`);
    try {
      const conn = await Connection.connect({ interceptors: connectionInterceptors(), address, connectTimeout: 1000 });
      await conn.workflowService.getSystemInfo({});
      await registerSearchAttributes(conn);
      await conn.close();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the Temporal dev server did not answer on ${address} within 90 s: ${stderr.trim()}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    address,
    uiUrl: options.uiPort ? `http://localhost:${options.uiPort}` : undefined,
    process: child,
    stop: () => stopChild(child, 8000),
  };
}
