// Metric gates with the committed bundle under the runner protocol: CodeDeploy stops on the
// gates' alarms, the log and summary report each gate, and the alarms are gone afterwards,
// a cancel included; a killed runner leaves them, still enforced, for the next release to remove.
import { describe, expect, it } from 'vitest';
import { emulatorProcessForFile } from './emulator.ts';
import { ORDERS_INPUTS, runStep, seedOrders } from './runner.ts';

// 1 emulated minute = 0.5 s: a 6-minute canary takes 3 s.
const emu = await emulatorProcessForFile(120, async (e) => {
  await seedOrders(e, 3);
  await e.setVersionBehaviour('orders', '1', { errorRate: 0, medianMs: 80, p99Ms: 200 });
  await e.setTraffic('orders', 'live', { requestsPerMinute: 600 });
});

const inputs = { ...ORDERS_INPUTS, version: '2', strategy: 'canary 20% 6m' };

async function alias() {
  return emu.getAlias('orders', 'live');
}

/** The log as the runner shows it: annotation data is %-encoded (`%` as `%25`). */
const log = (stdout: string) => stdout.replace(/%25/g, '%');

const until = async (what: () => Promise<boolean>, tries = 200) => {
  for (let i = 0; i < tries && !(await what()); i++) await new Promise((ok) => setTimeout(ok, 50));
};

