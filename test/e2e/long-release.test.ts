// Long releases through the bundle as a runner runs it, at the emulator's time scale:
// credentials that expire mid-release (refreshed with role-to-assume, fatal without), an
// outage ridden out, a denied call that ends the watch at once.
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../emulator/index.ts';
import {
  type EmulatorProcess,
  ORDERS_INPUTS,
  runStep,
  seedOrders,
  startEmulatorProcess,
} from './runner.ts';

/** 1 emulated minute = 100 real ms: a 90-minute linear release takes about 9 s. */
const SCALE = 600;
const ROLE = 'arn:aws:iam::123456789012:role/deployer';

/** For the outage: 1 emulated minute = 1 real s, so a 3-minute outage spans several polls. */
const OUTAGE_SCALE = 60;

let fast: EmulatorProcess;
let slow: EmulatorProcess;
let emu: EmulatorProcess;
beforeAll(async () => {
  [fast, slow] = await Promise.all([
    startEmulatorProcess(SCALE),
    startEmulatorProcess(OUTAGE_SCALE),
  ]);
  emu = fast;
});
afterAll(() => Promise.all([fast?.stop(), slow?.stop()]));

const inputs = { ...ORDERS_INPUTS, version: '2' };

beforeEach(async () => {
  emu = fast;
  await emu.reset();
  await seedOrders(emu);
  await emu.configureRole({ arn: ROLE, trustedSubject: 'repo:acme/orders:*' });
  await emu.setOidc({ subject: 'repo:acme/orders:ref:refs/heads/main' });
});

/** Session credentials as configure-aws-credentials would leave them in the environment. */
async function sessionFromSts(durationSeconds: number): Promise<Record<string, string>> {
  const oidc = await emu.oidcEnv(emu.url);
  const res = await fetch(`${oidc.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=sts.amazonaws.com`, {
    headers: { authorization: `Bearer ${oidc.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` },
  });
  const { value } = (await res.json()) as { value: string };
  const sts = new STSClient({
    region: 'us-east-1',
    endpoint: emu.url,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const out = await sts.send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: ROLE,
      RoleSessionName: 'configure-aws-credentials',
      WebIdentityToken: value,
      DurationSeconds: durationSeconds,
    }),
  );
  const c = out.Credentials!;
  return {
    AWS_ACCESS_KEY_ID: c.AccessKeyId!,
    AWS_SECRET_ACCESS_KEY: c.SecretAccessKey!,
    AWS_SESSION_TOKEN: c.SessionToken!,
  };
}

/** Injects `fault` once, when the log first shows 10% of traffic on the new version. */
function onceTrafficAt10(fault: FaultSpec): (line: string) => void {
  let injected = false;
  return (line) => {
    if (injected || !/traffic: .*10%/.test(line)) return;
    injected = true;
    void emu.injectFault(fault);
  };
}

async function onlyDeployment() {
  const all = await emu.deployments();
  expect(all).toHaveLength(1);
  return all[0]!;
}

