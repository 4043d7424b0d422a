// The release's main paths against the emulator: what the alias carries, what CodeDeploy
// recorded, the outputs and the calls made.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { zipDirectory } from '../../src/release/zip.ts';
import { emulatorForFile } from './emulator.ts';
import {
  ALIAS,
  APP,
  codeDir,
  FN,
  GROUP,
  mutating,
  runRelease,
  seed,
  startOtherDeployment,
} from './harness.ts';

const emu = await emulatorForFile();

function weightsSeen(): number[] {
  // Share of traffic on the new version at each alias change.
  const history = emu.aliasHistory(FN, ALIAS);
  const target = history.at(-1)!.version;
  return history.map((h) =>
    h.version === target ? 100 : Math.round((h.weights[target] ?? 0) * 100),
  );
}

describe('first release', () => {
  it('creates the alias on the new version without CodeDeploy', async () => {
    seed(emu, { versions: 0, live: null });
    const run = await runRelease(emu, { 'code-dir': codeDir('v1') });
    expect(run.result.status).toBe('created');
    expect(run.outputs).toMatchObject({ status: 'created', version: '1', 'rolled-back': 'false' });
    expect(run.outputs['alias-arn']).toBe(
      `arn:aws:lambda:${emu.region}:${emu.accountId}:function:${FN}:${ALIAS}`,
    );
    expect(emu.getAlias(FN, ALIAS)).toEqual({ version: '1', weights: {} });
    expect(emu.deployments()).toHaveLength(0);
  });
});

describe('canary', () => {
  it('shifts 10% then 100% and ends wholly on the new version', async () => {
    seed(emu);
    const run = await runRelease(emu, { 'code-dir': codeDir('v2') });
    expect(run.result.cause).toBeUndefined();
    expect(run.result.status).toBe('succeeded');
    expect(run.outputs).toMatchObject({
      status: 'succeeded',
      version: '2',
      'previous-version': '1',
      'rolled-back': 'false',
    });
    expect(run.outputs['deployment-id']).toMatch(/^d-[A-Z0-9]{9}$/);
    expect(emu.getAlias(FN, ALIAS)).toEqual({ version: '2', weights: {} });
    expect(weightsSeen()).toEqual([0, 10, 100]);
    const [d] = emu.deployments();
    expect(d).toMatchObject({
      status: 'Succeeded',
      deploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
    });
    expect(run.result.timeline.map((p) => p.newPercent)).toEqual([10, 100]);
    expect(mutating(run.calls)).toEqual([
      'UpdateFunctionCode',
      'PublishVersion',
      'CreateDeployment',
    ]);
    expect(run.outputs['code-sha256']).toBe(emu.versions(FN).at(-1)!.codeSha256);
  });

  it('passes the description, hooks and alarms to CodeDeploy', async () => {
    seed(emu);
    emu.setHook('CodeDeployHook_pre', { result: 'Succeeded' });
    emu.setHook('CodeDeployHook_post', { result: 'Succeeded' });
    emu.setAlarm('orders-errors', 'OK');
    const run = await runRelease(emu, {
      'code-dir': codeDir('v2'),
      strategy: 'AllAtOnce',
      'before-traffic-hook': 'CodeDeployHook_pre',
      'after-traffic-hook': 'CodeDeployHook_post',
      alarms: 'orders-errors',
    });
    expect(run.result.status).toBe('succeeded');
    expect(run.result.hooks).toMatchObject([
      { hook: 'BeforeAllowTraffic', functionName: 'CodeDeployHook_pre', status: 'Succeeded' },
      { hook: 'AfterAllowTraffic', functionName: 'CodeDeployHook_post', status: 'Succeeded' },
    ]);
    // Each hook is timed when the release saw it end: before the shift and after it.
    const [pre, post] = run.result.hooks.map((h) => h.seenAt!);
    const shift = run.result.timeline.find((p) => p.newPercent === 100)!.at;
    expect(pre).toBeLessThanOrEqual(shift);
    expect(post).toBeGreaterThanOrEqual(shift);
    expect(emu.versions(FN).at(-1)!.description).toBe('acme/orders@0123456 run 42');
  });
});

describe('linear', () => {
  it('adds 10% every minute until 100%', async () => {
    seed(emu);
    const run = await runRelease(emu, {
      'code-dir': codeDir('v2'),
      strategy: 'LambdaLinear10PercentEvery1Minute',
    });
    expect(run.result.status).toBe('succeeded');
    expect(weightsSeen()).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(emu.getAlias(FN, ALIAS)).toEqual({ version: '2', weights: {} });
  });
});

