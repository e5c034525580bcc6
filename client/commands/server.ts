import type { Command } from 'commander';
import { loadTenants } from '../../config/load';
import { codecFromEnvironment } from '../../worker/payload-codec';
import { codecAuthFromEnvironment } from '../codec-auth';
import { buildCodecServer, listenCodec } from '../codec-routes';
import { consoleAuthFromEnvironment, listenConsole, signInConfigured } from '../console';
import { buildHttpServer, listen } from '../http';
import { log } from '../log';
import { configDir, dataDir } from '../paths';
import { onShutdown } from '../shutdown';
import { connectClient } from '../../orchestration/temporal';
import { parseInteger } from './sandbox';
import { PostgresLimits } from '../../connectors/kit/cluster-limits';

/**
 * `siirto server`: the HTTP server alone. Two listeners: the public webhook door (--host/--port), and the payload
 * codec endpoint for the Temporal UI and CLI (--codec-host/--codec-port), which stays on loopback unless
 * authentication is configured (SIIRTO_CODEC_TOKEN, or SIIRTO_CODEC_JWT_ISSUER + SIIRTO_CODEC_JWKS_URL).
 * A third, the operator's console (--admin-host/--admin-port, client/console), stays on loopback unless sign-in is
 * configured (SIIRTO_CONSOLE_USERS or SIIRTO_CONSOLE_TOKENS).
 */
export function registerServerCommand(program: Command): void {
  program
    .command('server')
    .description('run the HTTP server: webhooks at /webhooks/<system>/<tenant>; the payload codec at /codec on its own listener')
    .option('--address <host:port>', 'Temporal frontend', process.env.TEMPORAL_ADDRESS ?? 'localhost:7233')
    .option('--namespace <ns>', 'Temporal namespace', process.env.TEMPORAL_NAMESPACE ?? 'default')
    .option('--host <ip>', 'address the webhooks listen on', '127.0.0.1')
    .option('--port <n>', 'port the webhooks listen on', parseInteger, 8080)
    .option('--codec-host <ip>', 'address the codec endpoint listens on (beyond loopback only with authentication configured)', '127.0.0.1')
    .option('--codec-port <n>', 'port the codec endpoint listens on', parseInteger, 8081)
    .option('--ui-origin <url...>', 'origins allowed to call the codec endpoint', ['http://localhost:8233'])
    .option('--admin-host <ip>', 'address the operator console listens on (beyond loopback only with sign-in configured: SIIRTO_CONSOLE_USERS)', '127.0.0.1')
    .option('--admin-port <n>', 'port the operator console listens on', parseInteger, 8082)
    .option('--temporal-ui <url>', 'the Temporal UI the console links to', process.env.TEMPORAL_UI_URL ?? 'http://localhost:8233')
    .option('--config <dir>', 'directory of tenant YAML files', configDir())
    .option('--json', 'print a ready line per listener on stdout, as `siirto stack --json` does')
    .action(async (opts: { address: string; namespace: string; host: string; port: number; codecHost: string; codecPort: number; uiOrigin: string[]; adminHost: string; adminPort: number; temporalUi: string; config: string; json?: boolean }, command: Command) => {
      const tenants = loadTenants(opts.config);
      const codec = codecFromEnvironment(dataDir());
      const auth = codecAuthFromEnvironment();
      const consoleAuth = consoleAuthFromEnvironment();
      // Lazy: the webhook door comes up and answers (503 with Retry-After) even while Temporal is down.
      const temporal = await connectClient(opts.address, codec, opts.namespace, { lazy: true });
      const codecApp = buildCodecServer({ codec, allowedOrigins: opts.uiOrigin, auth });
      const codecUrl = await listenCodec(codecApp, { host: opts.codecHost, port: opts.codecPort, auth });
      const app = buildHttpServer({ tenants, temporal });
      const url = await listen(app, opts.port, opts.host);
      // With SIIRTO_POSTGRES_URL (the workers' cluster-wide limits) the console shows every worker's request counts.
      const callCounts = process.env.SIIRTO_POSTGRES_URL ? new PostgresLimits(process.env.SIIRTO_POSTGRES_URL) : undefined;
      const consoleOptions = { tenants, temporal, host: opts.adminHost, temporalUiUrl: opts.temporalUi, auth: consoleAuth, callCounts };
      const consoleServer = await listenConsole({ ...consoleOptions, port: opts.adminPort }).catch(async (err: NodeJS.ErrnoException) => {
        // The default port taken (another siirto server on this machine): a free one, named in the ready line. A port
        // given with --admin-port is kept to, and its conflict stops the server.
        if (err.code !== 'EADDRINUSE' || command.getOptionValueSource('adminPort') !== 'default') throw err;
        const fallback = await listenConsole({ ...consoleOptions, port: 0 });
        log.warn({ wanted: opts.adminPort, url: fallback.url }, 'console: the default admin port is in use; listening on a free port instead');
        return fallback;
      });
      onShutdown(async () => {
        await app.close();
        await codecApp.close();
        await consoleServer.close();
        await callCounts?.close();
        await temporal.connection.close();
      });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ service: 'server', url, pid: process.pid })}\n`);
        process.stdout.write(`${JSON.stringify({ service: 'codec', url: codecUrl })}\n`);
        process.stdout.write(`${JSON.stringify({ service: 'console', url: consoleServer.url })}\n`);
      }
      log.info({ url, codecUrl, consoleUrl: consoleServer.url, codecAuthentication: Boolean(auth.token || auth.jwt), consoleSignIn: signInConfigured(consoleAuth), tenants: [...tenants.keys()] }, 'HTTP server listening');
    });
}
