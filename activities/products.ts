import type { SalesLine } from '../domain/model';
import { dec, toDecimalString } from '../domain/money';
import type { Connections } from './connections';
import { classified, needsOperator } from './failures';
import { orderTargetFor } from './targets';

/**
 * Netvisor ignores product data embedded in an invoice (DESIGN.md §9), and Procountor rows point at products, so
 * every row's product must exist first. Matched by code; a missing one is created from the order line (code, name,
 * current price) when the tenant allows it. Idempotent: the next attempt finds the product by its code.
 */
export function createProductActivities(connections: Connections) {
  return {
    async ensureProducts(input: { tenant: string; shop: string; lines: SalesLine[] }): Promise<{ created: string[] }> {
      return classified(async () => {
        const settings = connections.orderExportSettings(input.tenant).products;
        const target = orderTargetFor(connections, input.tenant, input.shop);
        const byCode = new Map(input.lines.map((l) => [l.productCode, l]));
        const created: string[] = [];
        const missing: string[] = [];
        for (const [code, line] of byCode) {
          if (await target.productExists(code)) continue;
          if (!settings.createMissing) {
            missing.push(code);
            continue;
          }
          await target.createProduct({ code, name: line.name, unitPrice: netUnitPrice(line), vatRate: line.vatRate, active: true, ...(line.unit ? { unit: line.unit } : {}) });
          created.push(code);
        }
        if (missing.length) {
          const them = missing.length > 1 ? 'them' : 'it';
          throw needsOperator(
            `product${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not found in ${target.displayName} and creating products is off: add ${them} in ${target.displayName}, then retry`,
            'Siirto.validation',
          );
        }
        return { created };
      });
    },
  };
}

/**
 * Product registers hold net prices; consumer shops send gross ones. A discount row's product (a coupon code)
 * gets price 0: the row itself carries the amount.
 */
function netUnitPrice(line: SalesLine): string {
  if (line.kind === 'discount') return '0';
  if (!line.priceIncludesVat) return line.unitPrice;
  return toDecimalString(dec(line.unitPrice).div(dec(line.vatRate).div(100).plus(1)).toDecimalPlaces(4));
}