describe('all-at-once', () => {
  it('moves all traffic in one step', async () => {
    seed(emu);
    const run = await runRelease(emu, { 'code-dir': codeDir('v2'), strategy: 'all-at-once' });
    expect(run.result.status).toBe('succeeded');
    expect(weightsSeen()).toEqual([0, 100]);
    expect(emu.deployments()[0]!.deploymentConfigName).toBe('CodeDeployDefault.LambdaAllAtOnce');
  });
});

describe('inline custom strategy', () => {
  it('creates the config once and reuses it on the next release', async () => {
    seed(emu);
    const first = await runRelease(emu, { 'code-dir': codeDir('v2'), strategy: 'canary 25% 15m' });
    expect(first.result.status).toBe('succeeded');
    expect(mutating(first.calls)).toContain('CreateDeploymentConfig');
    expect(weightsSeen()).toEqual([0, 25, 100]);
    const second = await runRelease(emu, { 'code-dir': codeDir('v3'), strategy: 'Canary 25% 15m' });
    expect(second.result.status).toBe('succeeded');
    expect(mutating(second.calls)).not.toContain('CreateDeploymentConfig');
    const names = emu.deployments().map((d) => d.deploymentConfigName);
    expect(names[0]).toBe(names[1]);
  });

  it('reuses an existing custom config with the same routing', async () => {
    seed(emu);
    emu.createDeploymentConfig('team-canary', {
      type: 'TimeBasedCanary',
      timeBasedCanary: { canaryPercentage: 25, canaryInterval: 15 },
    });
    const run = await runRelease(emu, { 'code-dir': codeDir('v2'), strategy: 'canary 25% 15m' });
    expect(run.result.status).toBe('succeeded');
    expect(mutating(run.calls)).not.toContain('CreateDeploymentConfig');
    expect(emu.deployments()[0]!.deploymentConfigName).toBe('team-canary');
  });

  it('uses an existing custom config by name', async () => {
    seed(emu);
    emu.createDeploymentConfig('team-linear', {
      type: 'TimeBasedLinear',
      timeBasedLinear: { linearPercentage: 50, linearInterval: 1 },
    });
    const run = await runRelease(emu, { 'code-dir': codeDir('v2'), strategy: 'team-linear' });
    expect(run.result.status).toBe('succeeded');
    expect(weightsSeen()).toEqual([0, 50, 100]);
  });
});

describe('nothing new', () => {
  it('skips when the same code is released again: no upload, no new version, no deployment', async () => {
    seed(emu, { versions: 0, live: null });
    const dir = codeDir('v1');
    await runRelease(emu, { 'code-dir': dir });
    const again = await runRelease(emu, { 'code-dir': dir });
    expect(again.result.status).toBe('skipped');
    expect(again.outputs).toMatchObject({
      status: 'skipped',
      version: '1',
      'previous-version': '1',
    });
    expect(mutating(again.calls)).toEqual(['PublishVersion']);
    expect(emu.versions(FN)).toHaveLength(1);
    expect(emu.deployments()).toHaveLength(0);
    // The plan said so before the deployment step, rather than promising a deployment.
    const steps = again.result.plan!.steps;
    const stop = steps.findIndex((s) => /stop here, nothing to release \(status skipped\)/.test(s));
    expect(steps[stop]).toMatch(/since version 1, PublishVersion returns that version/);
    expect(stop).toBeLessThan(
      steps.findIndex((s) => s.startsWith('Start a CodeDeploy deployment')),
    );
  });

  it('skips when $LATEST is published unchanged', async () => {
    seed(emu, { versions: 2 });
    const run = await runRelease(emu, {});
    expect(run.result.status).toBe('skipped');
    expect(emu.deployments()).toHaveLength(0);
  });
});

describe('zip file', () => {
  it('uploads a zip file as the new code', async () => {
    seed(emu);
    const zip = join(codeDir('zipped'), '..', `bundle-${Date.now()}.zip`);
    writeFileSync(zip, await zipDirectory(codeDir('zipped')));
    const run = await runRelease(emu, { 'zip-file': zip, strategy: 'AllAtOnce' });
    expect(run.result.status).toBe('succeeded');
    expect(emu.getAlias(FN, ALIAS)!.version).toBe('2');
  });
});

describe('dry run', () => {
  it('plans without a single mutating call', async () => {
    seed(emu);
    const run = await runRelease(emu, {
      'code-dir': codeDir('v2'),
      strategy: 'canary 25% 15m',
      'dry-run': 'true',
    });
    expect(run.result.status).toBe('planned');
    expect(run.outputs.version).toBe('2');
    expect(mutating(run.calls)).toEqual([]);
    expect(run.result.plan!.steps.join('\n')).toMatch(
      /Upload .*\n.*Publish version 2[\s\S]*Create deployment config/,
    );
    expect(run.result.plan!.shiftMinutes).toBe(15);
    expect(run.result.plan!.steps.join('\n')).not.toMatch(/nothing to release/);
    expect(emu.getAlias(FN, ALIAS)).toEqual({ version: '1', weights: {} });
  });
});

