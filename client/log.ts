import pino from 'pino';

/**
 * Siirto's log, to stderr: stdout belongs to the commands' output (tables, and the JSON lines scripts parse).
 * Never give it a request body, a credential or a tenant config: those hold secrets and personal data. The redact
 * list is a second line of defence for fields that slip through.
 */
export const log = pino(
  {
    level: process.env.SIIRTO_LOG_LEVEL ?? 'info',
    base: undefined,
    redact: {
      paths: ['*.authorization', '*.Authorization', '*.password', '*.secret', '*.customerKey', '*.partnerKey', '*.consumerSecret', '*.webhookSecret', '*.apiKey', '*.accessToken', '*.appSecret'],
      censor: '[secret]',
    },
  },
  pino.destination(2),
);
