// AWS credentials for `role-to-assume`: a GitHub OIDC token traded for role session
// credentials through STS AssumeRoleWithWebIdentity, refreshed before they expire so a
// release longer than one session keeps working (docs/aws-semantics.md).
import type { AwsCredentialIdentity } from '@smithy/types';
import { assumeRoleError, type CredentialStage, idTokenError } from './credential-errors.ts';

export const DEFAULT_AUDIENCE = 'sts.amazonaws.com';
/** Fetch new credentials this long before the current ones expire. */
export const REFRESH_BEFORE_MS = 10 * 60_000;
/** When a refresh fails, the current credentials stay in use while this much of them is left. */
const KEEP_ON_FAILURE_MS = 60_000;

export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** epoch ms */
  expiration: number;
}

export interface AssumeRequest {
  roleArn: string;
  sessionName: string;
  durationSeconds: number;
  webIdentityToken: string;
}

/** One AssumeRoleWithWebIdentity call (the default speaks to STS through the SDK). */
export type AssumeRole = (request: AssumeRequest) => Promise<SessionCredentials>;

export interface RoleCredentialOptions {
  roleArn: string;
  sessionName: string;
  durationSeconds: number;
  /** `core.getIDToken` in the shell. */
  getIdToken(audience: string): Promise<string>;
  audience?: string;
  /** epoch ms; the release's clock. */
  now(): number;
  assume: AssumeRole;
  /** The job's environment (for the wording of a token failure). */
  env: Record<string, string | undefined>;
  refreshBeforeMs?: number;
  /** Told about every new set of credentials (never their secrets). */
  onRefresh?(info: { accessKeyId: string; expiration: number; refreshes: number }): void;
}

/** An SDK credential provider that caches and refreshes itself. */
export type RoleCredentialProvider = (() => Promise<AwsCredentialIdentity>) & {
  /** Tells the SDK not to wrap it in its own cache, which judges expiry by the real clock. */
  memoized: true;
  /** AWS refused the current credentials as expired: the next call fetches new ones. */
  invalidate(): void;
};

/**
 * How long before expiry to refresh: REFRESH_BEFORE_MS, or a sixth of the lifetime the
 * credentials showed when they came (an hour's session: 10 min), whichever is less. Judged on
 * the lifetime as this clock sees it, so a skewed clock (or an emulator's scaled one) still
 * refreshes within the session.
 */
function refreshMargin(o: RoleCredentialOptions, c: SessionCredentials, receivedAt: number) {
  const lifetime = c.expiration - receivedAt;
  return Math.min(
    o.refreshBeforeMs ?? REFRESH_BEFORE_MS,
    (o.durationSeconds * 1000) / 2,
    lifetime / 6,
  );
}

export function roleCredentialProvider(o: RoleCredentialOptions): RoleCredentialProvider {
  const audience = o.audience ?? DEFAULT_AUDIENCE;
  let current: { creds: SessionCredentials; refreshAt: number; keepUntil: number } | undefined;
  let pending: Promise<SessionCredentials> | undefined;
  let refreshes = 0;

  const fetchNew = async (): Promise<SessionCredentials> => {
    const stage: CredentialStage = current ? 'refresh' : 'first';
    // A fresh token every time: GitHub's expire within minutes.
    const token = await o.getIdToken(audience).catch((e: unknown) => {
      throw idTokenError(e, stage, o.env);
    });
    const request = {
      roleArn: o.roleArn,
      sessionName: o.sessionName,
      durationSeconds: o.durationSeconds,
    };
    const creds = await o.assume({ ...request, webIdentityToken: token }).catch((e: unknown) => {
      throw assumeRoleError(e, { ...request, audience }, stage, token);
    });
    o.onRefresh?.({ accessKeyId: creds.accessKeyId, expiration: creds.expiration, refreshes });
    refreshes++;
    return creds;
  };

  const provider = async (): Promise<AwsCredentialIdentity> => {
    if (!current || o.now() >= current.refreshAt) {
      pending ??= fetchNew().finally(() => {
        pending = undefined;
      });
      try {
        const creds = await pending;
        const at = o.now();
        const margin = refreshMargin(o, creds, at);
        const keep = Math.min(KEEP_ON_FAILURE_MS, margin / 2);
        current = {
          creds,
          refreshAt: creds.expiration - margin,
          keepUntil: creds.expiration - keep,
        };
      } catch (e) {
        if (!current || o.now() >= current.keepUntil) throw e;
      }
    }
    return identity(current.creds);
  };
  const invalidate = () => {
    if (current) current = { ...current, refreshAt: 0, keepUntil: 0 };
  };
  return Object.assign(provider, { memoized: true as const, invalidate });
}

function identity(c: SessionCredentials): AwsCredentialIdentity {
  return {
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    sessionToken: c.sessionToken,
    expiration: new Date(c.expiration),
  };
}

/** The default AssumeRole: the STS client, loaded only when role-to-assume is used. */
export function stsAssumeRole(config: { region: string; endpoint?: string }): AssumeRole {
  let client: Promise<{ send(request: AssumeRequest): Promise<SessionCredentials> }> | undefined;
  const load = async () => {
    const sts = await import('@aws-sdk/client-sts');
    // AssumeRoleWithWebIdentity is unsigned: the client needs no credentials of its own.
    const c = new sts.STSClient({
      region: config.region,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      maxAttempts: 5,
    });
    return {
      async send(r: AssumeRequest): Promise<SessionCredentials> {
        const out = await c.send(
          new sts.AssumeRoleWithWebIdentityCommand({
            RoleArn: r.roleArn,
            RoleSessionName: r.sessionName,
            WebIdentityToken: r.webIdentityToken,
            DurationSeconds: r.durationSeconds,
          }),
        );
        const k = out.Credentials;
        if (!k?.AccessKeyId || !k.SecretAccessKey || !k.SessionToken || !k.Expiration) {
          throw new Error('STS answered without credentials');
        }
        return {
          accessKeyId: k.AccessKeyId,
          secretAccessKey: k.SecretAccessKey,
          sessionToken: k.SessionToken,
          expiration: k.Expiration.getTime(),
        };
      },
    };
  };
  return async (request) => {
    client ??= load();
    return (await client).send(request);
  };
}

/** The provider for `role-to-assume` as the shell builds it: the real clock, STS through the SDK. */
export function roleToAssumeCredentials(
  role: { roleArn: string; sessionName: string; audience: string; durationSeconds: number },
  region: string,
  getIdToken: (audience: string) => Promise<string>,
  onRefresh?: RoleCredentialOptions['onRefresh'],
): RoleCredentialProvider {
  return roleCredentialProvider({
    ...role,
    getIdToken,
    now: Date.now,
    assume: stsAssumeRole({ region }),
    env: process.env,
    ...(onRefresh ? { onRefresh } : {}),
  });
}
