// Stages: promote an existing version, by number or from another alias; move dev/test aliases
// directly without CodeDeploy.
import { describe, expect, it } from 'vitest';
import { emulatorForFile } from './emulator.ts';
import { ALIAS, FN, mutating, runRelease, seed } from './harness.ts';

const emu = await emulatorForFile();

describe('promotion', () => {
  it('releases an existing version by number: no upload, no publish', async () => {
    seed(emu, { versions: 3, live: '1' });
    const run = await runRelease(emu, { version: '3', strategy: 'AllAtOnce' });
    expect(run.result.status).toBe('succeeded');
    expect(run.outputs).toMatchObject({ version: '3', 'previous-version': '1' });
    expect(mutating(run.calls)).toEqual(['CreateDeployment']);
    expect(emu.getAlias(FN, ALIAS)).toEqual({ version: '3', weights: {} });
    expect(run.result.origin).toEqual({ kind: 'version' });
  });

  it('promotes the version another alias points at', async () => {
    seed(emu, { versions: 3, live: '1' });
    emu.setAlias(FN, 'test', '2');
    const run = await runRelease(emu, { 'from-alias': 'test', strategy: 'canary 50% 1m' });
    expect(run.result.status).toBe('succeeded');
    expect(run.outputs.version).toBe('2');
    expect(run.result.origin).toEqual({ kind: 'alias', alias: 'test' });
    expect(emu.getAlias(FN, ALIAS)).toEqual({ version: '2', weights: {} });
    expect(mutating(run.calls)).not.toContain('PublishVersion');
  });

  it('refuses a weighted source alias, naming it', async () => {
    seed(emu, { versions: 3, live: '1' });
    emu.setAlias(FN, 'test', '2', { '3': 0.5 });
    const run = await runRelease(emu, { 'from-alias': 'test' });
    expect(run.result.cause!.code).toBe('SOURCE_ALIAS_WEIGHTED');
    expect(run.result.cause!.message).toContain('`test`');
    expect(mutating(run.calls)).toEqual([]);
  });

  it('refuses an unknown version', async () => {
    seed(emu, { versions: 2, live: '1' });
    const run = await runRelease(emu, { version: '9' });
    expect(run.result.cause!.code).toBe('VERSION_NOT_FOUND');
    expect(mutating(run.calls)).toEqual([]);
  });

  it('skips when the alias already points at the version', async () => {
    seed(emu, { versions: 2, live: '2' });
    const run = await runRelease(emu, { version: '2' });
    expect(run.result.status).toBe('skipped');
    expect(mutating(run.calls)).toEqual([]);
  });
});

describe('strategy: direct', () => {
  const direct = { strategy: 'direct', application: '', 'deployment-group': '' };

  it('moves a $LATEST alias at once with one UpdateAlias, without CodeDeploy', async () => {
    emu.createFunction({ name: FN, code: 'x', versions: 2, aliases: { dev: '$LATEST' } });
    const run = await runRelease(emu, { ...direct, alias: 'dev', version: '2' });
    expect(run.result.status).toBe('succeeded');
    expect(run.outputs).toMatchObject({
      status: 'succeeded',
      version: '2',
      'previous-version': '$LATEST',
    });
    expect(mutating(run.calls)).toEqual(['UpdateAlias']);
    expect(run.calls.some((c) => c.service === 'codedeploy')).toBe(false);
    expect(emu.getAlias(FN, 'dev')).toEqual({ version: '2', weights: {} });
  });

  it('creates the alias on a first direct release', async () => {
    emu.createFunction({ name: FN, code: 'x', versions: 1 });
    const run = await runRelease(emu, { ...direct, alias: 'test' });
    expect(run.result.status).toBe('created');
    expect(mutating(run.calls)).toEqual(['PublishVersion', 'CreateAlias']);
    expect(emu.getAlias(FN, 'test')).toEqual({ version: '1', weights: {} });
  });

  it('plans a direct promotion in a dry run without changing anything', async () => {
    emu.createFunction({ name: FN, code: 'x', versions: 2, aliases: { test: '1', dev: '2' } });
    const run = await runRelease(emu, {
      ...direct,
      alias: 'test',
      'from-alias': 'dev',
      'dry-run': 'true',
    });
    expect(run.result.status).toBe('planned');
    expect(run.outputs.version).toBe('2');
    expect(run.result.plan!.steps.join('\n')).toContain(
      'Move alias test from version 1 to version 2',
    );
    expect(mutating(run.calls)).toEqual([]);
  });
});
