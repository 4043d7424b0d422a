// `github-environment` as a runner runs it: the release recorded as a GitHub deployment, against
// a stand-in of GitHub's REST endpoints (GITHUB_API_URL) and the emulator as its own process.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { aliasUrl, deploymentUrl } from '../../src/aws/console.ts';
import { emulatorProcessForFile } from './emulator.ts';
import { startGitHubApi } from './github-api.ts';
import { ORDERS_INPUTS, runStep, seedOrders, seedShop } from './runner.ts';

const emu = await emulatorProcessForFile(120, (e) => seedOrders(e));
const github = await startGitHubApi();
afterAll(() => github.close());
beforeEach(() => github.reset());

const SHA = 'abcdef0123456789abcdef0123456789abcdef01';
const RUN_URL = 'https://github.com/acme/orders/actions/runs/7/attempts/1';
const env = { GITHUB_API_URL: github.url };
const recorded = {
  ...ORDERS_INPUTS,
  version: '2',
  strategy: 'AllAtOnce',
  'github-environment': 'production',
  'github-token': github.token,
};

const states = () => github.deployments[0]?.statuses.map((s) => s.state);

describe('github-environment', () => {
  it('records a successful release: in_progress, then success, linking the deployment and the run', async () => {
    const run = await runStep({ emulatorUrl: emu.url, inputs: recorded, env });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('succeeded');
    const url = deploymentUrl('us-east-1', run.outputs['deployment-id']!);
    expect(run.outputs['deployment-url']).toBe(url);

    expect(github.deployments).toHaveLength(1);
    const d = github.deployments[0]!;
    expect(d).toMatchObject({
      repository: 'acme/orders',
      ref: SHA,
      environment: 'production',
      production_environment: true,
      transient_environment: false,
      payload: { region: 'us-east-1', function: 'orders', alias: 'live' },
    });
    expect(d.request).toMatchObject({ auto_merge: false, required_contexts: [] });
    expect(states()).toEqual(['in_progress', 'in_progress', 'success']);
    // First the alias (nothing else exists yet), then the CodeDeploy deployment.
    expect(d.statuses.map((s) => s.environment_url)).toEqual([
      aliasUrl('us-east-1', 'orders', 'live'),
      url,
      url,
    ]);
    for (const s of d.statuses) expect(s.log_url).toBe(RUN_URL);
    expect(d.statuses[2]!.description).toBe('Released version 2 to orders:live (from version 1)');
    expect(run.stdout).toContain(`Recording this release as GitHub deployment ${d.id}`);
    // The job's token is masked like any secret (the runner masks it too).
    expect(run.stdout).toContain(`::add-mask::${github.token}`);
    const unmasked = run.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));
    expect(unmasked.join('\n')).not.toContain(github.token);
    expect(run.summary + JSON.stringify(run.outputs) + JSON.stringify(run.state)).not.toContain(
      github.token,
    );
  });

  it('records a failed release as failure', async () => {
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...recorded, version: '9' },
      env,
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('failed');
    expect(states()).toEqual(['in_progress', 'failure']);
    const last = github.deployments[0]!.statuses[1]!;
    expect(last.description).toMatch(/^Failed \(\w+\): orders:live; alias on version 1$/);
    expect(last.environment_url).toBe(run.outputs['deployment-url']);
  });

  it('without deployments: write, warns once and the release succeeds', async () => {
    github.canWrite = false;
    const run = await runStep({ emulatorUrl: emu.url, inputs: recorded, env });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('succeeded');
    expect((await emu.getAlias('orders', 'live'))?.version).toBe('2');
    const warnings = run.stdout.split('\n').filter((l) => l.includes('GitHub refused'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^::warning::.*403.*permissions: deployments: write/);
    expect(github.requests).toEqual(['POST /repos/acme/orders/deployments']);
    expect(github.deployments).toHaveLength(0);
  });

  it('makes no GitHub call without the input, nor in a dry run', async () => {
    const plain = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...recorded, 'github-environment': '' },
      env,
    });
    expect(plain.exitCode).toBe(0);
    expect(plain.outputs.status).toBe('succeeded');
    const dry = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...recorded, version: '1', 'dry-run': 'true' },
      env,
    });
    expect(dry.outputs.status).toBe('planned');
    expect(github.requests).toEqual([]);
  });

  it('a cancelled release that rolled back ends inactive', async () => {
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...recorded, strategy: 'Canary10Percent30Minutes' },
      env,
      cancelWhen: (line) => /traffic: 10%/.test(line),
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'stopped', 'rolled-back': 'true' });
    expect(states()).toEqual(['in_progress', 'in_progress', 'inactive']);
    expect(github.deployments[0]!.statuses[2]!.description).toBe(
      'Cancelled: version 2 on orders:live; traffic back on version 1',
    );
  });

  it('main killed mid-release: the post step ends the record with what it did', async () => {
    const inputs = { ...recorded, strategy: 'Canary10Percent30Minutes' };
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs,
      env,
      cancelWhen: (line) => /traffic: 10%/.test(line),
      killOnCancel: true,
    });
    expect(run.signal).toBe('SIGKILL');
    // Killed: no final status (the second in_progress may or may not have gone out).
    const before = states()!;
    expect(before.every((s) => s === 'in_progress')).toBe(true);
    const post = await runStep({ emulatorUrl: emu.url, inputs, env, state: run.state });
    expect(post.exitCode).toBe(0);
    expect((await emu.getAlias('orders', 'live'))?.version).toBe('1');
    expect(states()).toEqual([...before, 'inactive']);
    const last = github.deployments[0]!.statuses.at(-1)!;
    const id = run.outputs['deployment-id']!;
    expect(last.description).toBe(
      `The step ended early: deployment ${id} stopped, orders:live back on version 1`,
    );
    expect(last.environment_url).toBe(deploymentUrl('us-east-1', id));
    expect(last.log_url).toBe(RUN_URL);
  });

  it('several functions, main killed in wave 2: each record gets what became of its own entry', async () => {
    await seedShop(emu, ['api', 'events'], 2);
    const entry = (name: string, wave: number, strategy: string) =>
      `- function-name: ${name}\n  deployment-group: ${name}-live\n  version: "2"\n  wave: ${wave}\n  strategy: ${strategy}`;
    const inputs = {
      alias: 'live',
      application: 'shop',
      'poll-interval': '1',
      functions: [
        entry('api', 1, 'AllAtOnce'),
        entry('events', 2, 'Canary10Percent30Minutes'),
      ].join('\n'),
      'github-environment': 'production',
      'github-token': github.token,
    };
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs,
      env,
      cancelWhen: (line) => /events:live: traffic: 10%/.test(line),
      killOnCancel: true,
    });
    expect(run.signal).toBe('SIGKILL');
    const post = await runStep({ emulatorUrl: emu.url, inputs, env, state: run.state });
    expect(post.exitCode).toBe(0);
    expect((await emu.getAlias('api', 'live'))?.version).toBe('1');
    expect((await emu.getAlias('events', 'live'))?.version).toBe('1');
    const last = (environment: string) =>
      github.deployments.find((d) => d.environment === environment)?.statuses.at(-1);
    expect(last('production/api')).toMatchObject({
      state: 'inactive',
      description: 'The step ended early: api:live returned to version 1 after the release stopped',
    });
    expect(last('production/events')).toMatchObject({
      state: 'inactive',
      description: expect.stringMatching(
        /^The step ended early: deployment d-\w+ stopped, events:live back on version 1$/,
      ),
    });
  });

  it('the post step after a main that finished sends nothing', async () => {
    const run = await runStep({ emulatorUrl: emu.url, inputs: recorded, env });
    const before = github.requests.length;
    const post = await runStep({ emulatorUrl: emu.url, inputs: recorded, env, state: run.state });
    expect(post.exitCode).toBe(0);
    expect(github.requests.length).toBe(before);
    expect(states()).toEqual(['in_progress', 'in_progress', 'success']);
  });
});
