import type { SalesDocument } from '../domain/model';
import type { Connections } from './connections';
import { classified, needsOperator } from './failures';
import { orderTargetFor, type DocumentSettings, type TargetDocument } from './targets';

export interface CreatedDocument {
  id: string;
  number: string;
  /** True when the document already existed from an earlier attempt whose reply was lost. */
  alreadyExisted: boolean;
}

/**
 * Writes the sales document. Look before write: the number from the tenant's range is searched first.
 * Found with our reference (the shop order number) → our own earlier write, returned as is (and finished if an
 * earlier attempt stopped half-way). Found with any other reference → the number is someone else's: reported,
 * never overwritten or renumbered.
 */
export function createSalesDocumentActivities(connections: Connections) {
  const settingsFor = (tenant: string, shop: string): DocumentSettings => {
    const s = connections.orderExportSettings(tenant);
    const exportTo = connections.shop(tenant, shop).exportTo;
    return exportTo === 'netvisor'
      ? { kind: s.document.type, status: s.document.status, channel: s.channel, registerCustomerData: false }
      : { kind: 'invoice', status: s.procountor.finish, channel: s.channel, registerCustomerData: s.procountor.customerData === 'register' };
  };

  return {
    async createSalesDocument(input: { tenant: string; shop: string; document: SalesDocument; customerCode: string }): Promise<CreatedDocument> {
      return classified(async () => {
        const target = orderTargetFor(connections, input.tenant, input.shop);
        const settings = settingsFor(input.tenant, input.shop);
        const document: SalesDocument = { ...input.document, kind: settings.kind };
        const number = document.number;
        if (!number) throw needsOperator('the document has no number from the numbering range', 'Siirto.config');

        let existing: TargetDocument | null = await target.findDocument(settings.kind, number);
        if (existing && existing.ourReference !== ourReference(document)) {
          throw needsOperator(
            `${settings.kind} number ${number} is already used in ${target.displayName} (customer ${existing.customerCode ?? 'unknown'}, reference "${existing.ourReference ?? ''}"): ` +
              'numbers made by hand overlap the export range; move orderExport.numbering or the manual series, then retry',
            'Siirto.conflict',
          );
        }
        const alreadyExisted = existing !== null;
        if (!existing) {
          const id = await target.createDocument(document, input.customerCode, settings);
          existing = { id, number, ourReference: ourReference(document) };
        }
        await target.finishDocument(existing, settings);
        return { id: existing.id, number, alreadyExisted };
      });
    },
  };
}

/** What we stamp on every document we write, to recognise it later: the shop's own order number. */
export const ourReference = (document: SalesDocument): string => document.source.number;
