// The release in process against the 2025 function kinds and states (docs/aws-semantics.md
// "Lambda in 2026: function kinds"): SnapStart invoke errors in the smoke test, the
// creation-only fields refused before any change, a state of $LATEST this action does not
// know, and the budget a Managed Instances release plans for.
import { describe, expect, it } from 'vitest';
import { emulatorForFile } from './emulator.ts';
import { ALIAS, APP, codeDir, FN, GROUP, mutating, runRelease } from './harness.ts';

const emu = await emulatorForFile();

const PROVIDER = 'arn:aws:lambda:us-east-1:123456789012:capacity-provider:fleet';

function seedKind(kind: { capacityProviderArn?: string; tenantIsolation?: boolean } = {}) {
  emu.createFunction({ name: FN, versions: 1, aliases: { [ALIAS]: '1' }, ...kind });
  emu.createApplication(APP, 'Lambda');
  emu.createDeploymentGroup(APP, GROUP);
}

const messages = (events: { kind: string; message?: string }[]) =>
  events.map((e) => e.message ?? '').join('\n');

describe('SnapStart in the smoke test', () => {
  const inputs = { 'code-dir': codeDir('v2'), strategy: 'AllAtOnce', 'smoke-test-payload': '{}' };

  it('waits out SnapStartNotReadyException, then passes and releases', async () => {
    seedKind();
    emu.setFunctionBehaviour(FN, {
      snapStartInvokeError: { error: 'SnapStartNotReadyException', times: 2 },
    });
    const run = await runRelease(emu, inputs);
    expect(run.result.cause).toBeUndefined();
    expect(run.result.status).toBe('succeeded');
    expect(messages(run.events)).toContain(
      'Lambda answered SnapStartNotReadyException: version 2 is still being initialized for SnapStart',
    );
    expect(run.calls.filter((c) => c.operation === 'Invoke')).toHaveLength(3);
    expect(emu.getAlias(FN, ALIAS)).toEqual({ version: '2', weights: {} });
  });

  it("names a failed restore as Lambda's error, not the function's, and moves no traffic", async () => {
    seedKind();
    emu.setFunctionBehaviour(FN, { snapStartInvokeError: { error: 'SnapStartTimeoutException' } });
    const run = await runRelease(emu, inputs);
    expect(run.result.cause?.code).toBe('SMOKE_TEST_FAILED');
    expect(run.result.cause?.message).toMatch(
      /could not restore its SnapStart snapshot \(SnapStartTimeoutException: .*\)\. This is Lambda's answer, not the function's/,
    );
    expect(emu.deployments()).toEqual([]);
    expect(emu.getAlias(FN, ALIAS)).toEqual({ version: '1', weights: {} });
  });
});

describe('fields Lambda sets only at creation', () => {
  it.each([
    [
      'CapacityProviderConfig on a default function',
      {
        CapacityProviderConfig: {
          LambdaManagedInstancesCapacityProviderConfig: { CapacityProviderArn: PROVIDER },
        },
      },
      /has no capacity provider, and Lambda refuses to add one/,
    ],
    [
      'TenancyConfig',
      { TenancyConfig: { TenantIsolationMode: 'PER_TENANT' } },
      /Lambda sets tenant isolation only when a function is created/,
    ],
  ])('%s is refused before any change', async (_, config, why) => {
    seedKind();
    const run = await runRelease(emu, {
      'code-dir': codeDir('v2'),
      'function-configuration': JSON.stringify(config),
    });
    expect(run.result.cause?.code).toBe('CONFIG_CREATE_ONLY');
    expect(run.result.cause?.message).toMatch(why);
    expect(mutating(run.calls)).toEqual([]);
  });
});

describe('states', () => {
  it('a $LATEST state this action does not know is waited out, then named; nothing is uploaded', async () => {
    seedKind();
    emu.setFunctionBehaviour(FN, { reportState: { on: '$LATEST', state: 'Hibernating' } });
    const run = await runRelease(emu, { 'code-dir': codeDir('v2') });
    expect(run.result.cause?.code).toBe('CODE_UPDATE_TIMEOUT');
    expect(run.result.cause?.message).toContain(
      'State Hibernating, a state this action does not know and never takes for ready',
    );
    expect(messages(run.events)).toContain(
      '`orders` is Hibernating, a state this action does not know',
    );
    expect(mutating(run.calls)).toEqual([]);
  });

  it('a Managed Instances release plans 15 more minutes for the version to start', async () => {
    seedKind();
    const plain = await runRelease(emu, { 'code-dir': codeDir('v2'), 'dry-run': 'true' });
    emu.reset();
    seedKind({ capacityProviderArn: PROVIDER });
    const managed = await runRelease(emu, { 'code-dir': codeDir('v2'), 'dry-run': 'true' });
    expect(managed.result.plan!.timeoutMinutes).toBe(plain.result.plan!.timeoutMinutes + 15);
    const given = await runRelease(emu, {
      'code-dir': codeDir('v2'),
      'dry-run': 'true',
      'timeout-minutes': '20',
    });
    expect(given.result.plan!.timeoutMinutes).toBe(20);
  });
});

describe('hooks CodeDeploy cannot run', () => {
  it.each([
    [{ durable: true }, /is a durable function, which Lambda does not invoke unqualified/],
    [{ tenantIsolation: true }, /is in tenant isolation mode \(PER_TENANT\)/],
  ])('warns before the release about a hook that is %o', async (kind, why) => {
    seedKind();
    emu.createFunction({ name: 'CodeDeployHook_check', ...kind });
    const run = await runRelease(emu, {
      'code-dir': codeDir('v2'),
      'before-traffic-hook': 'CodeDeployHook_check',
      'dry-run': 'true',
    });
    const warnings = run.events.filter((e) => e.kind === 'warning').map((e) => e.message);
    expect(warnings).toEqual([expect.stringMatching(why)]);
  });
});
