// Metric gates in process against the emulator: CodeDeploy stops on the gates' alarms, the
// canary report says what each version did, and the alarms are gone afterwards.
import { beforeEach, describe, expect, it } from 'vitest';
import { emulatorForFile } from './emulator.ts';
import { ALIAS, FN, mutating, runRelease, seed } from './harness.ts';

const emu = await emulatorForFile();
beforeEach(() => {
  seed(emu, { versions: 2, live: '1' });
  emu.setVersionBehaviour(FN, '1', { errorRate: 0, medianMs: 80, p99Ms: 200 });
  emu.setTraffic(FN, ALIAS, { requestsPerMinute: 600 });
});

const gated = { version: '2', strategy: 'canary 20% 6m', 'poll-interval': '5' };

describe('metric gates', () => {
  it('a version failing 20% of requests is stopped by the error-rate gate and rolled back', async () => {
    emu.setVersionBehaviour(FN, '2', { errorRate: 0.2 });
    const run = await runRelease(emu, { ...gated, 'metric-gates': 'error-rate < 1%' });
    expect(run.result.status).toBe('stopped');
    expect(run.result.rolledBack).toBe(true);
    expect(run.result.cause?.code).toBe('ALARM_ACTIVE');
    // The action's words, apart from CodeDeploy's message (the summary's "CodeDeploy said").
    expect(run.result.cause?.message).not.toContain('Metric gate');
    expect(run.result.cause?.gate).toMatch(
      /Metric gate `error-rate < 1%` stopped it: the new version's error-rate was (1\d|2\d)(\.\d+)?%/,
    );
    expect(run.result.canary?.stoppedBy?.gate.text).toBe('error-rate < 1%');
    expect(run.result.canary?.newVersion.requests).toBeGreaterThan(50);
    expect(emu.getAlias(FN, ALIAS)).toEqual({ version: '1', weights: {} });
    expect(emu.metricAlarms()).toEqual([]);
    expect(mutating(run.calls)).toEqual(
      expect.arrayContaining(['PutMetricAlarm', 'CreateDeployment', 'DeleteAlarms']),
    );
  });

  it('a healthy version passes every gate and the report holds both versions', async () => {
    emu.setVersionBehaviour(FN, '2', { errorRate: 0, medianMs: 90, p99Ms: 300 });
    const run = await runRelease(emu, {
      ...gated,
      'metric-gates': 'error-rate < 1%\np99-duration < 800ms\nthrottles = 0',
    });
    expect(run.result.status).toBe('succeeded');
    const canary = run.result.canary!;
    expect(canary.gates.map((g) => g.verdict)).toEqual(['pass', 'pass', 'pass']);
    expect(canary.newVersion.requests).toBeGreaterThan(100);
    expect(canary.previousVersion?.requests).toBeGreaterThan(100);
    expect(emu.metricAlarms()).toEqual([]);
  });

  it('more alarms than CodeDeploy takes are refused before any change', async () => {
    emu.reset();
    seed(emu, {
      versions: 2,
      live: '1',
      group: { alarms: ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9'] },
    });
    const run = await runRelease(emu, {
      ...gated,
      'metric-gates': 'error-rate < 1%\np99-duration < 800ms',
    });
    expect(run.result.status).toBe('failed');
    expect(run.result.cause?.code).toBe('TOO_MANY_ALARMS');
    expect(run.result.cause?.message).toMatch(/9 alarms already apply.*adds 2.*at most 10/);
    expect(mutating(run.calls)).toEqual([]);
  });

  it("with `alarms` the gates join those alarms, not the group's", async () => {
    emu.reset();
    seed(emu, { versions: 2, live: '1', group: { alarms: ['group-alarm'] } });
    emu.setAlarm('mine', 'OK');
    emu.setTraffic(FN, ALIAS, { requestsPerMinute: 600 });
    const run = await runRelease(emu, { ...gated, alarms: 'mine', 'metric-gates': 'errors = 0' });
    expect(run.result.status).toBe('succeeded');
    const d = emu.deployments().find((x) => x.creator === 'user') as {
      overrideAlarmConfiguration?: { enabled: boolean; alarms: { name: string }[] };
    };
    expect(d.overrideAlarmConfiguration).toMatchObject({
      enabled: true,
      alarms: [{ name: 'mine' }, { name: 'lgr-gate/orders/live/v2/1-errors' }],
    });
  });

  it("with ignore-alarms the group's firing alarm is left out, and the gates still stop a bad version", async () => {
    emu.reset();
    seed(emu, { versions: 2, live: '1', group: { alarms: ['group-alarm'] } });
    emu.setAlarm('group-alarm', 'ALARM');
    emu.setVersionBehaviour(FN, '1', { errorRate: 0, medianMs: 80, p99Ms: 200 });
    emu.setVersionBehaviour(FN, '2', { errorRate: 0.2 });
    emu.setTraffic(FN, ALIAS, { requestsPerMinute: 600 });
    const run = await runRelease(emu, {
      ...gated,
      'ignore-alarms': 'true',
      'metric-gates': 'error-rate < 1%',
    });
    // Stopped by the gate, not by the firing group alarm that ignore-alarms dropped.
    expect(run.result.status).toBe('stopped');
    expect(run.result.cause?.code).toBe('ALARM_ACTIVE');
    expect(run.result.cause?.gate).toMatch(/Metric gate `error-rate < 1%` stopped it/);
    const d = emu.deployments().find((x) => x.creator === 'user') as {
      overrideAlarmConfiguration?: { enabled: boolean; alarms: { name: string }[] };
    };
    expect(d.overrideAlarmConfiguration).toMatchObject({
      enabled: true,
      alarms: [{ name: 'lgr-gate/orders/live/v2/1-error-rate' }],
    });
    expect(emu.getAlias(FN, ALIAS)).toEqual({ version: '1', weights: {} });
  });

  it('with wait: false the alarms stay for CodeDeploy, and the result says so', async () => {
    emu.setVersionBehaviour(FN, '2', { errorRate: 0.2 });
    const run = await runRelease(emu, {
      ...gated,
      wait: 'false',
      'metric-gates': 'error-rate < 1%',
    });
    expect(run.result.status).toBe('started');
    expect(emu.metricAlarms().map((a) => a.name)).toEqual(['lgr-gate/orders/live/v2/1-error-rate']);
    expect(run.result.notes.map((n) => n.kind)).toContain('gate-alarms-left');
    expect(mutating(run.calls)).not.toContain('DeleteAlarms');
  });
});
