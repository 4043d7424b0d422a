// The release when something goes wrong: never a false success, always a cause, and the
// alias as Lambda reports it afterwards.
import { describe, expect, it } from 'vitest';
import { emulatorForFile } from './emulator.ts';
import {
  ALIAS,
  codeDir,
  FN,
  mutating,
  runRelease,
  runWithFailingHook,
  seed,
  settingsFor,
} from './harness.ts';

const emu = await emulatorForFile();

/**
 * Sets `alarm` to ALARM once the alias carries weights and the release has read it so (a
 * GetAlias after the shift), while `pending` runs: on any machine's speed the release has seen
 * the traffic it then reports.
 */
async function withAlarmOnceShifted<T>(pending: Promise<T>, alarm: string): Promise<T> {
  // At the first GetAlias that sees the split, before its answer: the release has read the
  // shift, and CodeDeploy notices the alarm at its next poll, whatever the machine's speed.
  let fired = false;
  emu.onCall({
    operation: 'GetAlias',
    when: 'after',
    count: 1_000,
    run: () => {
      const split = Object.keys(emu.getAlias(FN, ALIAS)?.weights ?? {}).length > 0;
      if (fired || !split) return;
      fired = true;
      emu.setAlarm(alarm, 'ALARM');
    },
  });
  return pending;
}

describe('hook failure', () => {
  it('fails, names the hook and CodeDeploy cause, and confirms the rollback from the alias', async () => {
    seed(emu);
    const run = await runWithFailingHook(emu);
    expect(run.result.status).toBe('failed');
    expect(run.outputs).toMatchObject({ status: 'failed', 'rolled-back': 'true', version: '2' });
    expect(run.result.cause).toMatchObject({
      code: 'HOOK_EXECUTION_FAILURE',
      failedHook: 'AfterAllowTraffic',
    });
    expect(run.result.rollbackDeploymentId).toMatch(/^d-/);
    expect(emu.getAlias(FN, ALIAS)).toEqual({ version: '1', weights: {} });
    expect(run.result.finalAlias).toEqual({ version: '1', weights: {} });
    const rollback = emu.deployments().find((d) => d.creator === 'codeDeployRollback');
    expect(rollback?.status).toBe('Succeeded');
  });

  it('with auto-rollback: false, says traffic was not returned', async () => {
    seed(emu);
    const run = await runWithFailingHook(emu, { strategy: 'AllAtOnce', 'auto-rollback': 'false' });
    expect(run.result.status).toBe('failed');
    expect(run.outputs['rolled-back']).toBe('false');
    expect(run.result.finalAlias).toEqual({ version: '2', weights: {} });
    expect(emu.deployments().some((d) => d.creator === 'codeDeployRollback')).toBe(false);
  });
});

describe('alarm', () => {
  it('stops mid-shift, names the alarm, and the alias is back on the previous version', async () => {
    seed(emu);
    emu.setAlarm('orders-errors', 'OK');
    emu.setAlarm('orders-latency', 'OK');
    const pending = runRelease(emu, {
      'code-dir': codeDir('v2'),
      strategy: 'Canary10Percent5Minutes',
      alarms: 'orders-errors\norders-latency',
    });
    const run = await withAlarmOnceShifted(pending, 'orders-errors');
    expect(run.result.status).toBe('stopped');
    expect(run.outputs).toMatchObject({ status: 'stopped', 'rolled-back': 'true' });
    expect(run.result.cause).toMatchObject({ code: 'ALARM_ACTIVE', alarms: ['orders-errors'] });
    expect(run.result.timeline.map((p) => p.newPercent)).toContain(10);
    expect(emu.getAlias(FN, ALIAS)).toEqual({ version: '1', weights: {} });
  });

  it('an alarm already firing stops the deployment before any traffic moves', async () => {
    seed(emu);
    emu.setAlarm('orders-errors', 'ALARM');
    const run = await runRelease(emu, { 'code-dir': codeDir('v2'), alarms: 'orders-errors' });
    expect(run.result.status).toBe('stopped');
    expect(run.result.cause!.code).toBe('ALARM_ACTIVE');
    expect(emu.aliasHistory(FN, ALIAS).every((h) => h.version === '1' && !h.weights['2'])).toBe(
      true,
    );
  });
});

describe('ignore-alarms', () => {
  it("ships the fix while the group's alarm is firing, and without it the same release is stopped", async () => {
    seed(emu, { group: { alarms: ['orders-errors'] } });
    emu.setAlarm('orders-errors', 'ALARM');
    const blocked = await runRelease(emu, { 'code-dir': codeDir('fix'), strategy: 'AllAtOnce' });
    expect(blocked.result.status).toBe('stopped');
    expect(blocked.result.cause).toMatchObject({ code: 'ALARM_ACTIVE', alarms: ['orders-errors'] });
    const fix = await runRelease(emu, {
      'code-dir': codeDir('fix'),
      strategy: 'AllAtOnce',
      'ignore-alarms': 'true',
    });
    expect(fix.result.cause).toBeUndefined();
    expect(fix.result.status).toBe('succeeded');
    expect(emu.getAlias(FN, ALIAS)).toEqual({ version: '2', weights: {} });
  });

  it('refuses ignore-alarms together with alarms, before any call', async () => {
    await expect(
      settingsFor(emu, { 'ignore-alarms': 'true', alarms: 'orders-errors' }),
    ).rejects.toThrow(/`ignore-alarms`.*together with `alarms`/);
  });
});

