import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** Files under `dir` (TypeScript sources) that import from one of `forbidden` (folders at the repository root). */
function importsFrom(dir: string, forbidden: string[]): string[] {
  const found: string[] = [];
  for (const file of fs.readdirSync(path.join(ROOT, dir), { recursive: true }) as string[]) {
    if (!file.endsWith('.ts')) continue;
    const full = path.join(ROOT, dir, file);
    for (const m of fs.readFileSync(full, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
      const target = path.relative(ROOT, path.resolve(path.dirname(full), m[1])).split(path.sep)[0];
      if (forbidden.includes(target)) found.push(`${path.join(dir, file)} → ${m[1]}`);
    }
  }
  return found;
}

describe('module boundaries', () => {
  it('the HTTP server does not load the native worker package (dist, as `siirto server` runs it)', () => {
    const probe = `require('./dist/client/http.js'); require('./dist/client/commands/server.js');
      process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((k) => k.includes('@temporalio/worker') || k.includes('@temporalio/core-bridge'))));`;
    const r = spawnSync(process.execPath, ['-e', probe], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([]);
  });

  it('client/ takes the task queue and workflow starts from orchestration/, not from worker/worker', () => {
    expect(importsFrom('client', ['worker']).filter((l) => l.includes('worker/worker') && !l.startsWith('client/commands/worker.ts') && !l.startsWith('client/commands/stack.ts'))).toEqual([]);
  });
});
