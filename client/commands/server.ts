import type { Command } from 'commander';
import { loadTenants } from '../../config/load';
import { codecFromEnvironment } from '../../worker/payload-codec';
import { buildHttpServer, listen } from '../http';
import { log } from '../log';
import { configDir, dataDir } from '../paths';
import { onShutdown } from '../shutdown';
import { connectClient } from '../temporal';
import { parseInteger } from './sandbox';

/** `siirto server`: the HTTP server alone (webhooks and the codec endpoint). */
export function registerServerCommand(program: Command): void {
  program
    .command('server')
    .description('run the HTTP server: webhooks at /webhooks/<system>/<tenant>, the payload codec at /codec')
    .option('--address <host:port>', 'Temporal frontend', process.env.TEMPORAL_ADDRESS ?? 'localhost:7233')
    .option('--namespace <ns>', 'Temporal namespace', process.env.TEMPORAL_NAMESPACE ?? 'default')
    .option('--host <ip>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on', parseInteger, 8080)
    .option('--ui-origin <url...>', 'origins allowed to call the codec endpoint', ['http://localhost:8233'])
    .option('--config <dir>', 'directory of tenant YAML files', configDir())
    .action(async (opts: { address: string; namespace: string; host: string; port: number; uiOrigin: string[]; config: string }) => {
      const tenants = loadTenants(opts.config);
      const codec = codecFromEnvironment(dataDir());
      const temporal = await connectClient(opts.address, codec, opts.namespace);
      const app = buildHttpServer({ tenants, temporal, codec, uiOrigins: opts.uiOrigin });
      const url = await listen(app, opts.port, opts.host);
      onShutdown(async () => {
        await app.close();
        await temporal.connection.close();
      });
      log.info({ url, tenants: [...tenants.keys()] }, 'HTTP server listening');
    });
}
