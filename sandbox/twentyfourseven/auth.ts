import { randomBytes } from 'node:crypto';
import type { SandboxContext } from '../kit/server';
import { APPLICATION_ID, USERS, type IdentityRecord, type SessionRecord } from './state';
import { SENTINEL } from './wire';
import { el, kid, SoapFault, text, type XNode } from './xml';

/** ASP.NET's default idle timeout (for 24SO an open point, docs/wire/open-points.md); tests expire sessions through the control endpoint. */
export const SESSION_IDLE_MS = 20 * 60_000;

/** The fault text one client re-logs in on (docs/wire/open-points.md, 24SevenOffice session fault); used for a missing, unknown or expired session. */
export const NOT_AUTHENTICATED = 'Client is not authenticated on this identity';

export function sessionIdFromCookie(cookie: string | undefined): string | undefined {
  for (const part of (cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === 'ASP.NET_SessionId') return v.join('=');
  }
  return undefined;
}

export function findSession(ctx: SandboxContext, cookie: string | undefined): SessionRecord | undefined {
  const id = sessionIdFromCookie(cookie);
  if (!id) return undefined;
  const session = ctx.store.find<SessionRecord>('sessions', (s) => s.sessionId === id);
  if (!session) return undefined;
  if (Date.now() - Date.parse(session.lastUsedAt) > SESSION_IDLE_MS) {
    ctx.store.remove('sessions', (s) => s.sessionId === id);
    return undefined;
  }
  session.lastUsedAt = new Date().toISOString();
  return session;
}

export function requireSession(ctx: SandboxContext, cookie: string | undefined): SessionRecord {
  const session = findSession(ctx, cookie);
  if (!session) throw new SoapFault('soap:Server', `System.Web.Services.Protocols.SoapException: ${NOT_AUTHENTICATED}`);
  return session;
}

const identitiesOf = (ctx: SandboxContext, username: string) => ctx.store.list<IdentityRecord>('identities').filter((i) => i.username === username);

function identityXml(identity: IdentityRecord, current: boolean): string {
  return el(
    'Identity',
    el('Id', identity.Id) +
      el('User', el('ContactId', String(identity.contactId)) + el('Id', identity.userGuid) + text('Name', identity.userName)) +
      el('Client', el('Id', String(identity.clientId)) + text('Name', identity.client)) +
      el('IsCurrent', String(current)) +
      el('IsDefault', String(identity.isDefault)) +
      el('IsProtected', 'false') +
      '<Servers />',
  );
}

interface Credential {
  applicationId: string;
  identityId: string;
  username: string;
  password: string;
}

function readCredential(op: XNode): Credential {
  const c = kid(op, 'credential');
  const t = (n: string) => kid(c, n)?.text.trim() ?? '';
  return { applicationId: t('ApplicationId').toLowerCase(), identityId: t('IdentityId') || SENTINEL.guid, username: t('Username'), password: t('Password') };
}

const userFor = (cred: Credential) =>
  cred.applicationId === APPLICATION_ID
    ? USERS.find((u) => u.username.toLowerCase() === cred.username.toLowerCase() && u.password === cred.password)
    : undefined;

export interface AuthReply {
  inner: string | null;
  setCookie?: string;
}

/** The Authenticate service. Login answers an empty LoginResult on bad credentials, as documented. */
export function authenticate(ctx: SandboxContext, op: string, node: XNode, cookie: string | undefined): AuthReply {
  switch (op) {
    case 'Login': {
      const cred = readCredential(node);
      const user = userFor(cred);
      if (!user) return { inner: '' };
      const identities = identitiesOf(ctx, user.username);
      let identity = identities.find((i) => i.isDefault) ?? identities[0];
      if (cred.identityId !== SENTINEL.guid) {
        const chosen = identities.find((i) => i.Id === cred.identityId);
        if (!chosen) throw new SoapFault('soap:Server', 'Provided IdentityId is blocked. Please use GetIdentitiesWithCredential to get valid identities.');
        identity = chosen;
      }
      const now = new Date().toISOString();
      const sessionId = randomBytes(12).toString('hex').slice(0, 24);
      ctx.store.insert<SessionRecord>('sessions', {
        sessionId,
        username: user.username,
        identityId: identity.Id,
        clientId: identity.clientId,
        createdAt: now,
        lastUsedAt: now,
      });
      return { inner: sessionId, setCookie: `ASP.NET_SessionId=${sessionId}; path=/; HttpOnly; SameSite=Lax` };
    }
    case 'HasSession':
      return { inner: String(findSession(ctx, cookie) !== undefined) };
    case 'GetIdentitiesWithCredential': {
      const user = userFor(readCredential(node));
      return { inner: user ? identitiesOf(ctx, user.username).map((i) => identityXml(i, false)).join('') : '' };
    }
    case 'GetIdentities': {
      const session = requireSession(ctx, cookie);
      return { inner: identitiesOf(ctx, session.username).map((i) => identityXml(i, i.Id === session.identityId)).join('') };
    }
    case 'GetIdentity': {
      const session = requireSession(ctx, cookie);
      const identity = identitiesOf(ctx, session.username).find((i) => i.Id === session.identityId)!;
      return { inner: identityXml(identity, true).replace(/^<Identity>|<\/Identity>$/g, '') };
    }
    case 'SetIdentityById': {
      const session = requireSession(ctx, cookie);
      const wanted = kid(node, 'identityId')?.text.trim().toLowerCase() ?? '';
      const identity = identitiesOf(ctx, session.username).find((i) => i.Id === wanted);
      if (!identity) return { inner: 'false' };
      session.identityId = identity.Id;
      session.clientId = identity.clientId;
      return { inner: 'true' };
    }
    default:
      throw new Error(`unrouted ${op}`);
  }
}

export const AUTH_OPERATIONS = ['Login', 'HasSession', 'GetIdentitiesWithCredential', 'GetIdentities', 'GetIdentity', 'SetIdentityById'];
