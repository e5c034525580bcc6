import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_SECRETS } from '../../client/demo';
import { loadTenants, parseTenantFile, sandboxUrlVariable } from '../../config/load';
import { SANDBOX_SYSTEMS } from '../../sandbox/kit/server';

const write = (dir: string, name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};

const valid = `
tenant: acme
name: Acme Oy
connections:
  netvisor:
    baseUrl: https://isvapi.netvisor.fi
    customerId: ACME
    customerKey: { env: ACME_NV_CUSTOMER_KEY }
    partnerId: SIIRTO
    partnerKey: { env: ACME_NV_PARTNER_KEY }
    organisationId: 1234567-1
shops:
  - id: woo
    system: woocommerce
    exportTo: netvisor
    baseUrl: sandbox:woocommerce
    consumerKey: { env: ACME_WOO_KEY }
    consumerSecret: { env: ACME_WOO_SECRET }
    webhookSecret: { env: ACME_WOO_HOOK }
orderExport:
  numbering: { offset: 500000, max: 599999 }
`;

const env = {
  ACME_NV_CUSTOMER_KEY: 'ck',
  ACME_NV_PARTNER_KEY: 'pk',
  ACME_WOO_KEY: 'k',
  ACME_WOO_SECRET: 's',
  ACME_WOO_HOOK: 'h',
  SIIRTO_SANDBOX_WOOCOMMERCE_URL: 'http://127.0.0.1:1234',
};

describe('tenant configuration', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'siirto-config-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loads a valid file, resolves secrets from the environment and sandbox URLs, and fills defaults', () => {
    const t = parseTenantFile(write(dir, 'acme.yaml', valid), env);
    expect(t.connections.netvisor).toMatchObject({ customerKey: 'ck', partnerKey: 'pk', language: 'FI' });
    expect(t.shops[0]).toMatchObject({ baseUrl: 'http://127.0.0.1:1234', webhookSecret: 'h' });
    expect(t.orderExport?.document).toEqual({ type: 'invoice', status: 'unsent', registerPayment: false });
    expect(t.orderExport?.customers.matchBy).toEqual(['customerNumber', 'businessId', 'name']);
  });

  it('names the file, the field and the problem for a secret written in plain text', () => {
    const file = write(dir, 'acme.yaml', valid.replace('{ env: ACME_NV_PARTNER_KEY }', 'my-secret-key'));
    expect(() => parseTenantFile(file, env)).toThrow(`${file}: connections.netvisor.partnerKey: secrets are not written in the file`);
  });

  it('names a missing environment variable', () => {
    const file = write(dir, 'acme.yaml', valid);
    expect(() => parseTenantFile(file, { ...env, ACME_WOO_HOOK: undefined })).toThrow(`${file}: shops.0.webhookSecret: environment variable ACME_WOO_HOOK is not set`);
  });

  it('refuses a document status that does not fit the document type', () => {
    const file = write(dir, 'acme.yaml', valid.replace('orderExport:', 'orderExport:\n  document: { type: order, status: unsent }'));
    expect(() => parseTenantFile(file, env)).toThrow(/orderExport\.document\.status: status "unsent" is not valid for a order: use undelivered or delivered/);
  });

  it('refuses a shop that exports to a system without a connection', () => {
    const file = write(dir, 'acme.yaml', valid.replace('    exportTo: netvisor', '    exportTo: procountor'));
    expect(() => parseTenantFile(file, env)).toThrow(/shops\.0\.exportTo: shop "woo" exports to procountor, but connections\.procountor is missing/);
  });

  it('refuses unknown fields, so a typo is not silently ignored', () => {
    const file = write(dir, 'acme.yaml', valid.replace('name: Acme Oy', 'name: Acme Oy\nnmae: typo'));
    expect(() => parseTenantFile(file, env)).toThrow(/acme\.yaml: \(top level\): Unrecognized key: "nmae"/);
  });

  it('refuses a tenant id that does not match the file name, and bad YAML', () => {
    expect(() => parseTenantFile(write(dir, 'other.yaml', valid), env)).toThrow(/tenant: "acme" must match the file name "other"/);
    expect(() => parseTenantFile(write(dir, 'bad.yaml', 'tenant: [unclosed'), env)).toThrow(/bad\.yaml: not valid YAML/);
  });

  it('loads the shipped demo tenant with the sandbox defaults', () => {
    const demoEnv = {
      ...DEMO_SECRETS,
      ...Object.fromEntries(SANDBOX_SYSTEMS.map((s, i) => [sandboxUrlVariable(s), `http://127.0.0.1:${1000 + i}`])),
    };
    const tenants = loadTenants(path.resolve(__dirname, '../../config'), demoEnv);
    const demo = tenants.get('demo')!;
    expect(demo.connections.netvisor).toMatchObject({ customerId: 'SIIRTO-SANDBOX', customerKey: 'sandbox-customer-key', baseUrl: 'http://127.0.0.1:1000' });
    expect(Object.keys(demo.connections).sort()).toEqual(['netvisor', 'procountor', 'rackbeat', 'severa', 'twentyfourseven']);
    expect(demo.connections.twentyfourseven).toMatchObject({ baseUrl: 'http://127.0.0.1:1003', password: 'sandbox' });
  });
});