describe('wait: false', () => {
  it('returns once the deployment has started', async () => {
    seed(emu);
    const run = await runRelease(emu, { 'code-dir': codeDir('v2'), wait: 'false' });
    expect(run.result.status).toBe('started');
    expect(run.outputs['deployment-id']).toMatch(/^d-/);
    expect(run.calls.filter((c) => c.operation === 'GetDeployment')).toHaveLength(0);
  });
});

describe('busy group', () => {
  it('if-busy: fail names the active deployment and changes nothing', async () => {
    seed(emu, { versions: 2, live: '1' });
    const active = startOtherDeployment(emu, 'CodeDeployDefault.LambdaCanary10Percent30Minutes');
    const run = await runRelease(emu, { 'code-dir': codeDir('v3') });
    expect(run.result.status).toBe('failed');
    expect(run.result.cause!.code).toBe('GROUP_BUSY');
    expect(run.result.cause!.message).toContain(active);
    expect(run.result.cause!.message).toContain('console.aws.amazon.com');
    expect(mutating(run.calls)).toEqual([]);
  });

  it('if-busy: wait waits for it to end, then deploys', async () => {
    seed(emu, { versions: 2, live: '1' });
    startOtherDeployment(emu, 'CodeDeployDefault.LambdaAllAtOnce');
    const run = await runRelease(emu, { 'code-dir': codeDir('v3'), 'if-busy': 'wait' });
    expect(run.result.cause).toBeUndefined();
    expect(run.result.status).toBe('succeeded');
    // The other deployment moved live to 2 while we waited: ours shifts from there.
    expect(run.result.previousVersion).toBe('2');
    expect(run.outputs['previous-version']).toBe('2');
    expect(emu.getAlias(FN, ALIAS)).toEqual({ version: '3', weights: {} });
    expect(emu.deployments().filter((d) => d.status === 'Succeeded')).toHaveLength(2);
  });
});

describe('refusals before any change', () => {
  it('refuses a half-shifted alias, naming both versions and the fix', async () => {
    seed(emu, { versions: 2 });
    emu.setAlias(FN, ALIAS, '1', { '2': 0.1 });
    const run = await runRelease(emu, { 'code-dir': codeDir('v3') });
    expect(run.result.status).toBe('failed');
    expect(run.result.cause!.code).toBe('ALIAS_WEIGHTED');
    expect(run.result.cause!.message).toMatch(/90% on version 1, 10% on version 2/);
    expect(run.result.cause!.message).toContain('AdditionalVersionWeights={}');
    expect(mutating(run.calls)).toEqual([]);
  });

  it('refuses an alias on $LATEST unless the strategy is direct', async () => {
    seed(emu, { versions: 1, live: '$LATEST' });
    const run = await runRelease(emu, { 'code-dir': codeDir('v2') });
    expect(run.result.cause!.code).toBe('ALIAS_ON_LATEST');
    expect(mutating(run.calls)).toEqual([]);
  });

  it('refuses an application that is not for Lambda', async () => {
    emu.createFunction({ name: FN, code: 'x', versions: 1, aliases: { [ALIAS]: '1' } });
    emu.createApplication(APP, 'Server');
    emu.createDeploymentGroup(APP, GROUP);
    const run = await runRelease(emu, { 'code-dir': codeDir('v2') });
    expect(run.result.cause!.code).toBe('APPLICATION_NOT_LAMBDA');
    expect(mutating(run.calls)).toEqual([]);
  });

  it('refuses a hook function that does not exist', async () => {
    seed(emu);
    const run = await runRelease(emu, {
      'code-dir': codeDir('v2'),
      'before-traffic-hook': 'CodeDeployHook_missing',
    });
    expect(run.result.cause!.code).toBe('HOOK_NOT_FOUND');
    expect(run.result.cause!.message).toContain('before-traffic-hook');
    expect(mutating(run.calls)).toEqual([]);
  });

  it('refuses an unknown custom config', async () => {
    seed(emu);
    const run = await runRelease(emu, { 'code-dir': codeDir('v2'), strategy: 'no-such-config' });
    expect(run.result.cause!.code).toBe('STRATEGY_NOT_FOUND');
    expect(mutating(run.calls)).toEqual([]);
  });
});
