// The races at runner level: the bundle as a GitHub runner runs it, the emulator as its own
// process, and the other actor's change placed by an `onCall` trigger over HTTP.
import { describe, expect, it } from 'vitest';
import { emulatorProcessForFile } from '../e2e/emulator.ts';
import { ORDERS_INPUTS, runStep, seedOrders } from '../e2e/runner.ts';

const emu = await emulatorProcessForFile(600, (e) => seedOrders(e));

const inputs = { ...ORDERS_INPUTS, version: '2', 'poll-interval': '15' };
const CONFIG = 'GatedRelease.Linear50PercentEvery1Minute';

const users = async () =>
  (await emu.deployments()).filter((d) => d.creator === 'user').map((d) => d.deploymentConfigName);

describe('races under the runner protocol', () => {
  it('a config of our name but other routing, created between lookup and create: refused, nothing deployed', async () => {
    await emu.onCall({
      operation: 'CreateDeploymentConfig',
      op: 'createDeploymentConfig',
      args: [CONFIG, { type: 'AllAtOnce' }],
    });
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...inputs, strategy: 'linear 50% 1m' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('failed');
    expect(run.stdout).toMatch(/::error::.*STRATEGY_CONFLICT/);
    expect(run.stdout).toContain(`Deployment config \`${CONFIG}\` holds all at once`);
    expect(run.summary).toContain('STRATEGY_CONFLICT');
    expect(await users()).toEqual([]);
    expect(await emu.getAlias('orders', 'live')).toEqual({ version: '1', weights: {} });
  });

  it('the same config created by a parallel run in between: used, released', async () => {
    await emu.onCall({
      operation: 'CreateDeploymentConfig',
      op: 'createDeploymentConfig',
      args: [
        CONFIG,
        { type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: 50, linearInterval: 1 } },
      ],
    });
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...inputs, strategy: 'linear 50% 1m' },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('succeeded');
    expect(await users()).toEqual([CONFIG]);
    expect(await emu.getAlias('orders', 'live')).toEqual({ version: '2', weights: {} });
  });

  it('strategy: direct on a split alias: cleared, warned in the log, named in the summary', async () => {
    await emu.setAlias('orders', 'live', '1', { '2': 0.25 });
    const run = await runStep({ emulatorUrl: emu.url, inputs: { ...inputs, strategy: 'direct' } });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('succeeded');
    expect(await emu.getAlias('orders', 'live')).toEqual({ version: '2', weights: {} });
    // Workflow commands escape % as %25; the runner shows it decoded.
    expect(run.stdout.replaceAll('%25', '%')).toMatch(
      /::warning::Alias live was split between versions \(75% on version 1, 25% on version 2\)/,
    );
    expect(run.summary).toContain('75% on version 1, 25% on version 2');
    expect(await users()).toEqual([]);
  });

  it('someone moves the alias while the release runs: the pinned UpdateAlias is refused, their change stays', async () => {
    await emu.onCall({
      operation: 'UpdateAlias',
      op: 'setAlias',
      args: ['orders', 'live', '1', { '2': 0.5 }],
    });
    const run = await runStep({ emulatorUrl: emu.url, inputs: { ...inputs, strategy: 'direct' } });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/::error::.*ALIAS_MOVED/);
    expect(await emu.getAlias('orders', 'live')).toEqual({ version: '1', weights: { '2': 0.5 } });
    expect(run.summary).toMatch(/split/i);
  });
});
