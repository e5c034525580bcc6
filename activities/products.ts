import { isConnectorError } from '../connectors/kit/errors';
import type { Product, SalesLine } from '../domain/model';
import { dec, toDecimalString } from '../domain/money';
import type { Connections } from './connections';
import { classified, needsOperator } from './failures';
import { KeyedLock } from './keyed-lock';
import { orderTargetFor, type OrderTarget } from './targets';

/**
 * Netvisor ignores product data embedded in an invoice (DESIGN.md §9), and Procountor rows point at products, so
 * every row's product must exist first. Matched by code; a missing one is created from the order line (code, name,
 * current price) when the tenant allows it. Idempotent: the next attempt finds the product by its code. Two orders
 * that need the same missing product at once: one creates it, and the other, refused because the code is already
 * in use, looks it up again and goes on; someone else creating the very record we were about to create is no
 * problem for an operator.
 */
export function createProductActivities(connections: Connections) {
  const creating = new KeyedLock();
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
          const product: Product = { code, name: line.name, unitPrice: netUnitPrice(line), vatRate: line.vatRate, active: true, ...(line.unit ? { unit: line.unit } : {}) };
          if (await creating.run(`${input.tenant}/${target.system}/${code}`, () => createUnlessThere(target, product))) created.push(code);
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

/** Creates the product; false when it is already there (created meanwhile by another order, here or elsewhere). */
async function createUnlessThere(target: OrderTarget, product: Product): Promise<boolean> {
  if (await target.productExists(product.code)) return false;
  try {
    await target.createProduct(product);
    return true;
  } catch (err) {
    // "Product code … is already in use": look again; if it is there, go on with it.
    if (isConnectorError(err) && err.errorClass === 'conflict' && (await target.productExists(product.code))) return false;
    throw err;
  }
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
