import { z } from 'zod';

/**
 * `server:` in a tenant file: where the shops reach Siirto's HTTP server (client/http.ts). With `publicUrl` set,
 * go-live registers the shops' webhooks at `<publicUrl>/webhooks/<system>/<tenant>?shop=<id>`; without it they are
 * registered by hand and the reconciliation poll covers the shops meanwhile.
 */
export const ServerSettings = z
  .object({
    /** The address the shops post to, as they see it: http(s), no trailing slash (e.g. https://siirto.example.fi). */
    publicUrl: z
      .string()
      .refine((v) => /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(v), 'must be an http(s) URL such as https://siirto.example.fi')
      .refine((v) => !v.endsWith('/'), 'must not end with a slash'),
  })
  .strict();
export type ServerSettings = z.infer<typeof ServerSettings>;