describe('metric gates under the runner', () => {
  it('a version failing 20% of requests is stopped by CodeDeploy on `error-rate < 1%`', async () => {
    await emu.setVersionBehaviour('orders', '2', { errorRate: 0.2 });
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...inputs, 'metric-gates': 'error-rate < 1%' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'stopped', 'rolled-back': 'true' });
    expect(log(run.stdout)).toMatch(
      /::error::.*ALARM_ACTIVE.*Metric gate `error-rate < 1%` stopped it: the new version's error-rate was \d+(\.\d+)?%/,
    );
    expect(run.stdout).toMatch(/gate error-rate < 1%: /);
    expect(run.summary).toContain('#### Canary report');
    expect(run.summary).toMatch(
      /\| `error-rate < 1%` \| 1% \| \d+(\.\d+)?% \| ❌ fail \(stopped the release\) \|/,
    );
    expect(await alias()).toEqual({ version: '1', weights: {} });
    expect(await emu.metricAlarms()).toEqual([]);
    const cw = (await emu.calls()).filter((c) => c.service === 'cloudwatch');
    expect(cw.map((c) => c.operation)).toEqual(
      expect.arrayContaining(['DescribeAlarms', 'PutMetricAlarm', 'GetMetricData', 'DeleteAlarms']),
    );
  });

  it('a healthy version passes every gate and succeeds', async () => {
    await emu.setVersionBehaviour('orders', '2', { errorRate: 0, medianMs: 90, p99Ms: 300 });
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...inputs, 'metric-gates': 'error-rate < 1%\np99-duration < 800ms\nthrottles = 0' },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('succeeded');
    expect(run.summary).toMatch(/\| `p99-duration < 800ms` \| 800 ms \| \d+ ms \| ✅ pass \|/);
    expect(run.summary).toMatch(/\| requests \| \d+ \| \d+ \|/);
    expect(run.summary).not.toMatch(/❌/);
    expect(await alias()).toEqual({ version: '2', weights: {} });
    expect(await emu.metricAlarms()).toEqual([]);
  });

  it('a slow version fails `p99-duration < 800ms`', async () => {
    await emu.setVersionBehaviour('orders', '2', { medianMs: 700, p99Ms: 2500 });
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...inputs, 'metric-gates': 'error-rate < 1%\np99-duration < 800ms' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'stopped', 'rolled-back': 'true' });
    expect(log(run.stdout)).toMatch(
      /::error::.*Metric gate `p99-duration < 800ms` stopped it: the new version's p99-duration was \d/,
    );
    expect(await alias()).toEqual({ version: '1', weights: {} });
    expect(await emu.metricAlarms()).toEqual([]);
  });

  it('gates compared with the previous version judge the new one by the old one', async () => {
    // The old version fails 5% of requests, the new one none: worse than 1%, but not worse than before.
    await emu.setVersionBehaviour('orders', '1', { errorRate: 0.05 });
    await emu.setVersionBehaviour('orders', '2', { errorRate: 0 });
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...inputs, 'metric-gates': 'error-rate < previous + 0.5%' },
    });
    expect(run.exitCode).toBe(0);
    expect(run.summary).toMatch(
      /\| `error-rate < previous \+ 0\.5%` \| [4-6](\.\d+)?% \| 0% \| ✅ pass \|/,
    );
    expect(await emu.metricAlarms()).toEqual([]);
  });

  it('a new version worse than the previous one by more than the margin is stopped', async () => {
    await emu.setVersionBehaviour('orders', '2', { errorRate: 0.1 });
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...inputs, 'metric-gates': 'error-rate < previous + 0.5%' },
    });
    expect(run.exitCode).toBe(1);
    expect(log(run.stdout)).toMatch(
      /::error::.*Metric gate `error-rate < previous \+ 0\.5%` stopped it/,
    );
    expect(await alias()).toEqual({ version: '1', weights: {} });
    expect(await emu.metricAlarms()).toEqual([]);
  });

  it('a line that does not parse is refused before any AWS call, with the valid forms', async () => {
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...inputs, 'metric-gates': 'error-rate < 1%\nlatency < 5' },
    });
    expect(run.exitCode).toBe(1);
    expect(log(run.stdout)).toMatch(/::error::.*`metric-gates`.*line 2 `latency < 5`.*Valid forms/);
    expect(await emu.calls()).toEqual([]);
  });

  it('a cancel stops the deployment and deletes the alarms', async () => {
    await emu.setVersionBehaviour('orders', '2', { errorRate: 0 });
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...inputs, strategy: 'canary 20% 30m', 'metric-gates': 'error-rate < 1%' },
      cancelWhen: (line) => /traffic: 20%/.test(line),
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'stopped', 'rolled-back': 'true' });
    expect(await emu.metricAlarms()).toEqual([]);
    const post = await runStep({ emulatorUrl: emu.url, inputs, state: run.state });
    expect(post.exitCode).toBe(0);
    expect(await alias()).toEqual({ version: '1', weights: {} });
  });

  it('with the runner killed, CodeDeploy still stops on the gate; the next release removes the alarms', async () => {
    await emu.setVersionBehaviour('orders', '2', { errorRate: 0.2 });
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...inputs, strategy: 'canary 20% 30m', 'metric-gates': 'error-rate < 1%' },
      cancelWhen: (line) => /deployment d-\w+ created/.test(line),
      killOnCancel: true,
    });
    expect(run.signal).toBe('SIGKILL');
    // No post step: CodeDeploy alone judges the canary by the gate's alarm.
    await until(async () => (await emu.deployments()).some((d) => d.status === 'Stopped'));
    const stopped = (await emu.deployments()).find((d) => d.creator === 'user');
    expect(stopped?.status).toBe('Stopped');
    expect(stopped?.errorInformation?.message).toContain('<lgr-gate/orders/live/v2/1-error-rate>');
    await until(
      async () => (await alias())?.version === '1' && !Object.keys((await alias())!.weights).length,
    );
    expect(await alias()).toEqual({ version: '1', weights: {} });
    expect((await emu.metricAlarms()).map((a) => a.name)).toEqual([
      'lgr-gate/orders/live/v2/1-error-rate',
    ]);

    await emu.setVersionBehaviour('orders', '3', { errorRate: 0 });
    const next = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...inputs, version: '3', 'metric-gates': 'error-rate < 1%' },
    });
    expect(next.exitCode).toBe(0);
    expect(next.stdout).toContain(
      'an earlier run left behind: lgr-gate/orders/live/v2/1-error-rate',
    );
    expect(await emu.metricAlarms()).toEqual([]);
  });
});
