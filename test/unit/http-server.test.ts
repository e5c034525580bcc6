import crypto from 'node:crypto';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { buildHttpServer } from '../../client/http';
import { EncryptionCodec } from '../../worker/payload-codec';
import { demoLikeTenant, wooSignature } from '../support/order-export-harness';

/** HTTP routing that refuses before Temporal is involved; the happy path runs in test/workflows/order-export.test.ts. */
describe('HTTP server', () => {
  const codec = new EncryptionCodec({ id: 'k', key: crypto.randomBytes(32) });
  const tenant = demoLikeTenant('acme', { netvisor: 'http://127.0.0.1:1', woocommerce: 'http://127.0.0.1:2' });
  const started: unknown[] = [];
  // Any attempt to start a workflow is recorded: none of these requests may start one.
  const temporal = { workflow: { start: async (...args: unknown[]) => started.push(args) } } as unknown as Client;
  const app = buildHttpServer({ tenants: new Map([['acme', tenant]]), temporal, codec, uiOrigins: ['http://localhost:8233'] });
  afterAll(() => app.close());
  afterEach(() => expect(started).toHaveLength(0));

  const post = (url: string, body: string, headers: Record<string, string> = {}) => app.inject({ method: 'POST', url, payload: body, headers });

  it('answers the WooCommerce activation ping with 200', async () => {
    const res = await post('/webhooks/woocommerce/acme', 'webhook_id=12', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode).toBe(200);
  });

  it('refuses unknown tenants and systems without a webhook endpoint', async () => {
    expect((await post('/webhooks/woocommerce/nobody', '{}')).json()).toEqual({ error: 'unknown tenant "nobody"' });
    expect((await post('/webhooks/sap/acme', '{}')).statusCode).toBe(404);
  });

  it('refuses a missing or wrong signature with 401 before reading the body', async () => {
    const body = '{"id":1}';
    expect((await post('/webhooks/woocommerce/acme', body, { 'content-type': 'application/json' })).statusCode).toBe(401);
    expect((await post('/webhooks/woocommerce/acme', body, { 'x-wc-webhook-signature': wooSignature(body, 'wrong') })).statusCode).toBe(401);
  });

  it('refuses a signed body that is not a WooCommerce order with a specific 400', async () => {
    const body = '{"id":"not-a-number"}';
    const res = await post('/webhooks/woocommerce/acme', body, {
      'x-wc-webhook-signature': wooSignature(body),
      'x-wc-webhook-topic': 'order.created',
      'x-wc-webhook-resource': 'order',
      'x-wc-webhook-event': 'created',
      'x-wc-webhook-id': '1',
      'x-wc-webhook-delivery-id': 'd1',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(/id/);
  });

  it('offers no codec endpoint on the public webhook listener (it has its own, test/unit/codec-server.test.ts)', async () => {
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload({ customer: 'Aino' })]);
    const wire = { payloads: [{ metadata: Object.fromEntries(Object.entries(encrypted.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])), data: Buffer.from(encrypted.data!).toString('base64') }] };
    for (const url of ['/codec/decode', '/codec/encode']) {
      const res = await post(url, JSON.stringify(wire), { origin: 'http://localhost:8233' });
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain('Aino');
    }
  });
});
