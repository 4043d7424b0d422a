// STS AssumeRoleWithWebIdentity / GetCallerIdentity and the OIDC token stand-in, through the
// real SDK clients and @actions/core getIDToken; expiry on the emulated clock.

import * as core from '@actions/core';
import { CodeDeployClient, GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { roleCredentialProvider, stsAssumeRole } from '../../src/aws/credentials.ts';
import { encodeJwt, GITHUB_ISSUER } from '../emulator/oidc.ts';
import { awsError, expectAwsError } from './helpers.ts';
import { startFront, type TestFront } from './sts-s3-server.ts';

const ROLE = 'arn:aws:iam::210987654321:role/deploy-orders';
const region = 'us-east-1';
let front: TestFront;

beforeAll(async () => {
  front = await startFront();
});
afterAll(() => front.close());
beforeEach(() => {
  front.sts.reset();
  front.calls.length = 0;
  front.oidc.issued.length = 0;
  front.sts.configureRole({
    arn: ROLE,
    trustedSubject: 'repo:octo-org/orders:*',
    maxSessionSeconds: 7200,
  });
  for (const [k, v] of Object.entries(front.oidc.env(front.url))) vi.stubEnv(k, v);
  // getIDToken announces the token as a secret and logs the URL; keep the test output quiet.
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

const minutes = (n: number) => n * 60_000;
const advance = (ms: number) => {
  front.clock.now += ms;
};

function provider(durationSeconds = 3600) {
  return roleCredentialProvider({
    roleArn: ROLE,
    sessionName: 'lambda-gated-release',
    durationSeconds,
    getIdToken: (aud) => core.getIDToken(aud),
    now: () => front.clock.now,
    assume: stsAssumeRole({ region, endpoint: front.url }),
    env: process.env,
  });
}

/** Fixed credentials of one session (no `expiration`: the SDK would judge it by the real clock). */
async function assumeOnce(durationSeconds = 3600): Promise<Fixed & { expiresAt: number }> {
  const { expiration, ...c } = await provider(durationSeconds)();
  return { ...c, sessionToken: c.sessionToken ?? '', expiresAt: expiration?.getTime() ?? 0 };
}
type Fixed = { accessKeyId: string; secretAccessKey: string; sessionToken: string };

const sts = (credentials?: Fixed) =>
  new STSClient({
    region,
    endpoint: front.url,
    maxAttempts: 1,
    ...(credentials ? { credentials } : {}),
  });

describe('AssumeRoleWithWebIdentity', () => {
  it('trades a GitHub OIDC token for role credentials that expire after DurationSeconds', async () => {
    const creds = await assumeOnce(5400);
    expect(creds.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(creds.expiresAt).toBe(front.clock.now + 5400_000);
    expect(front.oidc.issued.map((c) => [c.iss, c.aud, c.sub])).toEqual([
      [GITHUB_ISSUER, 'sts.amazonaws.com', 'repo:octo-org/orders:ref:refs/heads/main'],
    ]);
    const assume = front.calls.find((c) => c.operation === 'AssumeRoleWithWebIdentity');
    expect(assume?.signed).toBe(false);
    const who = await sts(creds).send(new GetCallerIdentityCommand({}));
    expect(who).toMatchObject({
      Arn: 'arn:aws:sts::210987654321:assumed-role/deploy-orders/lambda-gated-release',
      Account: '210987654321',
    });
    expect(who.UserId).toMatch(/^AROA[A-Z2-7]{17}:lambda-gated-release$/);
  });

  it('answers the SDK fields: credentials, assumed role user, subject, audience', async () => {
    const [token] = [await core.getIDToken('sts.amazonaws.com')];
    const out = await sts().send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: ROLE,
        RoleSessionName: 's1',
        WebIdentityToken: token,
      }),
    );
    expect(out.Credentials?.Expiration?.getTime()).toBe(front.clock.now + 3600_000);
    expect(out.SubjectFromWebIdentityToken).toBe('repo:octo-org/orders:ref:refs/heads/main');
    expect(out.AssumedRoleUser?.Arn).toBe(
      'arn:aws:sts::210987654321:assumed-role/deploy-orders/s1',
    );
    expect(out.Audience).toBe('sts.amazonaws.com');
    expect(out.Provider).toBe(GITHUB_ISSUER);
  });

  it('refuses a subject the trust policy does not name with 403 AccessDenied', async () => {
    front.sts.configureRole({
      arn: ROLE,
      trustedSubject: 'repo:octo-org/orders:environment:production',
    });
    const token = await core.getIDToken('sts.amazonaws.com');
    await expectAwsError(
      sts().send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: ROLE,
          RoleSessionName: 's1',
          WebIdentityToken: token,
        }),
      ),
      'AccessDenied',
      403,
      'Not authorized to perform sts:AssumeRoleWithWebIdentity',
    );
    expect(front.sts.sessions()).toEqual([]);
  });

  it('refuses an unknown role as AccessDenied too', async () => {
    const token = await core.getIDToken('sts.amazonaws.com');
    const RoleArn = 'arn:aws:iam::210987654321:role/nope';
    const call = sts().send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn,
        RoleSessionName: 's1',
        WebIdentityToken: token,
      }),
    );
    await expectAwsError(call, 'AccessDenied', 403);
  });

  it('refuses a token that is not a JWT, or has an audience the provider does not list', async () => {
    const send = (WebIdentityToken: string) =>
      sts().send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: ROLE,
          RoleSessionName: 's1',
          WebIdentityToken,
        }),
      );
    await expectAwsError(
      send('not-a-jwt'),
      'InvalidIdentityTokenException',
      400,
      /not a valid JWT/,
    );
    const wrongAud = await core.getIDToken('https://github.com/octo-org');
    await expectAwsError(
      send(wrongAud),
      'InvalidIdentityTokenException',
      400,
      'Incorrect token audience',
    );
  });

  it('refuses an expired OIDC token with ExpiredTokenException', async () => {
    const token = await core.getIDToken('sts.amazonaws.com');
    advance(minutes(6)); // the stand-in's tokens last 5 minutes
    const call = sts().send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: ROLE,
        RoleSessionName: 's1',
        WebIdentityToken: token,
      }),
    );
    await expectAwsError(call, 'ExpiredTokenException', 400, /^Token expired/);
  });

  it('takes DurationSeconds from 900 up to the role maximum only', async () => {
    const token = encodeJwt({
      iss: GITHUB_ISSUER,
      sub: 'repo:octo-org/orders:ref:refs/heads/main',
      aud: 'sts.amazonaws.com',
      iat: 0,
      exp: front.clock.now / 1000 + 300,
    });
    const send = (DurationSeconds: number) =>
      sts().send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: ROLE,
          RoleSessionName: 's1',
          WebIdentityToken: token,
          DurationSeconds,
        }),
      );
    await expectAwsError(send(899), 'ValidationError', 400, /greater than or equal to 900/);
    await expectAwsError(send(7201), 'ValidationError', 400, /exceeds the MaxSessionDuration/);
    const ok = await send(900);
    expect(ok.Credentials?.Expiration?.getTime()).toBe(front.clock.now + 900_000);
  });
});

