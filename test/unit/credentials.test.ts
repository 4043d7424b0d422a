// The role-to-assume credential provider: when it asks STS, what it hands the SDK, and how
// its failures read. Clock, OIDC token and STS are fakes; no real time passes.
import { describe, expect, it } from 'vitest';
import { isExpiredCredentials } from '../../src/aws/credential-errors.ts';
import {
  type AssumeRequest,
  roleCredentialProvider,
  type SessionCredentials,
} from '../../src/aws/credentials.ts';

const ROLE = 'arn:aws:iam::210987654321:role/deploy-orders';
const T0 = Date.UTC(2030, 0, 1);
const minutes = (n: number) => n * 60_000;
const jwt = (sub: string) =>
  [
    'e30',
    Buffer.from(JSON.stringify({ sub, aud: 'sts.amazonaws.com' })).toString('base64url'),
    'c2ln',
  ].join('.');
const JOB_ENV = {
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://runner/token?api-version=2.0',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't',
};

function setup(
  overrides: {
    assume?: (r: AssumeRequest) => Promise<SessionCredentials>;
    getIdToken?: (a: string) => Promise<string>;
    env?: Record<string, string>;
    /** How long each session lasts by this clock (default: the duration asked for). */
    lifetimeMs?: number;
  } = {},
) {
  let now = T0;
  const audiences: string[] = [];
  const requests: AssumeRequest[] = [];
  let n = 0;
  const provider = roleCredentialProvider({
    roleArn: ROLE,
    sessionName: 'release',
    durationSeconds: 3600,
    now: () => now,
    env: overrides.env ?? JOB_ENV,
    getIdToken:
      overrides.getIdToken ??
      (async (aud) => {
        audiences.push(aud);
        return jwt('repo:octo-org/orders:ref:refs/heads/main');
      }),
    assume:
      overrides.assume ??
      (async (r) => {
        requests.push(r);
        n++;
        return {
          accessKeyId: `ASIA${n}`,
          secretAccessKey: 's',
          sessionToken: `tok${n}`,
          expiration: now + (overrides.lifetimeMs ?? r.durationSeconds * 1000),
        };
      }),
  });
  return { provider, requests, audiences, advance: (ms: number) => (now += ms) };
}

