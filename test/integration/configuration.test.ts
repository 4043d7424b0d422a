// The whole version in process against the emulator: configuration with the code, configuration
// alone, readiness of SnapStart versions, and creating the function on first use.
import { describe, expect, it } from 'vitest';
import { emulatorForFile } from './emulator.ts';
import { ALIAS, codeDir, FN, mutating, runRelease, seed } from './harness.ts';

const emu = await emulatorForFile();

const ROLE = `arn:aws:iam::123456789012:role/orders-exec`;

describe('configuration with the code', () => {
  it('uploads, then updates only what differs, then publishes a version carrying both', async () => {
    seed(emu, { versions: 1 });
    const run = await runRelease(emu, {
      'code-dir': codeDir('v2'),
      'memory-size': '512',
      'function-timeout': '3',
      environment: 'STAGE=prod\nTOKEN=s3cr3t-value',
      strategy: 'AllAtOnce',
    });
    expect(run.result.cause).toBeUndefined();
    expect(run.result.status).toBe('succeeded');
    const ops = mutating(run.calls);
    expect(ops.indexOf('UpdateFunctionCode')).toBeLessThan(
      ops.indexOf('UpdateFunctionConfiguration'),
    );
    expect(ops.indexOf('UpdateFunctionConfiguration')).toBeLessThan(ops.indexOf('PublishVersion'));
    const v2 = emu.versions(FN).at(-1)!;
    expect(v2.version).toBe('2');
    expect(v2.configuration).toMatchObject({
      MemorySize: 512,
      Timeout: 3,
      Environment: { Variables: { STAGE: 'prod', TOKEN: 's3cr3t-value' } },
    });
    expect(emu.getAlias(FN, ALIAS)).toEqual({ version: '2', weights: {} });
    // Timeout was already 3: only the fields that differ count as changes.
    expect(run.result.configuration).toEqual({
      applied: true,
      changes: [
        { kind: 'value', field: 'MemorySize', from: '128', to: '512' },
        { kind: 'environment', added: ['STAGE', 'TOKEN'], changed: [], removed: [] },
      ],
    });
    expect(JSON.stringify(run.result)).not.toContain('s3cr3t-value');
    expect(JSON.stringify(run.events)).not.toContain('s3cr3t-value');
  });

  it('a configuration change alone publishes and releases a new version', async () => {
    seed(emu, { versions: 1 });
    const run = await runRelease(emu, { 'memory-size': '1024', strategy: 'AllAtOnce' });
    expect(run.result.status).toBe('succeeded');
    expect(mutating(run.calls)).not.toContain('UpdateFunctionCode');
    expect(emu.versions(FN).at(-1)!.configuration).toMatchObject({ MemorySize: 1024 });
    expect(emu.getAlias(FN, ALIAS)!.version).toBe('2');
  });

  it('the same code and configuration is skipped, with no UpdateFunctionConfiguration', async () => {
    seed(emu, { versions: 1 });
    const run = await runRelease(emu, {
      'memory-size': '128',
      'function-timeout': '3',
      runtime: 'nodejs22.x',
    });
    expect(run.result.status).toBe('skipped');
    expect(mutating(run.calls)).toEqual(['PublishVersion']);
    expect(run.result.configuration).toBeUndefined();
  });

  it('architectures rides on UpdateFunctionCode, even with identical code', async () => {
    seed(emu, { versions: 1 });
    const dir = codeDir('v2');
    await runRelease(emu, { 'code-dir': dir, strategy: 'AllAtOnce' });
    const run = await runRelease(emu, {
      'code-dir': dir,
      architectures: 'arm64',
      strategy: 'AllAtOnce',
    });
    expect(run.result.status).toBe('succeeded');
    expect(mutating(run.calls)).not.toContain('UpdateFunctionConfiguration');
    expect(mutating(run.calls)).toContain('UpdateFunctionCode');
    expect(emu.versions(FN).at(-1)!.architectures).toEqual(['arm64']);
  });

  it('a dry run shows the diff, keys only for the environment, and changes nothing', async () => {
    seed(emu, { versions: 1 });
    const run = await runRelease(emu, {
      'memory-size': '256',
      environment: '{"API_KEY": "hunter2-secret"}',
      'dry-run': 'true',
    });
    expect(run.result.status).toBe('planned');
    expect(mutating(run.calls)).toEqual([]);
    expect(run.result.plan!.steps.join('\n')).toMatch(
      /Update the configuration of \$LATEST: MemorySize: 128 → 256; Environment: added API_KEY/,
    );
    expect(JSON.stringify(run.result)).not.toContain('hunter2-secret');
  });

  it('refuses a function whose last update failed, before changing anything', async () => {
    seed(emu, { versions: 1 });
    emu.setFunctionBehaviour(FN, { updateFailure: 'The subnet ids are invalid.' });
    await runRelease(emu, { 'memory-size': '256', strategy: 'AllAtOnce' });
    const run = await runRelease(emu, { 'memory-size': '512', strategy: 'AllAtOnce' });
    expect(run.result.cause?.code).toBe('LAST_UPDATE_FAILED');
    expect(run.result.cause?.message).toContain('The subnet ids are invalid.');
    expect(mutating(run.calls)).toEqual([]);
  });
});

