import pino from 'pino';
import type PinoPretty from 'pino-pretty';

/**
 * Siirto's log, to stderr: stdout belongs to the commands' output (tables, and the JSON lines scripts parse).
 * Never give it a request body, a credential or a tenant config: those hold secrets and personal data. The redact
 * list is a second line of defence for fields that slip through.
 *
 * In a terminal the lines are pretty-printed (pino-pretty: time, level, message, the fields on one line) so they read
 * between the command's own lines; piped or in a container they stay JSON lines for the log collector.
 * SIIRTO_LOG_FORMAT=json|pretty chooses explicitly.
 */
const options: pino.LoggerOptions = {
  level: process.env.SIIRTO_LOG_LEVEL ?? 'info',
  base: undefined,
  redact: {
    paths: ['*.authorization', '*.Authorization', '*.password', '*.secret', '*.customerKey', '*.partnerKey', '*.consumerSecret', '*.webhookSecret', '*.apiKey', '*.accessToken', '*.appSecret'],
    censor: '[secret]',
  },
};

export function logFormat(env: NodeJS.ProcessEnv = process.env, stderrIsTTY = Boolean(process.stderr.isTTY)): 'json' | 'pretty' {
  const f = env.SIIRTO_LOG_FORMAT?.trim().toLowerCase();
  if (f === 'json' || f === 'pretty') return f;
  return stderrIsTTY ? 'pretty' : 'json';
}

function destination(): pino.DestinationStream {
  if (logFormat() === 'json') return pino.destination(2);
  // Loaded only for a terminal: scripts and containers (JSON lines) do not pay for it at start.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pretty = require('pino-pretty') as typeof PinoPretty;
  return pretty({
    destination: 2,
    sync: true,
    colorize: !process.env.NO_COLOR,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname',
    singleLine: true,
  });
}

export const log = pino(options, destination());

/** A log line of the Temporal SDK (worker/worker.ts installRuntime), written through Siirto's logger. */
export function writeSdkLogLine(entry: { level: string; message: string; meta?: Record<string, unknown> }): void {
  const level = ({ TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const)[entry.level as 'TRACE'] ?? 'info';
  log[level]({ source: 'temporal-sdk', ...entry.meta }, entry.message);
}
