import type { HttpResponse } from './http';

/**
 * For OAuth client-credential APIs (Procountor, Severa): a 401 may only mean the token lapsed on the server's clock
 * before ours, so the request is sent once more with a fresh token; a second 401 means the credentials are wrong.
 */
export async function sendWithTokenRenewal(
  send: (token: string) => Promise<HttpResponse>,
  token: { get(): Promise<string>; forget(): void },
  invalidCredentials: () => Error,
): Promise<HttpResponse> {
  let res = await send(await token.get());
  if (res.status !== 401) return res;
  token.forget();
  res = await send(await token.get());
  if (res.status === 401) {
    token.forget();
    throw invalidCredentials();
  }
  return res;
}
