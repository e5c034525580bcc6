import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { SANDBOX_SYSTEMS, startSandbox, type SandboxDefinition, type SandboxSystem, type StartedSandbox } from './kit/server';
import type { StoreDump } from './kit/store';

/**
 * Each system's emulator lives in sandbox/<folder>/index.ts and exports `createDefinition()`.
 * Loaded on demand so that starting one sandbox does not load the others.
 */
const FOLDERS: Record<SandboxSystem, string> = {
  netvisor: 'netvisor',
  procountor: 'procountor',
  rackbeat: 'rackbeat',
  '24so': 'twentyfourseven',
  severa: 'severa',
  woocommerce: 'woocommerce',
  shopify: 'shopify',
};

export const isSandboxSystem = (name: string): name is SandboxSystem => (SANDBOX_SYSTEMS as readonly string[]).includes(name);

export function loadDefinition(system: SandboxSystem): SandboxDefinition {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(`./${FOLDERS[system]}`) as { createDefinition(): SandboxDefinition };
  return mod.createDefinition();
}

const StateFile = z.object({
  system: z.string(),
  savedAt: z.string(),
  store: z.object({ collections: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))), counters: z.record(z.string(), z.number()) }),
});

/** Where a sandbox's state is kept between runs: <stateDir>/<system>.json. */
export const sandboxStateFile = (stateDir: string, system: SandboxSystem): string => path.join(stateDir, `${system}.json`);

/** How often a kept sandbox writes its state when it changed (and always on close). */
const SAVE_EVERY_MS = 1000;

/**
 * Keeps a sandbox's records and id sequences in a file: restored now when the file exists (replacing the seed),
 * written when they change and when the sandbox closes. So a stack restarted on the same data dir (whose Temporal
 * history remembers every order id it exported) does not hand out those ids again.
 */
function keepState(sandbox: StartedSandbox, file: string): void {
  const store = sandbox.ctx.store;
  if (fs.existsSync(file)) {
    let parsed: z.infer<typeof StateFile>;
    try {
      parsed = StateFile.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
    } catch (err) {
      throw new Error(`${file}: not a saved ${sandbox.system} sandbox state (${(err as Error).message.split('\n')[0]}); move it away to start the sandbox from its seed`);
    }
    store.restore(parsed.store as StoreDump);
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let last = '';
  const save = () => {
    const body = JSON.stringify(store.dump());
    if (body === last) return;
    last = body;
    // Written whole to a temporary file, then renamed: a stop half-way through a write leaves the old state.
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `{"system":${JSON.stringify(sandbox.system)},"savedAt":${JSON.stringify(new Date().toISOString())},"store":${body}}\n`);
    fs.renameSync(tmp, file);
  };
  save();
  const timer = setInterval(save, SAVE_EVERY_MS);
  timer.unref();
  const close = sandbox.close;
  sandbox.close = async () => {
    clearInterval(timer);
    await close();
    save();
  };
}

/**
 * Starts the named sandboxes; with a port, the first takes it and the next ones the ports after it. With `stateDir`,
 * each keeps its state in <stateDir>/<system>.json (one sandbox per system then).
 */
export async function startSandboxes(
  systems: readonly SandboxSystem[],
  options: { port?: number; seed?: number; stateDir?: string } = {},
): Promise<StartedSandbox[]> {
  const started: StartedSandbox[] = [];
  try {
    for (const [i, system] of systems.entries()) {
      const port = options.port ? options.port + i : 0;
      const sandbox = await startSandbox(loadDefinition(system), { port, seed: options.seed });
      started.push(sandbox);
      if (options.stateDir) keepState(sandbox, sandboxStateFile(options.stateDir, system));
    }
  } catch (err) {
    await Promise.allSettled(started.map((s) => s.close()));
    throw err;
  }
  return started;
}
