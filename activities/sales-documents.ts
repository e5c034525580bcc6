import { ApplicationFailure } from '@temporalio/common';
import { heartbeatWhile } from '../connectors/kit/call-context';
import { isConnectorError } from '../connectors/kit/errors';
import type { SalesDocument } from '../domain/model';
import { noEarlierAttempt } from './attempts';
import type { Connections } from './connections';
import { classified, needsOperator } from './failures';
import { KeyedLock } from './keyed-lock';
import { orderTargetFor, type DocumentSettings, type OrderTarget, type TargetDocument } from './targets';

export interface CreatedDocument {
  id: string;
  number: string;
  /** True when the document already existed from an earlier attempt whose reply was lost. */
  alreadyExisted: boolean;
}

/**
 * One document number is looked up, written and finished by one attempt at a time in this worker. An attempt that
 * outlived its timeout still holds the key while its write is on the wire (connectors/kit/http.ts lets a sent write
 * finish), so the next attempt looks only once that write's outcome is known, and finds it. The wait is long: it
 * covers Netvisor's 120 s reply time; it heartbeats meanwhile.
 */
const documentKeys = new KeyedLock(10 * 60_000);

/**
 * Writes the sales document. Look before write: the number from the shop's range is searched first.
 * Found with our stamp (`<shop>:<order number>`, compared whole) → our own earlier write, returned as is (and
 * finished if an earlier attempt stopped half-way). Found with any other reference → the number is someone else's:
 * reported, never overwritten or renumbered.
 *
 * Exactly once, also when an attempt outlives its timeout:
 * - within a worker, the document key above serialises attempts, and a sent write is never abandoned;
 * - Netvisor refuses a second document with the same number (DUPLICATE_DATA): a refused write is looked up again
 *   and, when it is ours, reused;
 * - Procountor does not refuse a duplicate originalInvoiceNumber, so after writing we look again: when two
 *   attempts (say on two workers) both wrote, the oldest invoice is kept and our newer UNFINISHED one is
 *   invalidated (activities/targets/procountor-target.ts).
 *
 * Calls: where the target refuses a duplicate number (Netvisor), the first attempt of the workflow's first try
 * writes without looking (`firstTry`, activities/attempts.ts): the document write is the order's one call. Every
 * other attempt looks first.
 */
