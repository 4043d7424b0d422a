// Who signed a request: the access key id and session token of SigV4, from the
// Authorization header or from a presigned URL's query. The emulator never verifies
// signatures; it only needs to know which credentials a call was made with.
import type { IncomingHttpHeaders } from 'node:http';
import {
  type CredentialRefusal,
  credentialRefusalResponse,
  type HttpAnswer,
  type SignedService,
} from './errors.ts';

export interface RequestCredentials {
  accessKeyId: string;
  sessionToken?: string;
}

const CREDENTIAL = /Credential=([^,\s]+)/;

/** The SigV4 credential scope `AKID/20240101/us-east-1/lambda/aws4_request`, split at `/`. */
function credentialScope(
  headers: IncomingHttpHeaders,
  query?: URLSearchParams,
): { scope: string[]; fromHeader: boolean } | undefined {
  const auth = first(headers.authorization);
  const fromHeader = auth?.startsWith('AWS4-') ? CREDENTIAL.exec(auth)?.[1] : undefined;
  if (fromHeader !== undefined) return { scope: fromHeader.split('/'), fromHeader: true };
  const credential = query?.get('X-Amz-Credential');
  return credential ? { scope: credential.split('/'), fromHeader: false } : undefined;
}

/**
 * The region a request was signed for (the third part of its credential scope), which is
 * the region of the endpoint the SDK would have sent it to; undefined when it is unsigned.
 */
export function signingRegion(
  headers: IncomingHttpHeaders,
  query?: URLSearchParams,
): string | undefined {
  const region = credentialScope(headers, query)?.scope[2];
  return region ? region : undefined;
}

export function requestCredentials(
  headers: IncomingHttpHeaders,
  query?: URLSearchParams,
): RequestCredentials | undefined {
  const found = credentialScope(headers, query);
  if (!found) return undefined;
  const accessKeyId = found.scope[0] ?? '';
  if (found.fromHeader) {
    const token = first(headers['x-amz-security-token']);
    return { accessKeyId, ...(token !== undefined ? { sessionToken: token } : {}) };
  }
  const token = query?.get('X-Amz-Security-Token') ?? undefined;
  return { accessKeyId, ...(token ? { sessionToken: token } : {}) };
}

export interface CredentialChecker {
  checkCredentials(
    accessKeyId: string,
    sessionToken?: string,
  ): { ok: true } | ({ ok: false } & CredentialRefusal);
}

/**
 * The answer that refuses a signed call whose credentials expired or are unknown session
 * credentials, in the service's own wire form; undefined when the call may go on (unsigned
 * calls included: each service decides itself whether a signature is required).
 */
export function refuseCredentials(
  checker: CredentialChecker,
  service: SignedService,
  headers: IncomingHttpHeaders,
  query?: URLSearchParams,
): HttpAnswer | undefined {
  const creds = requestCredentials(headers, query);
  if (!creds) return undefined;
  const check = checker.checkCredentials(creds.accessKeyId, creds.sessionToken);
  return check.ok ? undefined : credentialRefusalResponse(service, check);
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