describe('readiness', () => {
  it('waits for a SnapStart version to be Active before moving traffic', async () => {
    seed(emu, { versions: 1 });
    emu.setFunctionBehaviour(FN, { snapStartMs: 120_000 });
    const run = await runRelease(emu, {
      'code-dir': codeDir('v2'),
      'function-configuration': 'SnapStart:\n  ApplyOn: PublishedVersions',
      'smoke-test-payload': '{}',
      strategy: 'direct',
    });
    expect(run.result.cause).toBeUndefined();
    expect(run.result.status).toBe('succeeded');
    const v2 = emu.versions(FN).at(-1)!;
    expect(v2.state).toBe('Active');
    expect(v2.configuration).toMatchObject({
      SnapStart: { ApplyOn: 'PublishedVersions', OptimizationStatus: 'On' },
    });
    // The smoke test ran on a ready version (a Pending one answers SnapStartNotReadyException).
    expect(emu.invocations(FN).map((i) => i.version)).toEqual(['2']);
    expect(
      run.events.some((e) => e.kind === 'info' && /Version 2 is Pending/.test(e.message)),
    ).toBe(true);
  });

  it('a version that ends Failed stops the release with its StateReason, no traffic moved', async () => {
    seed(emu, { versions: 1 });
    emu.setFunctionBehaviour(FN, {
      snapStartMs: 60_000,
      snapStartFailure: 'Snapshot init failed.',
    });
    const run = await runRelease(emu, {
      'code-dir': codeDir('v2'),
      'function-configuration': '{"SnapStart": {"ApplyOn": "PublishedVersions"}}',
      strategy: 'AllAtOnce',
    });
    expect(run.result.status).toBe('failed');
    expect(run.result.cause?.code).toBe('VERSION_FAILED');
    expect(run.result.cause?.message).toMatch(/Snapshot init failed\..*No traffic was moved/);
    expect(emu.getAlias(FN, ALIAS)).toEqual({ version: '1', weights: {} });
    expect(emu.deployments()).toHaveLength(0);
  });
});

describe('create-function', () => {
  it('creates a missing function, publishes version 1 and creates the alias on it', async () => {
    emu.createApplication('orders-app', 'Lambda');
    emu.createDeploymentGroup('orders-app', 'orders-live');
    const run = await runRelease(emu, {
      'code-dir': codeDir('v1'),
      'create-function': 'true',
      'execution-role': ROLE,
      runtime: 'nodejs22.x',
      handler: 'index.handler',
      'memory-size': '256',
    });
    expect(run.result.cause).toBeUndefined();
    expect(run.result.status).toBe('created');
    expect(run.result.createdFunction).toBe(true);
    expect(mutating(run.calls)).toEqual(['CreateFunction', 'PublishVersion', 'CreateAlias']);
    expect(emu.versions(FN)).toHaveLength(1);
    expect(emu.versions(FN)[0]!.configuration).toMatchObject({
      MemorySize: 256,
      Runtime: 'nodejs22.x',
    });
    expect(emu.versions(FN)[0]!.role).toBe(ROLE);
    expect(emu.getAlias(FN, ALIAS)).toEqual({ version: '1', weights: {} });
  });

  it('without create-function a missing function stays an error', async () => {
    const run = await runRelease(emu, { 'code-dir': codeDir('v1') });
    expect(run.result.cause?.code).toBe('FUNCTION_NOT_FOUND');
    expect(run.result.cause?.message).toMatch(/`create-function: true`/);
    expect(mutating(run.calls)).toEqual([]);
  });
});
