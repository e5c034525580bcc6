import type { Command } from 'commander';
import { isSandboxSystem, startSandboxes } from '../../sandbox/registry';
import { SANDBOX_SYSTEMS, type SandboxSystem } from '../../sandbox/kit/server';
import { onShutdown } from '../shutdown';

export function registerSandboxCommand(program: Command): void {
  program
    .command('sandbox')
    .description(`run local emulators of the real APIs (${SANDBOX_SYSTEMS.join(', ')})`)
    .argument('<system...>', 'systems to emulate')
    .option('--port <n>', 'port of the first sandbox; the next ones take the ports after it (default: free ports)', parseInteger)
    .option('--seed <n>', 'seed of the generated companies, products and orders', parseInteger, 1)
    .action(async (systems: string[], opts: { port?: number; seed: number }) => {
      const unknown = systems.filter((s) => !isSandboxSystem(s));
      if (unknown.length) {
        throw new Error(`unknown sandbox ${unknown.map((u) => `"${u}"`).join(', ')}; choose from ${SANDBOX_SYSTEMS.join(', ')}`);
      }
      const started = await startSandboxes(systems as SandboxSystem[], { port: opts.port, seed: opts.seed });
      // One line per sandbox once it accepts requests: the contract scripts and tests read.
      for (const s of started) process.stdout.write(`${JSON.stringify({ system: s.system, url: s.url })}\n`);
      onShutdown(async () => {
        await Promise.allSettled(started.map((s) => s.close()));
      });
    });
}

export function parseInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`"${value}" is not a whole number`);
  return n;
}