describe('roleCredentialProvider', () => {
  it('tells the SDK it caches itself, so the SDK re-asks on every call instead of judging expiry by the real clock', () => {
    expect(setup().provider.memoized).toBe(true);
  });

  it('assumes once, then serves the cached credentials until 10 minutes before expiry', async () => {
    const { provider, requests, audiences, advance } = setup();
    const first = await provider();
    expect(first).toMatchObject({
      accessKeyId: 'ASIA1',
      sessionToken: 'tok1',
      expiration: new Date(T0 + minutes(60)),
    });
    advance(minutes(49));
    expect((await provider()).accessKeyId).toBe('ASIA1');
    advance(minutes(1)); // 10 minutes left
    expect((await provider()).accessKeyId).toBe('ASIA2');
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({
      roleArn: ROLE,
      sessionName: 'release',
      durationSeconds: 3600,
    });
    // A fresh OIDC token for each assume, for the STS audience.
    expect(audiences).toEqual(['sts.amazonaws.com', 'sts.amazonaws.com']);
  });

  it('covers a 90-minute release with one refresh per session', async () => {
    const { provider, requests, advance } = setup();
    const keys = new Set<string>();
    for (let t = 0; t <= 90; t++) {
      const c = await provider();
      expect(c.expiration?.getTime()).toBeGreaterThan(T0 + minutes(t));
      keys.add(c.accessKeyId);
      advance(minutes(1));
    }
    expect([...keys]).toEqual(['ASIA1', 'ASIA2']);
    expect(requests).toHaveLength(2);
  });

  it('asks STS once when many calls need credentials at the same time', async () => {
    const { provider, requests } = setup();
    await Promise.all([provider(), provider(), provider()]);
    expect(requests).toHaveLength(1);
  });

  it('keeps the current credentials when a refresh fails while they still last', async () => {
    let fail = false;
    let n = 0;
    const { provider, advance } = setup({
      assume: async (r) => {
        if (fail) throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
        n++;
        return {
          accessKeyId: `ASIA${n}`,
          secretAccessKey: 's',
          sessionToken: 't',
          expiration: T0 + r.durationSeconds * 1000,
        };
      },
    });
    await provider();
    fail = true;
    advance(minutes(55));
    expect((await provider()).accessKeyId).toBe('ASIA1');
    advance(minutes(4.5)); // 30 s left: no longer worth keeping
    await expect(provider()).rejects.toThrow(/STS AssumeRoleWithWebIdentity failed .* refreshing/);
  });

  it('names STS, the role, the token subject and the trust policy when AccessDenied', async () => {
    const denied = Object.assign(
      new Error('Not authorized to perform sts:AssumeRoleWithWebIdentity'),
      { name: 'AccessDenied' },
    );
    const { provider } = setup({ assume: async () => Promise.reject(denied) });
    const error = (await provider().catch((e: unknown) => e)) as Error & { code: string };
    expect(error.code).toBe('ASSUME_ROLE_DENIED');
    expect(error.message).toBe(
      `STS AssumeRoleWithWebIdentity failed for role-to-assume ${ROLE} while getting AWS credentials for role-to-assume before the release: ` +
        'AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity. ' +
        "The role's trust policy must allow the GitHub OIDC provider (token.actions.githubusercontent.com) with " +
        '`token.actions.githubusercontent.com:sub` matching `repo:octo-org/orders:ref:refs/heads/main` and `:aud` sts.amazonaws.com; ' +
        'also check that the role ARN is right.',
    );
  });

  it('gives OIDC_TOKEN_UNAVAILABLE without a token, ASSUME_ROLE_FAILED when STS fails otherwise', async () => {
    const codeOf = async (p: () => Promise<unknown>) =>
      ((await p().catch((e: unknown) => e)) as { code?: string }).code;
    const noToken = setup({
      env: {},
      getIdToken: async () =>
        Promise.reject(new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable')),
    });
    expect(await codeOf(noToken.provider)).toBe('OIDC_TOKEN_UNAVAILABLE');
    const throttled = setup({
      assume: async () =>
        Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' })),
    });
    expect(await codeOf(throttled.provider)).toBe('ASSUME_ROLE_FAILED');
  });

  it('names the missing job permission when the job cannot request OIDC tokens', async () => {
    const { provider, requests } = setup({
      env: {},
      getIdToken: async () =>
        Promise.reject(
          new Error('Error message: Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable'),
        ),
    });
    await expect(provider()).rejects.toThrow(
      /^Could not get a GitHub OIDC token while getting AWS credentials for role-to-assume before the release: Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable\. .*ACTIONS_ID_TOKEN_REQUEST_URL is not set\)\. Add `permissions: id-token: write` to the job/,
    );
    expect(requests).toEqual([]);
  });

  it('names the role maximum when DurationSeconds is too long for it', async () => {
    const tooLong = Object.assign(
      new Error('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'),
      { name: 'ValidationError' },
    );
    const { provider } = setup({ assume: async () => Promise.reject(tooLong) });
    await expect(provider()).rejects.toThrow(
      /Raise the role's maximum session duration to at least 3600 s/,
    );
  });
});

describe('isExpiredCredentials', () => {
  const err = (name: string, message: string) => Object.assign(new Error(message), { name });
  it.each([
    ['ExpiredTokenException', 'The security token included in the request is expired'],
    ['ExpiredToken', 'The provided token has expired.'],
    ['Unknown', 'The security token included in the request is expired'],
  ])('knows %s: %s', (name, message) => {
    expect(isExpiredCredentials(err(name, message))).toBe(true);
  });
  it.each([
    ['AccessDeniedException', 'User is not authorized'],
    ['RequestExpired', 'Request has expired'],
    ['ThrottlingException', 'Rate exceeded'],
  ])('does not take %s for expiry', (name, message) => {
    expect(isExpiredCredentials(err(name, message))).toBe(false);
  });
  it('handles what is not an error', () => {
    expect(isExpiredCredentials(undefined)).toBe(false);
    expect(isExpiredCredentials('The security token included in the request is expired')).toBe(
      true,
    );
  });
});

describe('a session that looks short by this clock', () => {
  it('refreshes a sixth of its lifetime before the end (an emulator at scale, or a skewed clock)', async () => {
    // The hour arrives as 6 s from now by this clock.
    const { provider, advance } = setup({ lifetimeMs: 6_000 });
    expect((await provider()).accessKeyId).toBe('ASIA1');
    advance(4_900);
    expect((await provider()).accessKeyId).toBe('ASIA1');
    advance(200); // 0.9 s left: inside the last sixth
    expect((await provider()).accessKeyId).toBe('ASIA2');
  });

  it('gets new credentials at once after AWS refused the current ones as expired', async () => {
    const { provider, requests } = setup();
    await provider();
    provider.invalidate();
    expect((await provider()).accessKeyId).toBe('ASIA2');
    expect(requests).toHaveLength(2);
  });
});