describe('expired session credentials', () => {
  it('are refused by every service after Expiration, not before', async () => {
    const creds = await assumeOnce(900);
    const cfg = { region, endpoint: front.url, credentials: creds, maxAttempts: 3 };
    const lambda = new LambdaClient(cfg);
    const codedeploy = new CodeDeployClient(cfg);
    const s3 = new S3Client(cfg);
    await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'orders' }));
    advance(minutes(15));
    await expectAwsError(
      lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'orders' })),
      'ExpiredTokenException',
      403,
      'The security token included in the request is expired',
    );
    await expectAwsError(
      codedeploy.send(new GetDeploymentCommand({ deploymentId: 'd-1' })),
      'ExpiredTokenException',
      400,
    );
    await expectAwsError(sts(creds).send(new GetCallerIdentityCommand({})), 'ExpiredToken', 403);
    front.s3.createBucket({ name: 'artifacts' });
    await expectAwsError(
      s3.send(new GetObjectCommand({ Bucket: 'artifacts', Key: 'k' })),
      'ExpiredToken',
      400,
    );
    // HEAD answers have no body: the SDK sees only the 400.
    const head = await awsError(s3.send(new HeadObjectCommand({ Bucket: 'artifacts', Key: 'k' })));
    expect(head.status).toBe(400);
    // Not transient: none of the refused calls was retried into success.
    const refused = front.calls.filter((c) => c.status >= 400).map((c) => c.service);
    expect(refused).toEqual(['lambda', 'codedeploy', 'sts', 's3', 's3']);
  });

  it('keep working for static keys the emulator did not issue', async () => {
    const lambda = new LambdaClient({ region, endpoint: front.url });
    advance(minutes(600));
    await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'orders' }));
    const who = await sts().send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe('arn:aws:iam::123456789012:user/emulator');
  });

  it('can be expired early through the control surface', async () => {
    const creds = await assumeOnce();
    front.sts.expire(creds.accessKeyId);
    const lambda = new LambdaClient({ region, endpoint: front.url, credentials: creds });
    await expectAwsError(
      lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'orders' })),
      'ExpiredTokenException',
      403,
    );
  });
});

describe('role-to-assume across a 90-minute release', () => {
  it('refreshes before expiry, so no call is ever refused', async () => {
    const lambda = new LambdaClient({
      region,
      endpoint: front.url,
      credentials: provider(3600),
      maxAttempts: 1,
    });
    for (let t = 0; t <= 90; t += 5) {
      await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'orders' }));
      advance(minutes(5));
    }
    const lambdaCalls = front.calls.filter((c) => c.service === 'lambda');
    expect(lambdaCalls.map((c) => c.status)).toEqual(Array(19).fill(200));
    // Assumed at 0 and refreshed at 50 (10 minutes before the 60-minute expiry): two sessions,
    // each from a fresh OIDC token.
    expect(front.sts.assumeCalls.map((c) => c.outcome)).toEqual(['ok', 'ok']);
    expect(front.oidc.requests).toBe(2);
    const keys = new Set(
      lambdaCalls.map((c) => /Credential=(\w+)\//.exec(String(c.headers.authorization))?.[1]),
    );
    expect(keys.size).toBe(2);
  });
});
