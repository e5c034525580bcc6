import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { Command } from 'commander';
import { buildProgram } from '../../client/cli';
import { temporalServerEnvironment, type TemporalPorts } from '../../client/cluster/temporal-server';
import { uiServerEnvironment } from '../../client/cluster/ui-server';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

/**
 * No container engine runs here, so docker-compose.yml, the Dockerfile and the configuration templates are checked
 * against the code they must agree with: the same parts as `siirto cluster`, commands and flags the CLI really has,
 * search attributes from their one definition, the variables the templates read, the payload key on every worker.
 */
const ROOT = path.resolve(__dirname, '../..');
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), 'utf8');
const composeText = read('docker-compose.yml');
const compose = YAML.parse(composeText, { merge: true }) as {
  services: Record<string, { build?: string; image?: string; command?: string[]; environment?: Record<string, string>; volumes?: string[]; ports?: string[]; deploy?: { replicas?: number } }>;
};
const services = compose.services;
const siirtoServices = ['temporal', 'temporal-ui', 'siirto-worker', 'siirto-server'];

const program = buildProgram();
function commandOf(args: string[]): Command {
  const cmd = program.commands.find((c) => c.name() === args[0]);
  if (!cmd) throw new Error(`siirto has no "${args[0]}" command`);
  return cmd;
}
function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
const templateVariables = (file: string) => new Set([...read(file).matchAll(/env "([A-Z0-9_]+)"/g)].map((m) => m[1]));

describe('docker-compose.yml', () => {
  it('has the parts siirto cluster starts, and the database', () => {
    expect(Object.keys(services).sort()).toEqual(['postgresql', ...siirtoServices].sort());
    expect(services.temporal.command!.slice(0, 3)).toEqual(['cluster', '--only', 'temporal']);
    expect(services['temporal-ui'].command!.slice(0, 3)).toEqual(['cluster', '--only', 'ui']);
    expect(services['siirto-worker'].command![0]).toBe('worker');
    expect(services['siirto-server'].command![0]).toBe('server');
    expect(services['siirto-worker'].deploy?.replicas).toBeGreaterThanOrEqual(2);
  });

  it('runs every Siirto part from the one image, with commands and flags the CLI has', () => {
    for (const name of siirtoServices) {
      const s = services[name];
      expect({ name, build: s.build, image: s.image }).toEqual({ name, build: '.', image: 'siirto:local' });
      const args = s.command!;
      const known = new Set(commandOf(args).options.flatMap((o) => [o.long, o.short].filter(Boolean)));
      for (const a of args.filter((x) => x.startsWith('--'))) expect({ name, flag: a, known: known.has(a) }).toEqual({ name, flag: a, known: true });
    }
  });

  it('registers the search attributes through the code, so none is listed here to drift', () => {
    // `siirto cluster --only temporal` registers workflows/search-attributes.ts; the file must not carry its own list.
    for (const k of SEARCH_ATTRIBUTES) expect(composeText).not.toContain(k.name);
    expect(composeText).not.toMatch(/operator search-attribute|--search-attribute/);
  });

  it('has the worker replicas share the API limits in PostgreSQL', () => {
    const worker = services['siirto-worker'];
    expect(flag(worker.command!, '--limits')).toBe('postgres');
    expect(worker.environment!.SIIRTO_POSTGRES_URL).toMatch(/^postgres:\/\/.+@postgresql:5432\/siirto_limits$/);
  });

  it('gives every worker and the server the same required payload key, and no dev-stack switch', () => {
    const required = /^\$\{SIIRTO_PAYLOAD_KEY:\?.+\}$/;
    const worker = services['siirto-worker'].environment!;
    const server = services['siirto-server'].environment!;
    expect(worker.SIIRTO_PAYLOAD_KEY).toMatch(required);
    expect(server.SIIRTO_PAYLOAD_KEY).toBe(worker.SIIRTO_PAYLOAD_KEY);
    for (const name of siirtoServices) expect(services[name].environment?.SIIRTO_DEV_STACK).toBeUndefined();
    // The codec listens beyond loopback in a container: it must authenticate its callers.
    expect(flag(services['siirto-server'].command!, '--codec-host')).toBe('0.0.0.0');
    expect(server.SIIRTO_CODEC_TOKEN).toMatch(/^\$\{SIIRTO_CODEC_TOKEN:\?.+\}$/);
  });

  it('reads tenants from a mounted folder, and wires the ports together', () => {
    for (const name of ['siirto-worker', 'siirto-server']) {
      expect(services[name].environment!.SIIRTO_CONFIG_DIR).toBe('/tenants');
      expect(services[name].volumes).toContain('./tenants:/tenants:ro');
      expect(services[name].environment!.TEMPORAL_ADDRESS).toBe(`temporal:${flag(services.temporal.command!, '--temporal-port')}`);
    }
    const server = services['siirto-server'].command!;
    const ui = services['temporal-ui'].command!;
    expect(services['siirto-server'].ports).toEqual([`${flag(server, '--port')}:${flag(server, '--port')}`, `127.0.0.1:${flag(server, '--codec-port')}:${flag(server, '--codec-port')}`]);
    expect(flag(ui, '--codec-endpoint')).toBe(`http://localhost:${flag(server, '--codec-port')}/codec`);
    expect(flag(server, '--ui-origin')).toBe(`http://localhost:${flag(ui, '--ui-port')}`);
    expect(services['temporal-ui'].ports).toEqual([`${flag(ui, '--ui-port')}:${flag(ui, '--ui-port')}`]);
    expect(services.temporal.environment!.SIIRTO_POSTGRES_URL).toMatch(/^postgres:\/\/temporal:\$\{TEMPORAL_DB_PASSWORD\}@postgresql:5432\//);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  it('puts no tenant in the image', () => {
    expect(dockerfile).not.toMatch(/COPY\s+config\b/);
    expect(read('.dockerignore').split('\n')).toEqual(expect.arrayContaining(['config/*.yaml', 'config/*.yml', '.env']));
    expect(dockerfile).toMatch(/SIIRTO_CONFIG_DIR=\/tenants/);
  });
  it('installs the Temporal server, sql tool and UI with the installer npm test uses, and ships the templates', () => {
    expect(dockerfile).toMatch(/RUN node scripts\/temporal-server\.js/);
    expect(dockerfile).toMatch(/COPY deploy \.\/deploy/);
    expect(dockerfile).toMatch(/ENTRYPOINT \["node", "dist\/client\/cli\.js"\]/);
  });
});

describe('the configuration templates', () => {
  const ports: TemporalPorts = { frontend: 1, frontendHttp: 2, history: 3, matching: 4, worker: 5, frontendMembership: 6, historyMembership: 7, matchingMembership: 8, workerMembership: 9 };
  it('deploy/temporal/siirto.yaml reads exactly the variables siirto cluster sets', () => {
    const set = temporalServerEnvironment({ postgres: { host: 'h', port: 5432, user: 'u', password: 'p' }, databases: { main: 'a', visibility: 'b' } }, ports);
    expect([...templateVariables('deploy/temporal/siirto.yaml')].sort()).toEqual(Object.keys(set).sort());
  });
  it('deploy/temporal-ui/siirto.yaml reads exactly the variables siirto cluster sets', () => {
    const set = uiServerEnvironment({ temporalAddress: 'x:1', port: 2 });
    expect([...templateVariables('deploy/temporal-ui/siirto.yaml')].sort()).toEqual(Object.keys(set).sort());
  });
});
