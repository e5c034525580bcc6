import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseTenantFile, requireSecrets, unresolvedSecrets } from '../../config/load';
import { requirePairSecrets } from '../../client/commands/onboard';

const file = `
tenant: acme
name: Acme Oy
connections:
  rackbeat:
    baseUrl: https://app.rackbeat.com/api
    apiToken: { env: ACME_RACKBEAT_TOKEN }
  twentyfourseven:
    baseUrl: https://api.24sevenoffice.com
    applicationId: { env: ACME_24SO_APP }
    username: api@acme.example
    password: { env: ACME_24SO_PASSWORD }
  netvisor:
    baseUrl: https://isvapi.netvisor.fi
    customerId: ACME
    customerKey: { env: ACME_NV_CUSTOMER_KEY }
    partnerId: SIIRTO
    partnerKey: { env: ACME_NV_PARTNER_KEY }
    organisationId: 1234567-1
`;

describe('tenant secrets resolved per use', () => {
  let dir: string;
  let tenantPath: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'siirto-lazy-'));
    tenantPath = path.join(dir, 'acme.yaml');
    fs.writeFileSync(tenantPath, file);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const onlyNetvisor = { ACME_NV_CUSTOMER_KEY: 'ck', ACME_NV_PARTNER_KEY: 'pk' };

  it('strict loading still refuses a file with an unset variable', () => {
    expect(() => parseTenantFile(tenantPath, onlyNetvisor)).toThrow('connections.rackbeat.apiToken: environment variable ACME_RACKBEAT_TOKEN is not set');
  });

  it('lazy loading needs only what is read, and names the variable when an unset one is read', () => {
    const t = parseTenantFile(tenantPath, onlyNetvisor, { secrets: 'lazy' });
    expect(t.connections.netvisor!.customerKey).toBe('ck');
    expect(unresolvedSecrets(t).map((u) => u.variable).sort()).toEqual(['ACME_24SO_APP', 'ACME_24SO_PASSWORD', 'ACME_RACKBEAT_TOKEN']);
    expect(() => t.connections.rackbeat!.apiToken).toThrow(`${tenantPath}: connections.rackbeat.apiToken: environment variable ACME_RACKBEAT_TOKEN is not set`);
    expect(() => requireSecrets(t, ['connections.netvisor'], 'x')).not.toThrow();
  });

  it('a sandbox: URL of a system not read needs no running sandbox either', () => {
    fs.writeFileSync(tenantPath, file.replace('baseUrl: https://isvapi.netvisor.fi', 'baseUrl: sandbox:netvisor'));
    const t = parseTenantFile(tenantPath, { ACME_RACKBEAT_TOKEN: 'rt', ACME_24SO_APP: 'a', ACME_24SO_PASSWORD: 'p' }, { secrets: 'lazy' });
    expect(() => requirePairSecrets(t, 'rackbeat-24so')).not.toThrow();
    expect(() => t.connections.netvisor!.baseUrl).toThrow('connections.netvisor.baseUrl: sandbox:netvisor needs a running sandbox');
  });

  it('`siirto onboard` asks only for the secrets of the pair it onboards', () => {
    const t = parseTenantFile(tenantPath, { ACME_RACKBEAT_TOKEN: 'rt' }, { secrets: 'lazy' });
    let message = '';
    try {
      requirePairSecrets(t, 'rackbeat-24so');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('connections.twentyfourseven.applicationId: environment variable ACME_24SO_APP is not set (pair rackbeat-24so needs it)');
    expect(message).toContain('ACME_24SO_PASSWORD');
    expect(message).not.toContain('ACME_NV_');
    const complete = parseTenantFile(tenantPath, { ACME_RACKBEAT_TOKEN: 'rt', ACME_24SO_APP: 'a', ACME_24SO_PASSWORD: 'p' }, { secrets: 'lazy' });
    expect(() => requirePairSecrets(complete, 'rackbeat-24so')).not.toThrow();
  });
});
