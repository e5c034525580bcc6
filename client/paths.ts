import fs from 'node:fs';
import path from 'node:path';

/** The project root (where package.json says "siirto"), whether running from sources or from dist/. */
export function projectRoot(start = __dirname): string {
  let dir = start;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'siirto') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

export const dataDir = (): string => process.env.SIIRTO_DATA_DIR ?? path.join(projectRoot(), '.data');
export const configDir = (): string => process.env.SIIRTO_CONFIG_DIR ?? path.join(projectRoot(), 'config');
