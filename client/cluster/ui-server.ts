import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { reapOnExit } from './processes';
import { deployDir, type ClusterTools } from './tools';
import { stopChild } from '../child-process';

export interface UiServerOptions {
  tools: ClusterTools;
  /** Temporal frontend host:port. */
  temporalAddress: string;
  port: number;
  host?: string;
  /** Siirto's codec endpoint (…/codec): the UI decrypts payloads through it. */
  codecEndpoint?: string;
  logFile: string;
}

export interface UiServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** The variables deploy/temporal-ui/siirto.yaml reads; docker-compose.yml sets the same ones. */
export function uiServerEnvironment(o: Pick<UiServerOptions, 'temporalAddress' | 'port' | 'host' | 'codecEndpoint'>): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: o.temporalAddress,
    TEMPORAL_UI_IP: o.host ?? '127.0.0.1',
    TEMPORAL_UI_PORT: String(o.port),
    TEMPORAL_UI_ORIGIN: `http://localhost:${o.port}`,
    TEMPORAL_NAMESPACE: process.env.TEMPORAL_NAMESPACE ?? 'default',
    TEMPORAL_CODEC_ENDPOINT: o.codecEndpoint ?? '',
    TEMPORAL_CODEC_PASS_ACCESS_TOKEN: process.env.TEMPORAL_CODEC_PASS_ACCESS_TOKEN ?? 'false',
  };
}

export const uiServerArgs = (root?: string): string[] => ['--root', deployDir(root), '--config', 'temporal-ui', '--env', 'siirto', 'start'];

/** Starts the standalone Temporal UI server and waits until it answers. */
export async function startUiServer(o: UiServerOptions): Promise<UiServer> {
  fs.mkdirSync(path.dirname(o.logFile), { recursive: true });
  const log = fs.openSync(o.logFile, 'a');
  const child = spawn(o.tools.uiServer, uiServerArgs(), { env: { ...process.env, ...uiServerEnvironment(o) }, stdio: ['ignore', log, log], detached: true });
  reapOnExit(child);
  fs.closeSync(log);
  const url = `http://${o.host && o.host !== '0.0.0.0' ? o.host : '127.0.0.1'}:${o.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      const said = fs.readFileSync(o.logFile, 'utf8').trim().split('\n').pop();
      throw new Error(`the Temporal UI server exited (${child.exitCode}): ${said}`);
    }
    try {
      if ((await fetch(`${url}/api/v1/settings`)).ok) break;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the Temporal UI server did not answer on ${url} within 60 s (log: ${o.logFile})`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url: `http://localhost:${o.port}`,
    process: child,
    stop: () => stopChild(child, 5000),
  };
}
