// A stand-in for the GitHub runner's OIDC token endpoint. A job with `permissions: id-token:
// write` gets ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN; @actions/core
// getIDToken GETs `${URL}&audience=<aud>` with `Authorization: Bearer <TOKEN>` and reads
// {"value": "<JWT>"}. The JWT's signature is a placeholder: the STS emulator reads only its
// claims (iss, sub, aud, exp), which is where AWS's own decisions come from.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { HttpAnswer } from './sts/errors.ts';

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

export interface JwtClaims {
  iss: string;
  sub: string;
  aud: string;
  /** epoch seconds */
  exp: number;
  iat: number;
  [claim: string]: unknown;
}

export function encodeJwt(claims: JwtClaims): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const signature = randomBytes(32).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT', kid: 'emulator' })}.${part(claims)}.${signature}`;
}

/** The claims of a JWT, or undefined when it is not one. */
export function decodeJwt(token: string): JwtClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8'));
    if (typeof claims !== 'object' || claims === null) return undefined;
    const c = claims as Record<string, unknown>;
    const ok =
      typeof c.iss === 'string' &&
      typeof c.sub === 'string' &&
      typeof c.aud === 'string' &&
      typeof c.exp === 'number';
    return ok ? (c as JwtClaims) : undefined;
  } catch {
    return undefined;
  }
}

export interface OidcOptions {
  /** Emulated epoch ms. */
  now(): number;
  /** `repo:<owner>/<repo>:ref:refs/heads/main` unless set. */
  subject?: string;
  repository?: string;
  /** Token lifetime in emulated ms (GitHub's are minutes; 5 min here). */
  lifetimeMs?: number;
}

/** The runner's token endpoint: answers GET <path>?api-version=2.0&audience=<aud>. */
export class OidcTokenService {
  readonly path = '/_oidc/token';
  readonly requestToken = randomBytes(24).toString('hex');
  readonly #options: OidcOptions;
  subject: string;
  lifetimeMs: number;
  /** Tokens handed out, in order (audience and claims), for tests to assert. */
  readonly issued: JwtClaims[] = [];

  constructor(options: OidcOptions) {
    this.#options = options;
    this.subject =
      options.subject ?? `repo:${options.repository ?? 'octo-org/orders'}:ref:refs/heads/main`;
    this.lifetimeMs = options.lifetimeMs ?? 5 * 60_000;
  }

  /** Back to the defaults it was made with; forgets the tokens handed out. */
  reset(): void {
    this.subject =
      this.#options.subject ??
      `repo:${this.#options.repository ?? 'octo-org/orders'}:ref:refs/heads/main`;
    this.lifetimeMs = this.#options.lifetimeMs ?? 5 * 60_000;
    this.issued.length = 0;
  }

  get requests(): number {
    return this.issued.length;
  }

  /** The two variables a job with `id-token: write` has, for a server at `baseUrl`. */
  env(baseUrl: string): Record<string, string> {
    return {
      ACTIONS_ID_TOKEN_REQUEST_URL: `${baseUrl}${this.path}?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: this.requestToken,
    };
  }

  handles(url: URL): boolean {
    return url.pathname === this.path;
  }

  handle(req: Pick<IncomingMessage, 'method' | 'headers'>, url: URL): HttpAnswer {
    if (req.method !== 'GET') return answer(405, { message: 'Method not allowed' });
    if (req.headers.authorization !== `Bearer ${this.requestToken}`) {
      return answer(401, { message: 'Bad credentials' });
    }
    const now = this.#options.now();
    const claims: JwtClaims = {
      iss: GITHUB_ISSUER,
      sub: this.subject,
      aud: url.searchParams.get('audience') ?? `https://github.com/${this.#owner()}`,
      iat: Math.floor(now / 1000),
      nbf: Math.floor(now / 1000) - 5,
      exp: Math.floor((now + this.lifetimeMs) / 1000),
      repository: this.subject.split(':')[1] ?? '',
    };
    this.issued.push(claims);
    return answer(200, { value: encodeJwt(claims) });
  }

  #owner(): string {
    return (this.subject.split(':')[1] ?? '').split('/')[0] ?? '';
  }
}

function answer(status: number, body: object): HttpAnswer {
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
  };
}
