import type { z } from 'zod';
import type { Service } from './soap';

/** What the resource modules need from the client: one authenticated, paced, classified SOAP call. */
export interface SoapCaller {
  call<S extends z.ZodType>(service: Service, operation: string, inner: string, schema: S, resource: string): Promise<z.infer<S>>;
}