describe('credentials that expire mid-release', () => {
  it('with role-to-assume: refreshed past two expiries; one deployment, the alias on the new version', async () => {
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: {
        ...inputs,
        strategy: 'Linear10PercentEvery10Minutes',
        'role-to-assume': ROLE,
        'role-duration-seconds': '1800',
      },
      env: await emu.oidcEnv(emu.url),
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.status).toBe('succeeded');
    const d = await onlyDeployment();
    expect(d.status).toBe('Succeeded');
    expect(await emu.getAlias('orders', 'live')).toEqual({ version: '2', weights: {} });
    // Sessions of 30 emulated minutes over a 90-minute deployment: at least two ran out
    // before it ended, and every assume succeeded for the role.
    const sessions = await emu.sessions();
    const ended = sessions.filter((s) => s.expiration < d.completeTime! * 1000);
    expect(ended.length).toBeGreaterThanOrEqual(2);
    expect(sessions.every((s) => s.roleArn === ROLE && s.sessionName === 'lambda-gated-release'));
    expect((await emu.assumeCalls()).every((c) => c.outcome === 'ok')).toBe(true);
    const refused = (await emu.calls()).filter((c) => c.errorCode === 'ExpiredTokenException');
    expect(refused).toEqual([]);
    for (const s of sessions) {
      expect(run.stdout).not.toContain(s.secretAccessKey);
      expect(run.stdout).not.toContain(s.sessionToken);
    }
  });

  it('without it: warned in preflight, then fails at once when they expire, naming the running deployment', async () => {
    const session = await sessionFromSts(3600);
    // They run out just after the deployment starts, however long the step took to get there.
    await emu.onCall({
      operation: 'CreateDeployment',
      when: 'after',
      op: 'expireCredentials',
      args: [session.AWS_ACCESS_KEY_ID],
    });
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...inputs, strategy: 'Linear10PercentEvery10Minutes' },
      env: session,
    });
    expect(run.stdout).toMatch(/::warning::.*role-to-assume.*role-duration-seconds: 6300/);
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('failed');
    const id = run.outputs['deployment-id']!;
    const error = run.stdout.split('\n').find((l) => l.startsWith('::error::')) ?? '';
    expect(error).toContain('CREDENTIALS_EXPIRED');
    expect(error).toContain(`Deployment ${id} is still running`);
    expect(error).toContain(`console.aws.amazon.com/codesuite/codedeploy/deployments/${id}`);
    expect(error).toContain("CodeDeploy's own alarms and automatic rollback still guard it");
    expect(run.summary).toContain('CREDENTIALS_EXPIRED');
    // At once: one refused call ends it, no retries for minutes.
    const refused = (await emu.calls()).filter((c) => c.errorCode === 'ExpiredTokenException');
    expect(refused).toHaveLength(1);
    expect((await onlyDeployment()).status).toBe('InProgress');

    // A post step left with the same credentials (main killed): fails as promptly.
    const { finished: _finished, ...state } = run.state;
    const post = await runStep({ emulatorUrl: emu.url, inputs, env: session, state });
    expect(post.exitCode).toBe(1);
    expect(post.stdout).toMatch(/::error::Post step could not check deployment .*expired/);
    expect(post.stdout).toContain("CodeDeploy's own alarms and automatic rollback still guard it");
    expect((await emu.calls()).filter((c) => c.errorCode === 'ExpiredTokenException')).toHaveLength(
      2,
    );
  });

  it('refuses role-to-assume without an OIDC token before any AWS call', async () => {
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...inputs, 'role-to-assume': ROLE },
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/::error::.*role-to-assume.*permissions: id-token: write/);
    expect(await emu.calls()).toEqual([]);
  });
});

describe('contact with AWS', () => {
  it('a 3-minute total outage mid-release is ridden out: success, reported in log and summary', async () => {
    emu = slow;
    await emu.reset();
    await seedOrders(emu);
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...inputs, strategy: 'Canary10Percent5Minutes' },
      onLine: onceTrafficAt10({ kind: 'drop', forMs: 3 * 60_000 }),
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.status).toBe('succeeded');
    await onlyDeployment();
    expect(await emu.getAlias('orders', 'live')).toEqual({ version: '2', weights: {} });
    expect((await emu.calls()).some((c) => c.errorCode === 'ConnectionDropped')).toBe(true);
    expect(run.stdout).toMatch(/::warning::Lost contact with AWS for [^(]+ at 10%/);
    expect(run.summary).toMatch(/Lost contact with AWS for [^(]+ at 10%/);
  });

  it('a denied call mid-watch ends the watch at once with its cause', async () => {
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...inputs, strategy: 'Canary10Percent30Minutes' },
      onLine: onceTrafficAt10({
        service: 'codedeploy',
        operation: 'GetDeployment',
        kind: 'denied',
      }),
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/::error::.*AccessDeniedException.*codedeploy:GetDeployment/);
    const denied = (await emu.calls()).filter((c) => c.errorCode === 'AccessDeniedException');
    expect(denied).toHaveLength(1);
    expect((await onlyDeployment()).status).toBe('InProgress');
  });
});
