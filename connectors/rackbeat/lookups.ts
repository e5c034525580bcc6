import { ConnectorError, isConnectorError } from '../kit/errors';
import { SYSTEM } from './errors';

// Outside client.ts, which imports every resource module: a resource importing these from the client would close an
// import cycle, and whichever module of it loads first would see the others half-defined.

/** Resolves to null when Rackbeat answers 404: the natural-key lookups sync flows use before they write. */
export async function orNull<T>(request: Promise<T>): Promise<T | null> {
  try {
    return await request;
  } catch (err) {
    if (isConnectorError(err) && err.errorClass === 'not-found') return null;
    throw err;
  }
}

/** More than one record carrying the same external reference: someone wrote twice, an operator must merge them. */
export function duplicateReference(resource: string, what: string, count: number): ConnectorError {
  return new ConnectorError(SYSTEM, 'conflict', `Rackbeat has ${count} ${resource} records with ${what}; keep one and delete the others.`, {
    resource,
    code: 'DUPLICATE_REFERENCE',
  });
}
