import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../kit/server';
import { checkAddress, LANGUAGES, PARTNER_CHANNELS, PAYMENT_METHODS } from './company';
import { byIds, checkWindows1252, isBlank, isEmail, isFinnishBusinessId, isObject, paged, readJson, sendErrors, timestamp, Violations, type Json } from './wire';

export interface PartnerRecord extends Json {
  id: number;
  name: string;
  type: string;
  invoicingInfo: Json;
  registryInfo: Json;
  version: string;
}

/** The rules POST and PATCH share; returns the violations (empty when the partner is acceptable). */
export function validatePartner(p: Json): Violations {
  const v = new Violations();
  checkWindows1252(p, '', v);
  if (isBlank(p.name)) v.blank('name');
  else if (typeof p.name !== 'string') v.invalid('name', p.name);
  else if (p.name.length > 80) v.tooLong('name', 80);
  if (isBlank(p.type)) v.blank('type');
  else if (!['CUSTOMER', 'SUPPLIER', 'PERSON'].includes(String(p.type))) v.invalid('type', p.type);
  checkAddress(p.address, 'address', v, { required: p.type === 'CUSTOMER', requireCountry: true });
  checkAddress(p.billingAddress, 'billingAddress', v);
  checkAddress(p.deliveryAddress, 'deliveryAddress', v);

  const inv = p.invoicingInfo;
  if (inv !== undefined && inv !== null) {
    if (!isObject(inv)) v.invalid('invoicingInfo', inv);
    else {
      if (!isBlank(inv.identifier)) {
        const finnish = inv.identifierType === 'FI' || (isBlank(inv.identifierType) && (p.address as Json | undefined)?.country === 'FINLAND');
        // Procountor checks the Finnish business ID's check digit; ERROR_BRN_CODE is its code for a bad one.
        if (finnish && !isFinnishBusinessId(String(inv.identifier))) v.add('invoicingInfo.identifier', 'ERROR_BRN_CODE');
      }
      if (!isBlank(inv.invoiceChannel) && !PARTNER_CHANNELS.includes(String(inv.invoiceChannel))) v.invalid('invoicingInfo.invoiceChannel', inv.invoiceChannel);
      if (!isBlank(inv.language) && !LANGUAGES.includes(String(inv.language))) v.invalid('invoicingInfo.language', inv.language);
      if (!isBlank(inv.email) && !isEmail(inv.email)) v.invalid('invoicingInfo.email', inv.email);
      if (typeof inv.customerNumber === 'string' && inv.customerNumber.length > 40) v.tooLong('invoicingInfo.customerNumber', 40);
    }
  }
  const pay = p.paymentInfo;
  if (!isObject(pay)) v.blank('paymentInfo');
  else if (isBlank(pay.paymentMethod)) v.blank('paymentInfo.paymentMethod');
  else if (!PAYMENT_METHODS.includes(String(pay.paymentMethod))) v.invalid('paymentInfo.paymentMethod', pay.paymentMethod);
  if (isObject(pay) && pay.paymentTermDays !== undefined && pay.paymentTermDays !== null) {
    const d = pay.paymentTermDays;
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d > 999) v.invalid('paymentInfo.paymentTermDays', d);
  }
  return v;
}

const basic = (p: PartnerRecord) => ({
  id: p.id,
  name: p.name,
  type: p.type,
  billingAddress: p.billingAddress ?? p.address ?? null,
  invoicingInfo: {
    customerNumber: p.invoicingInfo.customerNumber ?? null,
    identifier: p.invoicingInfo.identifier ?? null,
    identifierType: p.invoicingInfo.identifierType ?? null,
  },
  registryInfo: { active: p.registryInfo.active !== false },
  version: p.version,
});

export function storePartner(ctx: SandboxContext, body: Json): PartnerRecord {
  const record: PartnerRecord = {
    ...body,
    id: ctx.store.nextId('businessPartner', 5001),
    name: String(body.name),
    type: String(body.type),
    invoicingInfo: isObject(body.invoicingInfo) ? { ...body.invoicingInfo } : {},
    registryInfo: { active: true, ...(isObject(body.registryInfo) ? body.registryInfo : {}) },
    // Open point (docs/wire/open-points.md): whether Procountor assigns a customer number when none is given; the sandbox leaves it empty.
    version: timestamp(),
  };
  ctx.store.insert('businessPartners', record);
  return record;
}

export function partnerRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const partners = () => ctx.store.list<PartnerRecord>('businessPartners');

  app.post('/api/businesspartners', async (request, reply) => {
    const body = readJson(request, reply);
    if (!body) return reply;
    const v = validatePartner(body);
    if (!v.empty) return sendErrors(reply, 400, v.list);
    return storePartner(ctx, body);
  });

  // `name` and `identifier` arrive as headers (kept out of URLs); customerNumber and type as query parameters.
  app.get('/api/businesspartners', async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    const name = request.headers['name'];
    const identifier = request.headers['identifier'];
    const active = q.active === undefined ? true : q.active === 'true';
    const rows = partners()
      .filter((p) => (p.registryInfo.active !== false) === active)
      .filter((p) => !q.type || p.type === q.type)
      .filter((p) => !q.customerNumber || p.invoicingInfo.customerNumber === q.customerNumber)
      .filter((p) => typeof name !== 'string' || p.name.toLowerCase().includes(name.toLowerCase()))
      .filter((p) => typeof identifier !== 'string' || p.invoicingInfo.identifier === identifier)
      .sort((a, b) => (q.orderById === 'DESC' ? b.id - a.id : a.id - b.id))
      .map(basic);
    return paged(request, reply, rows) ?? reply;
  });

  app.get('/api/businesspartners/:ids', async (request, reply) => {
    const { ids } = request.params as { ids: string };
    return byIds(reply, ids, partners(), 'Partner') ?? reply;
  });

  // PATCH updates only name, type, address, invoicingInfo and paymentInfo, and needs the current version.
  app.patch('/api/businesspartners/:id', async (request, reply) => {
    const body = readJson(request, reply);
    if (!body) return reply;
    const id = Number((request.params as { id: string }).id);
    const current = partners().find((p) => p.id === id);
    if (!current) return sendErrors(reply, 404, [{ field: null, message: 'No partner found for given id.' }]);
    const version = body.version ?? (request.query as Record<string, string | undefined>).version;
    if (isBlank(version)) return sendErrors(reply, 400, [{ field: 'version', message: "Value of the 'version' cannot be blank." }]);
    // Open point (docs/wire/open-points.md): the reply to a stale version; the spec lists no 409 here.
    if (version !== current.version) return sendErrors(reply, 409, [{ field: 'version', message: 'Business partner has been modified by someone else.' }]);
    const merged: Json = { ...current };
    for (const key of ['name', 'type', 'address', 'invoicingInfo', 'paymentInfo']) {
      if (body[key] === undefined) continue;
      merged[key] = isObject(body[key]) && isObject(current[key]) ? { ...(current[key] as Json), ...(body[key] as Json) } : body[key];
    }
    const v = validatePartner(merged);
    if (!v.empty) return sendErrors(reply, 400, v.list);
    Object.assign(current, merged, { version: timestamp() });
    return { id: current.id, version: current.version };
  });
}
