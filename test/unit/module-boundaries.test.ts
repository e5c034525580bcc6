import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** Files under `dir` (TypeScript sources) that import from one of `forbidden` (folders at the repository root). */
function importsFrom(dir: string, forbidden: string[], root = ROOT): string[] {
  const found: string[] = [];
  for (const file of fs.readdirSync(path.join(root, dir), { recursive: true }) as string[]) {
    if (!file.endsWith('.ts')) continue;
    const full = path.join(root, dir, file);
    for (const m of fs.readFileSync(full, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
      const target = path.relative(root, path.resolve(path.dirname(full), m[1])).split(path.sep)[0];
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

  it('domain/ is pure and system-neutral: it imports nothing from connectors/ (nor from the layers above it)', () => {
    // Wire-to-canonical mappings live with their connector (connectors/<system>/mapping.ts); see docs/design.md.
    expect(importsFrom('domain', ['connectors', 'sandbox', 'activities', 'workflows', 'client', 'worker', 'orchestration', 'config'])).toEqual([]);
  });

  it('the boundary check sees type-only and re-export imports too (it would have caught the old mappings)', () => {
    // A scratch tree outside the repository, shaped like it.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'siirto-boundary-'));
    try {
      fs.mkdirSync(path.join(root, 'domain', 'mapping'), { recursive: true });
      fs.writeFileSync(path.join(root, 'domain', 'mapping', 'a.ts'), "import type { WooOrder } from '../../connectors/woocommerce/schemas';\n");
      fs.writeFileSync(path.join(root, 'domain', 'b.ts'), "export { ShopifyClient } from '../connectors/shopify';\nimport { cents } from './money';\n");
      expect(importsFrom('domain', ['connectors'], root).sort()).toEqual([
        "domain/b.ts → ../connectors/shopify",
        "domain/mapping/a.ts → ../../connectors/woocommerce/schemas",
      ]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('client/ takes the task queue and workflow starts from orchestration/, not from worker/worker', () => {
    expect(importsFrom('client', ['worker']).filter((l) => l.includes('worker/worker') && !l.startsWith('client/commands/worker.ts') && !l.startsWith('client/commands/stack.ts'))).toEqual([]);
  });
});
