// STS state: OIDC identity providers, roles that trust them, and the session credentials
// AssumeRoleWithWebIdentity hands out. Sessions expire on the emulator's clock; every other
// service asks `checkCredentials` before it answers (docs/aws-semantics.md).
import { randomBytes } from 'node:crypto';
import { decodeJwt, GITHUB_ISSUER, type JwtClaims } from '../oidc.ts';
import {
  type CredentialRefusal,
  EXPIRED_MESSAGE,
  INVALID_MESSAGE,
  NOT_AUTHORIZED,
  StsError,
} from './errors.ts';

export interface RoleSpec {
  arn: string;
  /** IAM StringLike pattern for the token's `sub` (`*`, `?`); default `repo:*`. */
  trustedSubject?: string;
  /** The `aud` the trust policy requires; default sts.amazonaws.com. */
  audience?: string;
  /** The role's MaxSessionDuration, 3600..43200 s; default 3600. */
  maxSessionSeconds?: number;
}

export interface OidcProvider {
  issuer: string;
  /** The provider's client id list: audiences STS accepts at all. */
  clientIds: string[];
}

export interface Session {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Emulated epoch ms. */
  expiration: number;
  roleArn: string;
  sessionName: string;
  subject: string;
  audience: string;
  issuer: string;
}

export interface AssumeInput {
  RoleArn?: string;
  RoleSessionName?: string;
  WebIdentityToken?: string;
  DurationSeconds?: string;
}

export type CredentialCheck = { ok: true; session?: Session } | ({ ok: false } & CredentialRefusal);

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

export class StsModel {
  readonly #now: () => number;
  readonly #roles = new Map<string, Required<RoleSpec>>();
  readonly #providers = new Map<string, OidcProvider>();
  readonly #sessions = new Map<string, Session>();
  /** Every AssumeRoleWithWebIdentity call, answered or refused, in order. */
  readonly assumeCalls: { roleArn: string; durationSeconds: number; outcome: string }[] = [];

  constructor(now: () => number) {
    this.#now = now;
    this.reset();
  }

  reset(): void {
    this.#roles.clear();
    this.#sessions.clear();
    this.#providers.clear();
    this.assumeCalls.length = 0;
    this.addProvider({ issuer: GITHUB_ISSUER, clientIds: ['sts.amazonaws.com'] });
  }

  addProvider(p: OidcProvider): void {
    this.#providers.set(p.issuer, { issuer: p.issuer, clientIds: [...p.clientIds] });
  }

