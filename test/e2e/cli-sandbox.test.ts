import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

const CLI = path.resolve(__dirname, '../../dist/client/cli.js');

/** `siirto sandbox ...` prints one JSON line per sandbox once it accepts requests, and stops on SIGTERM. */
describe('siirto sandbox', () => {
  it('prints {"system","url"} lines for every named system, serves them, and exits on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, 'sandbox', 'netvisor', 'woocommerce', '--seed', '7'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: Array<{ system: string; url: string }> = [];
    const rl = readline.createInterface({ input: child.stdout! });
    await new Promise<void>((resolve, reject) => {
      rl.on('line', (line) => {
        lines.push(JSON.parse(line));
        if (lines.length === 2) resolve();
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    expect(lines.map((l) => l.system)).toEqual(['netvisor', 'woocommerce']);
    for (const l of lines) {
      expect(l.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const state = await fetch(`${l.url}/__sandbox/state`);
      expect(state.status).toBe(200);
    }
    // The real API answers at the same root: unauthenticated calls are refused as the real systems refuse them.
    expect((await fetch(`${lines[1].url}/wp-json/wc/v3/orders`)).status).toBe(401);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses an unknown system with the list of known ones', async () => {
    const child = spawn(process.execPath, [CLI, 'sandbox', 'sap'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += String(d)));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('unknown sandbox "sap"; choose from netvisor, procountor, rackbeat, 24so, severa, woocommerce, shopify');
  });
});
