import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadTenants, parseTenantFile } from '../../config/load';

const write = (dir: string, name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};

const valid = `
tenant: acme
name: Acme Oy
erp:
  system: netvisor
  baseUrl: https://isvapi.netvisor.fi
  customerId: ACME
  customerKey: { env: ACME_NV_CUSTOMER_KEY }
  partnerId: SIIRTO
  partnerKey: { env: ACME_NV_PARTNER_KEY }
  organisationId: 1234567-5
shops:
  - id: woo
    system: woocommerce
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
    expect(t.erp).toMatchObject({ system: 'netvisor', customerKey: 'ck', partnerKey: 'pk', language: 'FI' });
    expect(t.shops[0]).toMatchObject({ baseUrl: 'http://127.0.0.1:1234', webhookSecret: 'h' });
    expect(t.orderExport?.document).toEqual({ type: 'invoice', status: 'unsent', registerPayment: false });
    expect(t.orderExport?.customers.matchBy).toEqual(['customerNumber', 'businessId', 'name']);
  });

  it('names the file, the field and the problem for a secret written in plain text', () => {
    const file = write(dir, 'acme.yaml', valid.replace('{ env: ACME_NV_PARTNER_KEY }', 'my-secret-key'));
    expect(() => parseTenantFile(file, env)).toThrow(`${file}: erp.partnerKey: secrets are not written in the file`);
  });

  it('names a missing environment variable', () => {
    const file = write(dir, 'acme.yaml', valid);
    expect(() => parseTenantFile(file, { ...env, ACME_WOO_HOOK: undefined })).toThrow(`${file}: shops.0.webhookSecret: environment variable ACME_WOO_HOOK is not set`);
  });

  it('refuses a document status that does not fit the document type', () => {
    const file = write(dir, 'acme.yaml', valid.replace('orderExport:', 'orderExport:\n  document: { type: order, status: unsent }'));
    expect(() => parseTenantFile(file, env)).toThrow(/orderExport\.document\.status: status "unsent" is not valid for a order: use undelivered or delivered/);
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
      SIIRTO_DEMO_NETVISOR_CUSTOMER_KEY: 'a', SIIRTO_DEMO_NETVISOR_PARTNER_KEY: 'b', SIIRTO_DEMO_WOO_CONSUMER_KEY: 'c',
      SIIRTO_DEMO_WOO_CONSUMER_SECRET: 'd', SIIRTO_DEMO_WOO_WEBHOOK_SECRET: 'e',
      SIIRTO_SANDBOX_NETVISOR_URL: 'http://127.0.0.1:1', SIIRTO_SANDBOX_WOOCOMMERCE_URL: 'http://127.0.0.1:2',
    };
    const tenants = loadTenants(path.resolve(__dirname, '../../config'), demoEnv);
    expect(tenants.get('demo')?.erp).toMatchObject({ system: 'netvisor', customerId: 'SIIRTO-SANDBOX', organisationId: '1234567-1' });
  });
});
