import net from 'node:net';
import { control, startTestSandboxes } from '../support/sandboxes';

/**
 * GET /__sandbox/stats `byStatus`: replies by method, path and status as they leave the handler. A request whose
 * caller dies while the sandbox holds it (latency) is received (`byPath`) but never handled, so it has no status:
 * the migration bench counts writes from `byStatus`, not from requests received (a SIGKILLed worker's last POSTs
 * are not writes).
 */
let url: string;
let stop: () => Promise<void>;
beforeAll(async () => {
  const s = await startTestSandboxes(['rackbeat']);
  url = s.sandboxes.rackbeat.url;
  stop = s.stop;
});
afterAll(() => stop());

const TOKEN = { authorization: 'Bearer sandbox-rackbeat-token', 'content-type': 'application/json' };
const product = (number: string) => JSON.stringify({ number, name: `Product ${number}`, sales_price: 10, group_id: 1 });

it('counts a handled create under its status, and a create whose caller died during the hold under none', async () => {
  await control(url, 'reset', {});
  const made = await fetch(`${url}/api/products`, { method: 'POST', headers: TOKEN, body: product('STAT-1') });
  expect(made.status).toBe(201);
  const taken = await fetch(`${url}/api/products`, { method: 'POST', headers: TOKEN, body: product('STAT-1') });
  expect(taken.status).toBe(422);

  // A caller that sends its headers and dies before the held request's body is read (as a SIGKILLed worker does).
  await control(url, 'latency', { ms: 300, jitterMs: 0 });
  const { port, hostname } = new URL(url);
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(`POST /api/products HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer sandbox-rackbeat-token\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n`);
      setTimeout(() => {
        socket.resetAndDestroy();
        resolve();
      }, 50);
    });
    socket.on('error', reject);
  });
  await new Promise((r) => setTimeout(r, 600));
  await control(url, 'latency', { ms: 0, jitterMs: 0 });

  const stats = (await control(url, 'stats')) as { byPath: Record<string, number>; byStatus: Record<string, Record<string, number>> };
  expect(stats.byPath['POST /api/products']).toBe(3);
  expect(stats.byStatus['POST /api/products']).toEqual({ '201': 1, '422': 1 });
  const state = (await control(url, 'state')) as { products: Array<{ number: string }> };
  // The seeded products, and the one create that was handled.
  expect(state.products.map((p) => p.number).filter((n) => n.startsWith('STAT-'))).toEqual(['STAT-1']);
});

it('sums the latency it drew by method and path (latencyMsByPath), and a reset zeroes it', async () => {
  await control(url, 'reset', {});
  await control(url, 'latency', { ms: 40, jitterMs: 0 });
  for (let i = 0; i < 3; i++) await (await fetch(`${url}/api/products`, { headers: TOKEN })).arrayBuffer();
  const stats = (await (await fetch(`${url}/__sandbox/stats`)).json()) as { latencyMsByPath: Record<string, number> };
  expect(stats.latencyMsByPath).toEqual({ 'GET /api/products': 120 });
  await control(url, 'reset', {});
  expect(((await (await fetch(`${url}/__sandbox/stats`)).json()) as { latencyMsByPath: Record<string, number> }).latencyMsByPath).toEqual({});
});
