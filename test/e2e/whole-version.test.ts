import { beforeEach, describe, expect, it } from 'vitest';
import { emulatorProcessForFile } from './emulator.ts';
import { ORDERS_INPUTS, runStep, type StepRun, seedOrdersGroup, workspaceWith } from './runner.ts';

const emu = await emulatorProcessForFile(120, seedOrdersGroup);

const SECRET = 'pa55-w0rd-never-shown';
const ROLE = 'arn:aws:iam::123456789012:role/orders-exec';
const base = ORDERS_INPUTS;

function workspace(content: string): string {
  return workspaceWith({ 'app/index.js': `exports.handler = async () => '${content}';\n` });
}

function step(inputs: Record<string, string>, content = 'v2'): Promise<StepRun> {
  return runStep({
    emulatorUrl: emu.url,
    workspace: workspace(content),
    inputs: { ...base, 'code-dir': 'app', ...inputs },
  });
}

async function mutatingCalls(): Promise<string[]> {
  return (await emu.calls()).filter((c) => c.mutating).map((c) => c.operation);
}

function expectNoSecret(run: StepRun): void {
  for (const text of [run.stdout, run.summary, JSON.stringify(run.outputs)])
    expect(text).not.toContain(SECRET);
}

describe('configuration with the code', () => {
  beforeEach(() => emu.createFunction({ name: 'orders', versions: 1, aliases: { live: '1' } }));

  it('one release carries code and configuration; the canary succeeds; secrets stay hidden', async () => {
    const run = await step({
      strategy: 'Canary10Percent5Minutes',
      'memory-size': '512',
      environment: `STAGE: prod\nDB_PASSWORD: ${SECRET}`,
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ status: 'succeeded', version: '2' });
    expect(run.stdout).toMatch(/traffic: 10%/);
    const v2 = (await emu.versions('orders')).at(-1)!;
    expect(v2.configuration).toMatchObject({
      MemorySize: 512,
      Environment: { Variables: { STAGE: 'prod', DB_PASSWORD: SECRET } },
    });
    expect(v2.codeSha256).toBe(run.outputs['code-sha256']);
    expect(await emu.getAlias('orders', 'live')).toEqual({ version: '2', weights: {} });
    expect(run.stdout).toContain(`::add-mask::${SECRET}`);
    // A setting like STAGE=prod is not masked: "prod" stays readable wherever the log says it.
    expect(run.stdout).not.toContain('::add-mask::prod');
    expect(run.summary).toMatch(/MemorySize: 128 → 512/);
    // Markdown-escaped, as every user-given string in the summary.
    expect(run.summary).toMatch(/Environment: added DB\\_PASSWORD, STAGE/);
    expectNoSecret({ ...run, stdout: run.stdout.replace(`::add-mask::${SECRET}`, '') });
  });

  it('a configuration change alone is a new version, released', async () => {
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...base, strategy: 'AllAtOnce', 'function-timeout': '30' },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ status: 'succeeded', version: '2' });
    expect(await mutatingCalls()).not.toContain('UpdateFunctionCode');
    expect((await emu.versions('orders')).at(-1)!.configuration).toMatchObject({ Timeout: 30 });
    // No code source: the log has no "Upload code" step, as nothing was uploaded.
    expect(run.stdout).not.toContain('Upload code');
    expect(run.stdout).toContain('::group::Wait for $LATEST');
  });

  it('unchanged code and configuration is skipped, with no UpdateFunctionConfiguration', async () => {
    const first = await step({ strategy: 'AllAtOnce', 'memory-size': '256' });
    expect(first.outputs.status).toBe('succeeded');
    await emu.reset();
    await seedOrdersGroup(emu);
    await emu.createFunction({ name: 'orders', versions: 1, aliases: { live: '1' } });
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...base, 'memory-size': '128', 'function-timeout': '3', environment: '{}' },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('skipped');
    expect(await mutatingCalls()).toEqual(['PublishVersion']);
  });

  it('a dry run prints the configuration diff with keys only', async () => {
    const run = await step({ 'dry-run': 'true', environment: `TOKEN=${SECRET}` });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('planned');
    expect(run.stdout).toMatch(
      /plan: Update the configuration of \$LATEST: Environment: added TOKEN/,
    );
    expect(await mutatingCalls()).toEqual([]);
    expectNoSecret({ ...run, stdout: run.stdout.replace(`::add-mask::${SECRET}`, '') });
  });
});

describe('readiness of SnapStart versions', () => {
  const snapStart = '{"SnapStart": {"ApplyOn": "PublishedVersions"}}';
  beforeEach(() => emu.createFunction({ name: 'orders', versions: 1, aliases: { live: '1' } }));

  it('a version Pending for a while, then Active, is released once Active', async () => {
    const run = await step({
      strategy: 'AllAtOnce',
      'function-configuration': snapStart,
      'smoke-test-payload': '{}',
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('succeeded');
    expect(run.stdout).toMatch(/Version 2 is Pending.*waiting for it to be Active/);
    expect(run.stdout).toMatch(/Version 2 is Active \(SnapStart snapshot ready\)/);
    const v2 = (await emu.versions('orders')).at(-1)!;
    expect(v2.configuration).toMatchObject({ SnapStart: { OptimizationStatus: 'On' } });
    expect((await emu.invocations('orders')).map((i) => i.version)).toContain('2');
  });

  it('a version that ends Failed stops the release: its StateReason, no traffic moved', async () => {
    await emu.setFunctionBehaviour('orders', {
      snapStartMs: 60_000,
      snapStartFailure: 'SnapStart could not restore the snapshot.',
    });
    const run = await step({ strategy: 'AllAtOnce', 'function-configuration': snapStart });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('failed');
    expect(run.stdout).toMatch(
      /::error::.*SnapStart could not restore the snapshot\..*No traffic was moved/,
    );
    expect(await emu.getAlias('orders', 'live')).toEqual({ version: '1', weights: {} });
    expect(await mutatingCalls()).not.toContain('CreateDeployment');
  });
});

describe('first use: create-function', () => {
  it('creates the function and the alias, then the next release is a canary', async () => {
    const create = {
      'create-function': 'true',
      'execution-role': ROLE,
      runtime: 'nodejs22.x',
      handler: 'index.handler',
    };
    const first = await step({ ...create, strategy: 'Canary10Percent5Minutes' }, 'v1');
    expect(first.exitCode).toBe(0);
    expect(first.outputs).toMatchObject({ status: 'created', version: '1' });
    expect(first.outputs['function-arn']).toMatch(/:function:orders$/);
    expect(first.summary).toMatch(/did not exist and was created/);
    expect(await emu.getAlias('orders', 'live')).toEqual({ version: '1', weights: {} });

    const next = await step({ ...create, strategy: 'Canary10Percent5Minutes' }, 'v2');
    expect(next.exitCode).toBe(0);
    expect(next.outputs).toMatchObject({
      status: 'succeeded',
      version: '2',
      'previous-version': '1',
    });
    expect(next.stdout).toMatch(/traffic: 10%/);
    expect(await emu.getAlias('orders', 'live')).toEqual({ version: '2', weights: {} });
  });

  it('without create-function a missing function is an error and nothing is created', async () => {
    const run = await step({ strategy: 'AllAtOnce' });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/::error::.*was not found/);
    expect(await mutatingCalls()).toEqual([]);
  });
});
