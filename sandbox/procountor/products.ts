import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../kit/server';
import { UNITS, VAT_PERCENTAGES } from './company';
import { byIds, checkWindows1252, isBlank, paged, readJson, sendErrors, timestamp, Violations, type Json } from './wire';

export interface ProductRecord extends Json {
  id: number;
  type: string;
  name: string;
  code?: string;
  active: boolean;
  version: string;
}

export function validateProduct(p: Json): Violations {
  const v = new Violations();
  checkWindows1252(p, '', v);
  if (isBlank(p.type)) v.blank('type');
  else if (!['SALES', 'PURCHASE', 'TRAVEL'].includes(String(p.type))) v.invalid('type', p.type);
  if (isBlank(p.name)) v.blank('name');
  else if (String(p.name).length > 100) v.tooLong('name', 100);
  if (typeof p.code === 'string' && p.code.length > 40) v.tooLong('code', 40);
  if (!isBlank(p.unit) && !UNITS.includes(String(p.unit))) v.invalid('unit', p.unit);
  if (p.price === undefined || p.price === null) v.blank('price');
  else if (typeof p.price !== 'number' || !Number.isFinite(p.price)) v.invalid('price', p.price);
  if (p.discount === undefined || p.discount === null) v.blank('discount');
  else if (typeof p.discount !== 'number' || p.discount < 0 || p.discount > 100) v.invalid('discount', p.discount);
  if (p.vat !== undefined && p.vat !== null && !VAT_PERCENTAGES.includes(Number(p.vat))) v.invalid('vat', p.vat);
  if (typeof p.active !== 'boolean') v.blank('active');
  if (isBlank(p.currency)) v.blank('currency');
  else if (!/^[A-Z]{3}$/.test(String(p.currency))) v.invalid('currency', p.currency);
  return v;
}

export function storeProduct(ctx: SandboxContext, body: Json): ProductRecord {
  const record: ProductRecord = {
    unit: 'PIECE',
    vat: null,
    vatStatus: null,
    ...body,
    id: ctx.store.nextId('product', 7001),
    type: String(body.type),
    name: String(body.name),
    active: body.active === true,
    version: timestamp(),
  };
  ctx.store.insert('products', record);
  return record;
}

export function productRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const products = () => ctx.store.list<ProductRecord>('products');

  app.post('/api/products', async (request, reply) => {
    const body = readJson(request, reply);
    if (!body) return reply;
    const v = validateProduct(body);
    if (!v.empty) return sendErrors(reply, 400, v.list);
    return storeProduct(ctx, body);
  });

  // `name` and `code` are substring filters; without `type` the list holds SALES and PURCHASE products.
  app.get('/api/products', async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    if (q.code && q.code.length > 40) return sendErrors(reply, 400, [{ field: 'code', message: "Value of the 'code' is too long. Maximum length is 40." }]);
    const rows = products()
      .filter((p) => (q.type ? p.type === q.type : p.type === 'SALES' || p.type === 'PURCHASE'))
      .filter((p) => q.active === undefined || p.active === (q.active === 'true'))
      .filter((p) => !q.code || (p.code ?? '').toLowerCase().includes(q.code.toLowerCase()))
      .filter((p) => !q.name || p.name.toLowerCase().includes(q.name.toLowerCase()))
      .sort((a, b) => (q.orderById === 'DESC' ? b.id - a.id : a.id - b.id));
    return paged(request, reply, rows) ?? reply;
  });

  app.get('/api/products/:ids', async (request, reply) => {
    const { ids } = request.params as { ids: string };
    return byIds(reply, ids, products(), 'Product') ?? reply;
  });
}
