import type { SandboxContext } from '../kit/server';
import type { WireRecord } from './wire';

/**
 * Fixed fixtures and record shapes. Every data record carries the client (company) it belongs to: a login sees
 * two companies, and what a call sees depends on the identity its session is set to.
 */
export const APPLICATION_ID = '00000000-0000-0000-0000-000000000024';

export interface ClientFixture {
  clientId: number;
  name: string;
}
export const CLIENTS: ClientFixture[] = [
  { clientId: 24001, name: 'Siirto Demo AS' },
  { clientId: 24002, name: 'Siirto Demo Oy' },
];

export interface IdentityRecord extends WireRecord {
  Id: string;
  username: string;
  userName: string;
  userGuid: string;
  contactId: number;
  clientId: number;
  client: string;
  isDefault: boolean;
}

interface UserFixture {
  username: string;
  password: string;
  displayName: string;
  userGuid: string;
  identities: Array<{ id: string; clientId: number; isDefault: boolean }>;
}

/** `single@siirto.test` sees one company only, to exercise the "nothing to choose" path. */
export const USERS: UserFixture[] = [
  {
    username: 'sandbox@siirto.test',
    password: 'sandbox',
    displayName: 'Sandbox Integration',
    userGuid: '5a2d0000-0000-4000-8000-000000000001',
    identities: [
      { id: '1d000000-0000-4000-8000-000000024001', clientId: 24001, isDefault: true },
      { id: '1d000000-0000-4000-8000-000000024002', clientId: 24002, isDefault: false },
    ],
  },
  {
    username: 'single@siirto.test',
    password: 'sandbox',
    displayName: 'Single Company User',
    userGuid: '5a2d0000-0000-4000-8000-000000000002',
    identities: [{ id: '1d000000-0000-4000-8000-000000124001', clientId: 24001, isDefault: true }],
  },
];

export interface SessionRecord extends WireRecord {
  sessionId: string;
  username: string;
  identityId: string;
  clientId: number;
  createdAt: string;
  lastUsedAt: string;
}

/** Stored data: the WSDL property names, plus the owning client. */
export interface OwnedRecord extends WireRecord {
  clientId: number;
  client: string;
}

export const clientName = (clientId: number): string => CLIENTS.find((c) => c.clientId === clientId)?.name ?? String(clientId);

export function restoreIdentities(ctx: SandboxContext): void {
  for (const user of USERS) {
    for (const [i, identity] of user.identities.entries()) {
      ctx.store.insert<IdentityRecord>('identities', {
        Id: identity.id,
        username: user.username,
        userName: user.displayName,
        userGuid: user.userGuid,
        contactId: 900 + i,
        clientId: identity.clientId,
        client: clientName(identity.clientId),
        isDefault: identity.isDefault,
      });
    }
  }
}

let lastStamp = 0;
/** Change stamps strictly increase, so ChangedAfter = the last DateChanged seen never re-reads or skips a write. */
export function changeStamp(): string {
  const t = Math.max(Date.now(), lastStamp + 1);
  lastStamp = t;
  return new Date(t).toISOString();
}

export const owned = <T extends OwnedRecord>(ctx: SandboxContext, collection: string, clientId: number): T[] =>
  ctx.store.list<T>(collection).filter((r) => r.clientId === clientId);
