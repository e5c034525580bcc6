import { isConnectorError } from '../connectors/kit/errors';
import type { Product, SalesLine } from '../domain/model';
import { dec, toDecimalString } from '../domain/money';
import { noEarlierAttempt } from './attempts';
import type { Connections } from './connections';
import { classified, needsOperator } from './failures';
import { KeyedLock } from './keyed-lock';
import { orderTargetFor, type OrderTarget } from './targets';

/**
 * Netvisor ignores product data embedded in an invoice (docs/design.md §9), and Procountor rows point at products, so
 * every row's product must exist first. Matched by code; a missing one is created from the order line (code, name,
 * current price) when the tenant allows it. Idempotent: the next attempt finds the product by its code. Two orders
 * that need the same missing product at once: one creates it, and the other, refused because the code is already
 * in use, looks it up again and goes on; someone else creating the very record we were about to create is no
 * problem for an operator.
 *
 * Calls: a product this worker's register data holds (activities/register-cache.ts) costs nothing; a new one costs
 * its write, and on a retried attempt a look-up first.
 */
export function createProductActivities(connections: Connections) {
  const creating = new KeyedLock();
  return {
    async ensureProducts(input: {
      tenant: string;
      shop: string;
      lines: SalesLine[];
      /** The workflow's first try at this step in a run that is not a rerun (activities/attempts.ts). */
      firstTry?: boolean;
      /** Ask the target, not the register cache: the document step found a cached product gone. */
      verify?: boolean;
    }): Promise<{ created: string[] }> {
      return classified(async () => {
        const settings = connections.orderExportSettings(input.tenant).products;
        const target = orderTargetFor(connections, input.tenant, input.shop);
        const cache = !input.verify && target.registers && (await target.registers.ready()) ? target.registers : undefined;
        // A product missing from a complete, fresh register read is written without asking first, but only when
        // nothing earlier can have written it and the target refuses a second product with one code: a product
        // made since our read is refused, looked up and used.
        const writeFirst = !!cache && !!target.refusesDuplicates && settings.createMissing && noEarlierAttempt(input.firstTry);
        const byCode = new Map(input.lines.map((l) => [l.productCode, l]));
        const created: string[] = [];
        const missing: string[] = [];
        for (const [code, line] of byCode) {
          if (cache?.hasProduct(code)) continue;
          if (!writeFirst && (await target.productExists(code))) {
            target.registers?.observeProducts([code]);
            continue;
          }
          if (!settings.createMissing) {
            missing.push(code);
            continue;
          }
          const product: Product = { code, name: line.name, unitPrice: netUnitPrice(line), vatRate: line.vatRate, active: true, ...(line.unit ? { unit: line.unit } : {}) };
          if (await creating.run(`${input.tenant}/${target.system}/${code}`, () => createUnlessThere(target, product, !writeFirst))) created.push(code);
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
 * Creates the product; false when it is already there (created meanwhile by another order, here or elsewhere).
 * `lookFirst` asks the target first; without it only this worker's cache is asked (another order here may have
 * just created it), and the target's refusal of a taken code is the look.
 */
async function createUnlessThere(target: OrderTarget, product: Product, lookFirst: boolean): Promise<boolean> {
  if (target.registers?.hasProduct(product.code)) return false;
  if (lookFirst && (await target.productExists(product.code))) {
    target.registers?.observeProducts([product.code]);
    return false;
  }
  try {
    await target.createProduct(product);
    target.registers?.observeProducts([product.code]);
    return true;
  } catch (err) {
    // "Product code … is already in use": look again; if it is there, go on with it.
    if (isConnectorError(err) && err.errorClass === 'conflict' && (await target.productExists(product.code))) {
      target.registers?.observeProducts([product.code]);
      return false;
    }
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
