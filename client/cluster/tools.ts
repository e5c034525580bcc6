import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../paths';

/** What scripts/temporal-server.js installed: the Temporal server, temporal-sql-tool, its schema, the UI server. */
export const ClusterTools = z.object({
  version: z.string(),
  uiVersion: z.string(),
  server: z.string(),
  sqlTool: z.string(),
  schemaDir: z.string(),
  uiServer: z.string(),
});
export type ClusterTools = z.infer<typeof ClusterTools>;

const marker = (root: string) => path.join(root, '.data', 'temporal-server.json');

function read(root: string): ClusterTools | undefined {
  if (!fs.existsSync(marker(root))) return undefined;
  const parsed = ClusterTools.safeParse(JSON.parse(fs.readFileSync(marker(root), 'utf8')));
  if (!parsed.success) return undefined;
  const tools = parsed.data;
  return [tools.server, tools.sqlTool, tools.uiServer, tools.schemaDir].every((f) => fs.existsSync(f)) ? tools : undefined;
}

/**
 * The installed tools. When they are missing, scripts/temporal-server.js installs them first (cached per machine in
 * ~/.cache/siirto; the first build takes a few minutes), with its progress on stderr.
 */
export function clusterTools(root = projectRoot()): ClusterTools {
  const found = read(root);
  if (found) return found;
  const script = path.join(root, 'scripts', 'temporal-server.js');
  if (!fs.existsSync(script)) {
    throw new Error(`the Temporal server is not installed (no ${marker(root)}), and ${script} is not there to install it`);
  }
  const r = spawnSync(process.execPath, [script], { stdio: ['ignore', 'ignore', 'inherit'] });
  const installed = r.status === 0 ? read(root) : undefined;
  if (!installed) throw new Error(`installing the Temporal server failed (node ${script}); see the lines above`);
  return installed;
}

/** The deploy/ folder with the Temporal server's and UI's configuration templates. */
export const deployDir = (root = projectRoot()): string => path.join(root, 'deploy');
/** The Temporal server's dynamic configuration: the cluster's server reads it, the dev server gets it as flags. */
export const dynamicConfigFile = (root = projectRoot()): string => path.join(deployDir(root), 'temporal', 'dynamicconfig.yaml');
