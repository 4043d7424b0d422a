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

const CREDENTIAL = /Credential=([^/,\s]+)\//;

/** `AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/lambda/aws4_request, ...` → AKID. */
export function accessKeyIdFromAuthorization(
  authorization: string | undefined,
): string | undefined {
  if (!authorization?.startsWith('AWS4-')) return undefined;
  return CREDENTIAL.exec(authorization)?.[1];
}

export function requestCredentials(
  headers: IncomingHttpHeaders,
  query?: URLSearchParams,
): RequestCredentials | undefined {
  const auth = first(headers.authorization);
  const fromHeader = accessKeyIdFromAuthorization(auth);
  if (fromHeader !== undefined) {
    const token = first(headers['x-amz-security-token']);
    return { accessKeyId: fromHeader, ...(token !== undefined ? { sessionToken: token } : {}) };
  }
  const credential = query?.get('X-Amz-Credential');
  if (!credential) return undefined;
  const token = query?.get('X-Amz-Security-Token') ?? undefined;
  return { accessKeyId: credential.split('/')[0] ?? '', ...(token ? { sessionToken: token } : {}) };
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
