import { ConnectorError } from '../kit/errors';
import { createHttpTransport, type HttpTransport } from '../kit/http';
import { parseResponse } from '../kit/parse';
import { classifyFault, classifyHttp, invalidCredentials, SYSTEM } from './errors';
import { IdentityList, TwentyFourSevenCredentials, type Identity } from './schemas';
import { el, envelope, readEnvelope, SERVICE_PATHS, soapAction, text } from './soap';
import { SENTINEL } from './wire';

/**
 * `Authenticate.GetIdentitiesWithCredential`: the identities (user × company) a login may work in, asked with the
 * credential itself and without opening a session. Onboarding uses it before a company is chosen: the client's own
 * login refuses to pick one of several companies by itself. An empty list is what 24SevenOffice answers for a
 * credential it does not accept, so it reads as the standard credentials error.
 */
export async function listIdentitiesWithCredential(
  credentials: Omit<TwentyFourSevenCredentials, 'identityId'>,
  transport?: HttpTransport,
): Promise<Identity[]> {
  const parsed = TwentyFourSevenCredentials.safeParse(credentials);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConnectorError(SYSTEM, 'credentials', `24SevenOffice connection settings are incomplete: ${issue.path.join('.')}: ${issue.message}`, {
      field: issue.path.join('.'),
    });
  }
  const c = parsed.data;
  const http = transport ?? createHttpTransport(SYSTEM, c.baseUrl, 30_000);
  const operation = 'GetIdentitiesWithCredential';
  const credential = el(
    'credential',
    text('ApplicationId', c.applicationId) + text('IdentityId', SENTINEL.guid) + text('Password', c.password) + text('Username', c.username),
  );
  const res = await http.request({
    method: 'POST',
    url: SERVICE_PATHS.authenticate,
    headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: soapAction(operation) },
    body: envelope(operation, credential),
  });
  const reply = readEnvelope(operation, res.body);
  if (reply.kind === 'fault') throw classifyFault(reply.fault, 'login');
  if (reply.kind === 'unreadable') {
    if (res.status !== 200) throw classifyHttp(res.status, 'identities', SERVICE_PATHS.authenticate);
    throw new ConnectorError(SYSTEM, 'transient', `24SevenOffice sent an unreadable reply to ${operation} (${reply.reason})`, { resource: 'identities' });
  }
  const identities = parseResponse(SYSTEM, 'identities', IdentityList, reply.result);
  if (identities.length === 0) throw invalidCredentials();
  return identities;
}