describe('smoke test', () => {
  it('a function error stops the release before any traffic moves', async () => {
    seed(emu);
    emu.setFunctionBehaviour(FN, { invoke: { functionError: 'boom' } });
    const run = await runRelease(emu, {
      'code-dir': codeDir('v2'),
      'smoke-test-payload': '{"ping": true}',
    });
    expect(run.result.status).toBe('failed');
    expect(run.result.cause!.code).toBe('SMOKE_TEST_FAILED');
    expect(run.result.cause!.message).toContain('boom');
    expect(mutating(run.calls)).toEqual(['UpdateFunctionCode', 'PublishVersion', 'Invoke']);
    expect(emu.getAlias(FN, ALIAS)).toEqual({ version: '1', weights: {} });
  });

  it('a passing smoke test lets the release go on', async () => {
    seed(emu);
    emu.setFunctionBehaviour(FN, { invoke: { payload: '{"ok":true}' } });
    const run = await runRelease(emu, {
      'code-dir': codeDir('v2'),
      strategy: 'AllAtOnce',
      'smoke-test-payload': '{"ping": true}',
    });
    expect(run.result.status).toBe('succeeded');
  });
});

describe('timeout', () => {
  it('on-timeout: rollback stops the deployment and confirms the alias', async () => {
    seed(emu);
    const run = await runRelease(emu, {
      'code-dir': codeDir('v2'),
      strategy: 'Canary10Percent30Minutes',
      'timeout-minutes': '3',
    });
    expect(run.result.status).toBe('stopped');
    expect(run.result.cause!.code).toBe('TIMEOUT');
    expect(run.outputs['rolled-back']).toBe('true');
    expect(emu.getAlias(FN, ALIAS)).toEqual({ version: '1', weights: {} });
    expect(mutating(run.calls)).toContain('StopDeployment');
  });

  it('on-timeout: leave fails the step and leaves the deployment running', async () => {
    seed(emu);
    const run = await runRelease(emu, {
      'code-dir': codeDir('v2'),
      strategy: 'Canary10Percent30Minutes',
      'timeout-minutes': '3',
      'on-timeout': 'leave',
    });
    expect(run.result.status).toBe('failed');
    expect(run.result.cause!.code).toBe('TIMEOUT');
    expect(mutating(run.calls)).not.toContain('StopDeployment');
    expect(emu.deployments()[0]!.status).toBe('InProgress');
  });
});

describe('rollback that fails', () => {
  it('says traffic may be split, names both versions and how to fix it', async () => {
    seed(emu);
    emu.setAlarm('orders-errors', 'OK');
    emu.failNextRollback();
    const pending = runRelease(emu, {
      'code-dir': codeDir('v2'),
      strategy: 'Canary10Percent5Minutes',
      alarms: 'orders-errors',
    });
    const run = await withAlarmOnceShifted(pending, 'orders-errors');
    expect(run.result.status).toBe('stopped');
    expect(run.outputs['rolled-back']).toBe('false');
    expect(run.result.finalAlias).toEqual({ version: '1', weights: { '2': 0.1 } });
    expect(run.result.notes.map((n) => n.text).join(' ')).toMatch(/split between versions 1 and 2/);
    expect(run.result.notes.map((n) => n.text).join(' ')).toContain('AdditionalVersionWeights={}');
  });
});

describe('Lambda faults', () => {
  it('a failed code update stops with the reason and publishes nothing', async () => {
    seed(emu);
    emu.setFunctionBehaviour(FN, { updateFailure: 'Image not found' });
    const run = await runRelease(emu, { 'code-dir': codeDir('v2') });
    expect(run.result.cause!.code).toBe('CODE_UPDATE_FAILED');
    expect(run.result.cause!.message).toContain('Image not found');
    expect(mutating(run.calls)).toEqual(['UpdateFunctionCode']);
    expect(emu.versions(FN)).toHaveLength(1);
  });

  it('refuses to publish when someone else changed $LATEST after our upload', async () => {
    seed(emu);
    emu.setFunctionBehaviour(FN, { updateDelayMs: 20_000 });
    const pending = runRelease(emu, { 'code-dir': codeDir('v2') });
    const meddle = setInterval(() => {
      if (emu.calls.some((c) => c.operation === 'UpdateFunctionCode' && c.status === 200)) {
        clearInterval(meddle);
        setTimeout(() => emu.updateCodeOutOfBand(FN, 'someone-else'), 5);
      }
    }, 1);
    const run = await pending;
    clearInterval(meddle);
    expect(run.result.cause!.code).toBe('CODE_CHANGED_CONCURRENTLY');
    expect(emu.versions(FN)).toHaveLength(1);
    expect(emu.getAlias(FN, ALIAS)).toEqual({ version: '1', weights: {} });
  });

  // Random rates are exercised in test/hardening/faults.test.ts; here a fixed burst of each.
  it('rides out throttling and 500s on both services', async () => {
    seed(emu);
    emu.injectFault({ service: 'lambda', kind: 'throttle', count: 3, retryAfterSeconds: 0 });
    emu.injectFault({ service: 'codedeploy', kind: 'throttle', count: 3 });
    emu.injectFault({
      service: 'codedeploy',
      operation: 'CreateDeployment',
      kind: 'error500',
      count: 1,
    });
    const run = await runRelease(emu, { 'code-dir': codeDir('v2'), strategy: 'AllAtOnce' });
    expect(run.result.cause).toBeUndefined();
    expect(run.result.status).toBe('succeeded');
    expect(emu.versions(FN)).toHaveLength(2);
    expect(emu.deployments().filter((d) => d.creator !== 'codeDeployRollback')).toHaveLength(1);
    expect(run.calls.filter((c) => c.status === 429)).toHaveLength(3);
    expect(run.calls.filter((c) => c.errorCode === 'ThrottlingException')).toHaveLength(3);
    expect(run.calls.filter((c) => c.status === 500)).toHaveLength(1);
  });
});