export function createSalesDocumentActivities(connections: Connections) {
  const settingsFor = (tenant: string, shop: string): DocumentSettings => {
    const s = connections.orderExportSettings(tenant);
    const exportTo = connections.shop(tenant, shop).exportTo;
    return exportTo === 'netvisor'
      ? { kind: s.document.type, status: s.document.status, channel: s.channel, registerCustomerData: false }
      : { kind: 'invoice', status: s.procountor.finish, channel: s.channel, registerCustomerData: s.procountor.customerData === 'register' };
  };

  /**
   * Whether a found document is ours. The stamp is compared whole. A bare order number is the stamp of the release
   * before per-shop stamps; it is taken as ours only while this shop is the tenant's one shop on that target,
   * because only then no other shop can have written the same bare number.
   */
  const isOurs = (tenant: string, shop: string, found: TargetDocument, document: SalesDocument): boolean => {
    if (found.ourReference === ourStamp(shop, document)) return true;
    const target = connections.shop(tenant, shop).exportTo;
    const alone = connections.tenant(tenant).shops.filter((s) => s.exportTo === target).length === 1;
    return alone && found.ourReference === document.source.number;
  };

  const collision = (target: OrderTarget, kind: string, number: string, existing: TargetDocument) =>
    needsOperator(
      `${kind} number ${number} is already used in ${target.displayName} (customer ${existing.customerCode ?? 'unknown'}, reference "${existing.ourReference ?? ''}"): ` +
        'numbers made by hand or by another shop overlap the export range; move orderExport.numbering (or the shop\'s numbering) or the manual series, then retry',
      'Siirto.conflict',
    );

  return {
    async createSalesDocument(input: {
      tenant: string;
      shop: string;
      document: SalesDocument;
      customerCode: string;
      /** The workflow's first try at this document in a run that is not a rerun or reset (activities/attempts.ts). */
      firstTry?: boolean;
    }): Promise<CreatedDocument> {
      return classified(async () => {
        const target = orderTargetFor(connections, input.tenant, input.shop);
        const settings = settingsFor(input.tenant, input.shop);
        const document: SalesDocument = { ...input.document, kind: settings.kind };
        const number = document.number;
        if (!number) throw needsOperator('the document has no number from the numbering range', 'Siirto.config');
        const stamp = ourStamp(input.shop, document);
        const key = `${input.tenant}/${target.system}/${settings.kind}/${number}`;

        return heartbeatWhile(
          documentKeys.run(key, async () => {
            const look = async (): Promise<TargetDocument | null> => {
              const found = await target.findDocument(settings.kind, number, stamp);
              if (found && !isOurs(input.tenant, input.shop, found, document)) throw collision(target, settings.kind, number, found);
              return found;
            };
            // Look before write, unless no earlier attempt can have written and the target refuses a second
            // document with this number anyway (then the refusal is the look).
            const lookFirst = !(target.refusesDuplicates && noEarlierAttempt(input.firstTry));
            let existing = lookFirst ? await look() : null;
            let alreadyExisted = existing !== null;
            if (!existing) {
              try {
                const id = await target.createDocument(document, input.customerCode, settings, stamp);
                existing = await target.settleDuplicates?.(settings.kind, number, stamp, id) ?? { id, number, ourReference: stamp };
              } catch (err) {
                if (isConnectorError(err) && err.errorClass === 'validation') await throwIfRegisterStale(target, input.customerCode, document, err.message);
                // Refused as a duplicate: someone wrote this number meanwhile, perhaps an earlier attempt of ours.
                if (!(isConnectorError(err) && err.errorClass === 'conflict')) throw err;
                existing = await look();
                if (!existing) throw err;
                alreadyExisted = true;
              }
            }
            await target.finishDocument(existing, settings);
            return { id: existing.id, number, alreadyExisted };
          }),
        );
      });
    },
  };
}

/** The failure type that tells the workflow to resolve the customer and products again, from the target. */
export const REGISTER_STALE = 'Siirto.register-stale';

/**
 * The target refused the document as invalid. When the customer or products came from this worker's register cache,
 * one of them may have been deleted in the target since: each is checked there (only now, on a refusal), what is gone
 * is forgotten, and the workflow is told to resolve them again (REGISTER_STALE). When all are there, the refusal is
 * about the document itself and goes to the operator as it was.
 */
async function throwIfRegisterStale(target: OrderTarget, customerCode: string, document: SalesDocument, refusal: string): Promise<void> {
  const cache = target.registers;
  if (!cache) return;
  const customerGone = !(await target.customerByCode(customerCode));
  if (customerGone) cache.forgetCustomerCode(customerCode);
  const productsGone: string[] = [];
  for (const code of new Set(document.lines.map((l) => l.productCode))) {
    if (await target.productExists(code)) continue;
    cache.forgetProduct(code);
    productsGone.push(code);
  }
  if (!customerGone && productsGone.length === 0) return;
  const what = [customerGone ? `customer ${customerCode}` : '', productsGone.length ? `product${productsGone.length > 1 ? 's' : ''} ${productsGone.join(', ')}` : ''].filter(Boolean).join(' and ');
  throw ApplicationFailure.create({
    message: `${target.displayName} refused the document (${refusal}): ${what} no longer exist${customerGone || productsGone.length > 1 ? '' : 's'} there (removed after Siirto last read the register). Retry to look ${customerGone && productsGone.length ? 'them' : 'it'} up and create again`,
    type: REGISTER_STALE,
    details: [{ customerGone, productsGone }],
    nonRetryable: true,
  });
}

/**
 * What we stamp on every document we write, to recognise it later: the shop and its order number, e.g.
 * `woo:1001`. Two shops of one tenant may both have an order #1001; the stamp tells their documents apart.
 */
export const ourStamp = (shop: string, document: SalesDocument): string => `${shop}:${document.source.number}`;
