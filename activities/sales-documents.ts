import type { SalesDocument } from '../domain/model';
import { toNetvisorSalesDocument } from '../connectors/netvisor';
import type { Connections } from './connections';
import { classified, needsOperator } from './failures';

export interface CreatedDocument {
  netvisorKey: string;
  number: string;
  /** True when the document already existed from an earlier attempt whose reply was lost. */
  alreadyExisted: boolean;
}

/**
 * Writes the sales invoice or order. Look before write: the number from the tenant's range is searched first.
 * Found with our reference (the shop order number) → it is our own earlier write, returned as is. Found with any
 * other reference → the number is taken by someone else: reported, never overwritten or renumbered.
 */
export function createSalesDocumentActivities(connections: Connections) {
  return {
    async createSalesDocument(input: { tenant: string; document: SalesDocument; customerCode: string }): Promise<CreatedDocument> {
      return classified(async () => {
        const settings = connections.orderExportSettings(input.tenant).document;
        const netvisor = connections.netvisor(input.tenant);
        const { document } = input;
        const number = document.number;
        if (!number) throw needsOperator('the document has no number from the numbering range', 'Siirto.config');

        const existing = await netvisor.findSalesDocumentByNumber(document.kind, number);
        if (existing) {
          const full = await netvisor.getSalesDocument(document.kind, existing.netvisorKey);
          if (full?.ourReference === ourReference(document)) return { netvisorKey: existing.netvisorKey, number, alreadyExisted: true };
          throw needsOperator(
            `${document.kind} number ${number} is already used in Netvisor (customer ${existing.customerCode ?? 'unknown'}, reference "${full?.ourReference ?? ''}"): ` +
              'numbers made by hand overlap the export range; move orderExport.numbering or the manual series, then retry',
            'Siirto.conflict',
          );
        }
        const netvisorKey = await netvisor.addSalesDocument(
          toNetvisorSalesDocument(document, { customerCode: input.customerCode, status: settings.status }),
        );
        return { netvisorKey, number, alreadyExisted: false };
      });
    },
  };
}

/** What we stamp on every document we write, to recognise it later: the shop's own order number. */
export const ourReference = (document: SalesDocument): string => document.source.number;