  configureRole(spec: RoleSpec): void {
    if (!ROLE_ARN.test(spec.arn)) throw new Error(`not a role ARN: ${spec.arn}`);
    const max = spec.maxSessionSeconds ?? 3600;
    if (!(max >= 3600 && max <= 43200))
      throw new Error(`MaxSessionDuration ${max} not in 3600..43200`);
    this.#roles.set(spec.arn, {
      arn: spec.arn,
      trustedSubject: spec.trustedSubject ?? 'repo:*',
      audience: spec.audience ?? 'sts.amazonaws.com',
      maxSessionSeconds: max,
    });
  }

  sessions(): Session[] {
    return [...this.#sessions.values()].map((s) => ({ ...s }));
  }

  /** Move a session's expiry (all sessions when no key is given); default: now. */
  expire(accessKeyId?: string, at = this.#now()): void {
    for (const s of this.#sessions.values()) {
      if (accessKeyId === undefined || s.accessKeyId === accessKeyId) s.expiration = at;
    }
  }

  /**
   * Whether a signed call may go on. Keys this model did not issue (the tests' static
   * AKIATESTFAKE and the like) are accepted; issued ones must carry their token and be unexpired.
   */
  checkCredentials(accessKeyId: string, sessionToken?: string): CredentialCheck {
    const s = this.#sessions.get(accessKeyId);
    if (!s) return { ok: true };
    if (sessionToken !== s.sessionToken) {
      return { ok: false, code: 'InvalidClientTokenId', message: INVALID_MESSAGE };
    }
    if (this.#now() >= s.expiration) {
      return { ok: false, code: 'ExpiredTokenException', message: EXPIRED_MESSAGE };
    }
    return { ok: true, session: { ...s } };
  }

  assumeRoleWithWebIdentity(input: AssumeInput): Session {
    const durationSeconds = Number(input.DurationSeconds ?? 3600);
    try {
      const session = this.#assume(input, durationSeconds);
      this.assumeCalls.push({ roleArn: session.roleArn, durationSeconds, outcome: 'ok' });
      return { ...session };
    } catch (e) {
      const code = e instanceof StsError ? e.code : 'InternalFailure';
      this.assumeCalls.push({ roleArn: input.RoleArn ?? '', durationSeconds, outcome: code });
      throw e;
    }
  }

  #assume(input: AssumeInput, durationSeconds: number): Session {
    const { roleArn, sessionName } = validateAssumeInput(input, durationSeconds);
    const claims = this.#verifyToken(input.WebIdentityToken ?? '');
    const role = this.#roles.get(roleArn);
    const trusted =
      role !== undefined &&
      role.audience === claims.aud &&
      stringLike(role.trustedSubject, claims.sub);
    if (!trusted) throw new StsError(403, 'AccessDenied', NOT_AUTHORIZED);
    if (durationSeconds > role.maxSessionSeconds) {
      throw new StsError(
        400,
        'ValidationError',
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      );
    }
    const session: Session = {
      accessKeyId: `ASIA${randomId(16)}`,
      secretAccessKey: randomBytes(30).toString('base64').slice(0, 40),
      sessionToken: randomBytes(96).toString('base64'),
      expiration: this.#now() + durationSeconds * 1000,
      roleArn,
      sessionName,
      subject: claims.sub,
      audience: claims.aud,
      issuer: claims.iss,
    };
    this.#sessions.set(session.accessKeyId, session);
    return session;
  }

  #verifyToken(token: string): JwtClaims {
    const claims = decodeJwt(token);
    if (!claims)
      throw new StsError(
        400,
        'InvalidIdentityToken',
        'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)',
      );
    const provider = this.#providers.get(claims.iss);
    if (!provider) {
      throw new StsError(
        400,
        'InvalidIdentityToken',
        `No OpenIDConnect provider found in your account for ${claims.iss}`,
      );
    }
    if (!provider.clientIds.includes(claims.aud)) {
      throw new StsError(400, 'InvalidIdentityToken', 'Incorrect token audience');
    }
    const now = Math.floor(this.#now() / 1000);
    if (now >= claims.exp) {
      throw new StsError(
        400,
        'ExpiredTokenException',
        `Token expired: current date/time ${now} must be before the expiration date/time${claims.exp}`,
      );
    }
    return claims;
  }
}

/** Account, role name and ARN parts of an assumed-role session. */
export function assumedRoleArn(s: Pick<Session, 'roleArn' | 'sessionName'>): {
  arn: string;
  account: string;
  roleId: string;
} {
  const m = ROLE_ARN.exec(s.roleArn);
  const account = m?.[1] ?? '000000000000';
  const name = m?.[2] ?? 'role';
  const partition = s.roleArn.split(':')[1] ?? 'aws';
  const roleId = `AROA${randomIdFrom(s.roleArn)}`;
  return {
    arn: `arn:${partition}:sts::${account}:assumed-role/${name}/${s.sessionName}`,
    account,
    roleId,
  };
}

function validateAssumeInput(
  input: AssumeInput,
  durationSeconds: number,
): { roleArn: string; sessionName: string } {
  const problems: string[] = [];
  const roleArn = input.RoleArn ?? '';
  const sessionName = input.RoleSessionName ?? '';
  if (roleArn.length < 20)
    problems.push(
      `Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20`,
    );
  if (!SESSION_NAME.test(sessionName))
    problems.push(
      `Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
    );
  if (!Number.isInteger(durationSeconds) || durationSeconds < 900)
    problems.push(
      `Value '${input.DurationSeconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`,
    );
  else if (durationSeconds > 43200)
    problems.push(
      `Value '${input.DurationSeconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200`,
    );
  if ((input.WebIdentityToken ?? '').length < 4)
    problems.push(
      `Value at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4`,
    );
  if (problems.length > 0) {
    const n = problems.length;
    throw new StsError(
      400,
      'ValidationError',
      `${n} validation error${n > 1 ? 's' : ''} detected: ${problems.join('; ')}`,
    );
  }
  return { roleArn, sessionName };
}

/** IAM's StringLike: `*` any run of characters, `?` exactly one. */
export function stringLike(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(value);
}

const KEY_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomId(n: number): string {
  let s = '';
  for (const b of randomBytes(n)) s += KEY_CHARS[b % KEY_CHARS.length];
  return s;
}

function randomIdFrom(seed: string): string {
  let s = '';
  for (let i = 0; i < 17; i++)
    s += KEY_CHARS[(seed.charCodeAt(i % seed.length) * (i + 7)) % KEY_CHARS.length];
  return s;
}
