import type { z } from 'zod';
import { normalizeBusinessId } from '../../domain/business-id';
import type { Party } from '../../domain/model';
import { ConnectorError } from '../kit/errors';
import type { NetvisorConnection } from './connection';
import { VENDOR_ORDER } from './element-order';
import { SYSTEM, asNotFound } from './errors';
import { getVendorReply, insertedReply, vendorDetail } from './schemas';
import { toXmlDocument, withAttrs, type XmlObject } from './xml';

/** Suppliers: getvendor.nv to read (there is no vendorlist.nv; listing is getvendor.nv?changedsince), vendor.nv to write. */
export type NetvisorVendor = Party & { netvisorKey: string };

function toVendor(v: z.infer<typeof vendorDetail>): NetvisorVendor {
  const b = v.vendorbaseinformation;
  const businessId = b.organizationid ? normalizeBusinessId(b.organizationid) : null;
  const country = b.country?.text && /^[A-Z]{2}$/.test(b.country.text) ? b.country.text : 'FI';
  return {
    kind: 'supplier',
    netvisorKey: v.netvisorkey,
    ...(b.code ? { code: b.code } : {}),
    name: b.name,
    ...(businessId ? { businessId } : b.organizationid ? { organisationNumber: b.organizationid } : {}),
    ...(v.vendorcontactdetails?.email ? { email: v.vendorcontactdetails.email } : {}),
    ...(v.vendorcontactdetails?.phonenumber ? { phone: v.vendorcontactdetails.phonenumber } : {}),
    address: { street: b.address ?? '', postalCode: b.postcode ?? '', city: b.city ?? '', country },
  };
}

export async function getVendor(conn: NetvisorConnection, netvisorKey: string): Promise<NetvisorVendor> {
  let root: Record<string, unknown>;
  try {
    root = await conn.get('getvendor.nv', [['netvisorkey', netvisorKey]]);
  } catch (err) {
    throw asNotFound(err, `Supplier with Netvisor key ${netvisorKey}`, 'getvendor.nv');
  }
  const reply = conn.parse('getvendor.nv', getVendorReply, root);
  const vendor = reply.vendor ?? reply.vendors?.vendor[0];
  if (!vendor) throw new ConnectorError(SYSTEM, 'not-found', `Supplier with Netvisor key ${netvisorKey} was not found in Netvisor`, { resource: 'getvendor.nv' });
  return toVendor(vendor);
}

const header = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v)?.trim();

/**
 * Vendors changed since a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS), 500 per page. Pages follow the documented
 * X-Netvisor-Pagination-Next-Page reply header (docs/wire/netvisor.md#vendors-and-inventory); a reply without the
 * header pages on until a short page.
 */
export async function listVendors(conn: NetvisorConnection, changedSince: string): Promise<NetvisorVendor[]> {
  const all: NetvisorVendor[] = [];
  for (let page = 1; ; ) {
    const { root, headers } = await conn.getWithHeaders('getvendor.nv', [['changedsince', changedSince], ['page', page]]);
    const reply = conn.parse('getvendor.nv', getVendorReply, root);
    const vendors = reply.vendors?.vendor ?? (reply.vendor ? [reply.vendor] : []);
    all.push(...vendors.map(toVendor));
    const next = header(headers['x-netvisor-pagination-next-page']);
    if (next === undefined) {
      if (vendors.length < 500) return all;
      page++;
    } else {
      const n = Number(next);
      if (next === '' || !Number.isInteger(n) || n <= page) return all;
      page = n;
    }
  }
}

function vendorBody(party: Party): string {
  const body: XmlObject = {
    vendorbaseinformation: {
      code: party.code,
      name: party.name,
      address: party.address.street || undefined,
      postcode: party.address.postalCode || undefined,
      city: party.address.city || undefined,
      country: withAttrs(party.address.country, { type: 'ISO-3166' }),
      organizationid: party.businessId ?? party.organisationNumber,
    },
  };
  if (party.phone || party.email) body.vendorcontactdetails = { phonenumber: party.phone, email: party.email };
  return toXmlDocument('vendor', body, VENDOR_ORDER);
}

export async function addVendor(conn: NetvisorConnection, party: Party): Promise<string> {
  const root = await conn.post('vendor.nv', [['method', 'add']], vendorBody(party));
  return conn.parse('vendor.nv', insertedReply, root).replies.inserteddataidentifier;
}

/** The edit key parameter name for vendor.nv is `netvisorkey` as RANT sends it (not in Netvisor's docs: open point, docs/wire/open-points.md). */
export async function editVendor(conn: NetvisorConnection, netvisorKey: string, party: Party): Promise<void> {
  await conn.post('vendor.nv', [['method', 'edit'], ['netvisorkey', netvisorKey]], vendorBody(party));
}
