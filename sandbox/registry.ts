import { SANDBOX_SYSTEMS, startSandbox, type SandboxDefinition, type SandboxSystem, type StartedSandbox } from './kit/server';

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

/** Starts the named sandboxes; with a port, the first takes it and the next ones the ports after it. */
export async function startSandboxes(
  systems: readonly SandboxSystem[],
  options: { port?: number; seed?: number } = {},
): Promise<StartedSandbox[]> {
  const started: StartedSandbox[] = [];
  try {
    for (const [i, system] of systems.entries()) {
      const port = options.port ? options.port + i : 0;
      started.push(await startSandbox(loadDefinition(system), { port, seed: options.seed }));
    }
  } catch (err) {
    await Promise.allSettled(started.map((s) => s.close()));
    throw err;
  }
  return started;
}
