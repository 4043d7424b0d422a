// A release of several functions (`functions`), one fate, through the runner protocol.
import { describe, expect, it } from 'vitest';
import { connectEmulator } from '../emulator/index.ts';
import { emulatorProcessForFile } from './emulator.ts';
import { runStep, seedShop, workspaceWith } from './runner.ts';

const FUNCTIONS = ['api', 'worker', 'events'];

// Three functions with versions 1..3, `live` on 1, each with its own group in `shop`.
const emu = await emulatorProcessForFile(120, (e) => seedShop(e, FUNCTIONS, 3));

/** us-west-2's `api` (versions 1..3, `live` on 1, its group), as the same emulator serves it. */
async function seedWest() {
  const west = connectEmulator(emu.url, { region: 'us-west-2' });
  await seedShop(west, ['api'], 3);
  return west;
}

/** `api` in us-east-1 (wave 1, version 2), then in us-west-2 (wave 2), with `west`'s extra lines. */
function eastThenWest(west: string[]): string {
  return [
    '- function-name: api',
    '  deployment-group: api-live',
    '  version: "2"',
    '- function-name: api',
    '  region: us-west-2',
    '  deployment-group: api-live',
    '  wave: 2',
    ...west.map((line) => `  ${line}`),
  ].join('\n');
}

const STEP = { alias: 'live', application: 'shop', 'poll-interval': '1', strategy: 'AllAtOnce' };

/** api and worker in wave 1, events in wave 2, each releasing version 2; `extra`: more inputs by function. */
function twoWaves(extra: Record<string, Record<string, string>> = {}): string {
  const entry = (name: string, wave: number) =>
    `- function-name: ${name}\n  deployment-group: ${name}-live\n  version: "2"\n  wave: ${wave}\n${Object.entries(
      extra[name] ?? {},
    )
      .map(([k, v]) => `  ${k}: ${v}\n`)
      .join('')}`;
  return entry('api', 1) + entry('worker', 1) + entry('events', 2);
}

const SLOW = { strategy: 'Canary10Percent30Minutes' };

async function aliases(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of FUNCTIONS) {
    const a = await emu.getAlias(name, 'live');
    out[name] = a ? `${a.version}${Object.keys(a.weights).length ? ' (split)' : ''}` : 'none';
  }
  return out;
}

async function mutating(): Promise<string[]> {
  return (await emu.calls()).filter((c) => c.mutating).map((c) => c.operation);
}

interface Released {
  function: string;
  wave: number;
  status: string;
  version: string | null;
  previousVersion: string | null;
  rolledBack: boolean;
  deploymentId: string | null;
}

function releases(outputs: Record<string, string>): Released[] {
  return JSON.parse(outputs.releases ?? '[]');
}

