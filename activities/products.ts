import type { SalesLine } from '../domain/model';
import { dec, toDecimalString } from '../domain/money';
import type { Connections } from './connections';
import { classified, needsOperator } from './failures';

/**
 * Netvisor ignores product data embedded in an invoice (DESIGN.md §9), so every row's product must exist first.
 * Products are matched by code; a missing one is created from the order line when the tenant allows it.
 * Creating is naturally idempotent: the next attempt finds the product by its code.
 */
export function createProductActivities(connections: Connections) {
  return {
    async ensureProducts(input: { tenant: string; lines: SalesLine[] }): Promise<{ created: string[] }> {
      return classified(async () => {
        const settings = connections.orderExportSettings(input.tenant).products;
        const netvisor = connections.netvisor(input.tenant);
        const byCode = new Map(input.lines.map((l) => [l.productCode, l]));
        const created: string[] = [];
        const missing: string[] = [];
        for (const [code, line] of byCode) {
          const found = (await netvisor.listProducts({ keyword: code })).some((p) => p.code === code);
          if (found) continue;
          if (!settings.createMissing) {
            missing.push(code);
            continue;
          }
          await netvisor.addProduct({
            code,
            name: line.name,
            unitPrice: netUnitPrice(line),
            vatRate: line.vatRate,
            active: true,
            ...(line.unit ? { unit: line.unit } : {}),
          });
          created.push(code);
        }
        if (missing.length) {
          throw needsOperator(
            `product${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not found in Netvisor and creating products is off: add ${missing.length > 1 ? 'them' : 'it'} in Netvisor, then retry`,
            'Siirto.validation',
          );
        }
        return { created };
      });
    },
  };
}

/** Netvisor's product register holds net prices; consumer shops send gross ones. */
function netUnitPrice(line: SalesLine): string {
  if (!line.priceIncludesVat) return line.unitPrice;
  return toDecimalString(dec(line.unitPrice).div(dec(line.vatRate).div(100).plus(1)).toDecimalPlaces(4));
}