describe('a release of several functions', () => {
  it('three functions in two waves all succeed', async () => {
    const run = await runStep({ emulatorUrl: emu.url, inputs: { ...STEP, functions: twoWaves() } });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ status: 'succeeded', 'rolled-back': 'false' });
    // The single-function outputs speak for one entry only.
    expect(run.outputs.version).toBeUndefined();
    const out = releases(run.outputs);
    expect(out.map((r) => [r.function, r.wave, r.status, r.version, r.previousVersion])).toEqual([
      ['api', 1, 'succeeded', '2', '1'],
      ['worker', 1, 'succeeded', '2', '1'],
      ['events', 2, 'succeeded', '2', '1'],
    ]);
    expect(await aliases()).toEqual({ api: '2', worker: '2', events: '2' });
    const deployments = await emu.deployments();
    expect(deployments).toHaveLength(3);
    // Wave 2 started only after both deployments of wave 1 had ended.
    const calls = (await emu.calls()).filter((c) => c.operation === 'CreateDeployment');
    expect(calls).toHaveLength(3);
    expect(run.summary).toContain('Released 3 functions in 2 waves');
    for (const name of FUNCTIONS) expect(run.summary).toContain(`/${name}:live`);
  });

  it("wave 2's alarm stops it and every alias, wave 1's included, is back on its previous version", async () => {
    await emu.setAlarm('events-errors', 'ALARM');
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...STEP, functions: twoWaves({ events: { alarms: 'events-errors' } }) },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'stopped', 'rolled-back': 'true' });
    expect(await aliases()).toEqual({ api: '1', worker: '1', events: '1' });
    const out = releases(run.outputs);
    expect(out.map((r) => [r.function, r.status, r.rolledBack])).toEqual([
      ['api', 'returned', true],
      ['worker', 'returned', true],
      ['events', 'stopped', true],
    ]);
    expect(run.stdout).toMatch(/::error::.*events:live.*ALARM_ACTIVE|::error::.*events-errors/);
    expect(run.summary).toMatch(/returned to v1/);
  });

  it('a failure in a wave stops the running deployment of the other at once, with rollback', async () => {
    await emu.setAlarm('worker-errors', 'ALARM');
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: {
        ...STEP,
        functions: twoWaves({ api: SLOW, worker: { alarms: 'worker-errors' } }),
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'stopped', 'rolled-back': 'true' });
    expect(await aliases()).toEqual({ api: '1', worker: '1', events: '1' });
    expect(releases(run.outputs).map((r) => [r.function, r.status])).toEqual([
      ['api', 'stopped'],
      ['worker', 'stopped'],
      ['events', 'not-started'],
    ]);
    expect(run.stdout).toMatch(
      /api:live: Deployment d-\w+ was stopped with rollback because us-east-1\/worker:live failed/,
    );
    expect(run.summary).toContain('STOPPED_BY_RELEASE');
    expect(run.stdout).toMatch(
      /::warning::us-east-1\/worker:live failed: stopping the other deployments of wave 1 with rollback/,
    );
  });

  it('a foreign move of one alias after wave 1 is left alone and named', async () => {
    await emu.setAlarm('events-errors', 'ALARM');
    // Someone points api's alias at version 3 just as wave 2 starts.
    await emu.onCall({
      operation: 'CreateDeployment',
      skip: 2,
      op: 'setAlias',
      args: ['api', 'live', '3'],
    });
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...STEP, functions: twoWaves({ events: { alarms: 'events-errors' } }) },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs['rolled-back']).toBe('false');
    expect(await aliases()).toEqual({ api: '3', worker: '1', events: '1' });
    const api = releases(run.outputs).find((r) => r.function === 'api')!;
    expect(api.rolledBack).toBe(false);
    expect(run.stdout).toMatch(/api:live.*left as it is/);
    expect(run.summary).toMatch(/left: someone else moved alias live/);
  });

  it('one bad entry is refused with every problem named and nothing changed', async () => {
    const functions = [
      '- function-name: api',
      '  deployment-group: api-live',
      '  version: "2"',
      '- function-name: worker',
      '  deployment-group: worker-live',
      '  alias: "bad alias!"',
      '  poll-interval: 5',
      '  colour: blue',
      '- function-name: events',
      '  deployment-group: events-live',
      '  wave: 0',
    ].join('\n');
    const run = await runStep({ emulatorUrl: emu.url, inputs: { ...STEP, functions } });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('failed');
    expect(run.stdout).toMatch(/entry 2: `poll-interval` speaks for the whole release/);
    expect(run.stdout).toMatch(/entry 2: `colour` is not an input of an entry/);
    expect(run.stdout).toMatch(/entry 3: `wave` `0` is not a whole number from 1/);
    expect(await emu.calls()).toEqual([]);
  });

  it('a split alias in one entry is refused in preflight with nothing changed anywhere', async () => {
    await emu.setAlias('worker', 'live', '1', { '2': 0.1 });
    const run = await runStep({ emulatorUrl: emu.url, inputs: { ...STEP, functions: twoWaves() } });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/ALIAS_WEIGHTED|split between versions/);
    expect(await mutating()).toEqual([]);
    const out = releases(run.outputs);
    expect(out.map((r) => r.status)).toEqual(['not-started', 'failed', 'not-started']);
  });

  it('two entries of one wave in one deployment group are refused before any call', async () => {
    const functions =
      '- function-name: api\n  deployment-group: api-live\n- function-name: worker\n  deployment-group: api-live';
    const run = await runStep({ emulatorUrl: emu.url, inputs: { ...STEP, functions } });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/both in wave 1 and deployment group api-live/);
    expect(await emu.calls()).toEqual([]);
  });

  it('a dry run plans every entry and changes nothing', async () => {
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...STEP, functions: twoWaves(), 'dry-run': 'true' },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('planned');
    expect(releases(run.outputs).map((r) => r.status)).toEqual(['planned', 'planned', 'planned']);
    expect(await mutating()).toEqual([]);
    for (const name of FUNCTIONS) expect(run.stdout).toMatch(new RegExp(`/${name}:live: plan: `));
    expect(run.stdout).toContain(
      'plan: 3 functions in 2 waves: wave 1: us-east-1/api:live, us-east-1/worker:live; wave 2: us-east-1/events:live.',
    );
  });

  it('an alarm of wave 1 during the bake fails the release before wave 2 and returns wave 1', async () => {
    // The alarm goes off as the bake first reads it: after wave 1 ended, before wave 2.
    await emu.setAlarm('api-errors', 'OK');
    await emu.onCall({
      service: 'cloudwatch',
      operation: 'DescribeAlarms',
      op: 'setAlarm',
      args: ['api-errors', 'ALARM'],
    });
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: {
        ...STEP,
        functions: twoWaves({ api: { alarms: 'api-errors' } }),
        'bake-minutes': '0.05',
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'failed', 'rolled-back': 'true' });
    expect(run.stdout).toMatch(/::error::.*BAKE_ALARM.*api-errors/);
    expect(run.stdout).toContain(
      'an alarm of us-east-1/api:live went into ALARM during the bake: returning every alias this release moved',
    );
    expect(await aliases()).toEqual({ api: '1', worker: '1', events: '1' });
    expect(releases(run.outputs).map((r) => r.status)).toEqual([
      'returned',
      'returned',
      'not-started',
    ]);
    // Wave 2 never started.
    const groups = (await emu.deployments()).map((d) => d.deploymentGroupName);
    expect(groups.sort()).toEqual(['api-live', 'worker-live']);
  });

  it('a bake that CloudWatch refuses to answer fails the release and returns wave 1', async () => {
    await emu.setAlarm('api-errors', 'OK');
    await emu.injectFault({ service: 'cloudwatch', operation: 'DescribeAlarms', kind: 'denied' });
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: {
        ...STEP,
        functions: twoWaves({ api: { alarms: 'api-errors' } }),
        'bake-minutes': '0.05',
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/::error::.*BAKE_UNWATCHED.*CloudWatch DescribeAlarms/);
    expect(await aliases()).toEqual({ api: '1', worker: '1', events: '1' });
  });

  it('a cancel during wave 1 stops both deployments and starts nothing more', async () => {
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...STEP, functions: twoWaves({ api: SLOW, worker: SLOW }) },
      cancelWhen: (line) => /worker:live: traffic: 10%/.test(line),
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'stopped', 'rolled-back': 'true' });
    expect(await aliases()).toEqual({ api: '1', worker: '1', events: '1' });
    expect(releases(run.outputs).map((r) => r.status)).toEqual([
      'stopped',
      'stopped',
      'not-started',
    ]);
    const ours = (await emu.deployments()).filter((d) => d.creator === 'user');
    expect(ours.map((d) => d.deploymentGroupName).sort()).toEqual(['api-live', 'worker-live']);
    expect(ours.map((d) => d.status)).toEqual(['Stopped', 'Stopped']);
    expect(run.summary).toMatch(/cancelled/);
  });

  it('main killed during wave 2: the post step stops it and returns wave 1', async () => {
    const functions = twoWaves({ events: SLOW });
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...STEP, functions },
      cancelWhen: (line) => /events:live: traffic: 10%/.test(line),
      killOnCancel: true,
    });
    expect(run.signal).toBe('SIGKILL');
    expect(await aliases()).toMatchObject({ api: '2', worker: '2' });
    const post = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...STEP, functions },
      state: run.state,
    });
    expect(post.exitCode).toBe(0);
    expect(await aliases()).toEqual({ api: '1', worker: '1', events: '1' });
    expect(post.summary).toMatch(/Returned by the post step — alias `live` is back on v1/);
    expect(post.summary).toMatch(/Stopped by the post step/);
  });

  it('two regions: one function released in us-east-1, then in us-west-2, each region its own', async () => {
    const west = await seedWest();
    const functions = eastThenWest(['version: "3"']);
    const run = await runStep({ emulatorUrl: emu.url, inputs: { ...STEP, functions } });
    expect(run.exitCode).toBe(0);
    expect((await emu.getAlias('api', 'live'))!.version).toBe('2');
    expect((await west.getAlias('api', 'live'))!.version).toBe('3');
    const out = releases(run.outputs) as (Released & { region: string })[];
    expect(out.map((r) => [r.region, r.wave, r.status, r.version])).toEqual([
      ['us-east-1', 1, 'succeeded', '2'],
      ['us-west-2', 2, 'succeeded', '3'],
    ]);
    // Each region's deployment was created in that region.
    const creates = (await emu.calls()).filter((c) => c.operation === 'CreateDeployment');
    expect(creates.map((c) => c.region)).toEqual(['us-east-1', 'us-west-2']);
    expect(run.summary).toContain('us-west-2/api:live');
  });

  it("two regions: us-west-2's alarm returns us-east-1 too", async () => {
    const west = await seedWest();
    await west.setAlarm('api-west-errors', 'ALARM');
    const functions = eastThenWest(['version: "2"', 'alarms: api-west-errors']);
    const run = await runStep({ emulatorUrl: emu.url, inputs: { ...STEP, functions } });
    expect(run.exitCode).toBe(1);
    expect(run.outputs['rolled-back']).toBe('true');
    expect((await emu.getAlias('api', 'live'))!.version).toBe('1');
    expect((await west.getAlias('api', 'live'))!.version).toBe('1');
  });

  it('`functions` with one entry also sets the single-function outputs', async () => {
    const functions = '- function-name: worker\n  deployment-group: worker-live\n  version: "2"';
    const run = await runStep({ emulatorUrl: emu.url, inputs: { ...STEP, functions } });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({
      status: 'succeeded',
      version: '2',
      'previous-version': '1',
      'rolled-back': 'false',
    });
    expect(run.outputs['deployment-id']).toBe(releases(run.outputs)[0]!.deploymentId);
  });

  it('entries with their own code-dir are zipped under one bound, published and released', async () => {
    const workspace = workspaceWith({
      'dist/api/index.js': 'exports.handler = async () => "api v4";\n',
      'dist/worker/index.js': 'exports.handler = async () => "worker v4";\n',
    });
    const functions = [
      '- function-name: api',
      '  deployment-group: api-live',
      '  code-dir: dist/api',
      '- function-name: worker',
      '  deployment-group: worker-live',
      '  code-dir: dist/worker',
    ].join('\n');
    const run = await runStep({
      emulatorUrl: emu.url,
      workspace,
      inputs: { ...STEP, functions, 'max-parallel': '2' },
    });
    expect(run.exitCode).toBe(0);
    expect(releases(run.outputs).map((r) => [r.function, r.version])).toEqual([
      ['api', '4'],
      ['worker', '4'],
    ]);
    expect(await aliases()).toMatchObject({ api: '4', worker: '4', events: '1' });
    const codes = (await emu.calls()).filter((c) => c.operation === 'UpdateFunctionCode');
    expect(codes).toHaveLength(2);
  });

  it('a role without codedeploy:BatchGetDeployments is watched one deployment at a time, with one warning', async () => {
    await emu.injectFault({ operation: 'BatchGetDeployments', kind: 'denied', count: 1000 });
    const run = await runStep({ emulatorUrl: emu.url, inputs: { ...STEP, functions: twoWaves() } });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('succeeded');
    expect(run.stdout.match(/::warning::CodeDeploy refused BatchGetDeployments/g)).toHaveLength(1);
    expect(await aliases()).toEqual({ api: '2', worker: '2', events: '2' });
  });

  it('an unchanged fleet is skipped', async () => {
    for (const name of FUNCTIONS) await emu.setAlias(name, 'live', '2');
    const run = await runStep({ emulatorUrl: emu.url, inputs: { ...STEP, functions: twoWaves() } });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('skipped');
    expect(await mutating()).toEqual([]);
  });
});
