// Someone else acts between the release's read and its write: each read-then-write is either
// pinned to what was read or checked again right before the write. The emulator's `onCall`
// trigger places the other actor's change exactly in the window.
import { describe, expect, it } from 'vitest';
import { renderSummary } from '../../src/report/summary.ts';
import { emulatorForFile } from './emulator.ts';
import { ALIAS, codeDir, FN, mutating, runRelease, seed, settingsFor } from './harness.ts';

const emu = await emulatorForFile();

const LINEAR = 'linear 20% 2m';
const linearConfig = async () => {
  const s = (await settingsFor(emu, { strategy: LINEAR, 'code-dir': '.' })).strategy;
  if (s.kind !== 'inline') throw new Error('an inline strategy');
  return s.configName;
};
const deploymentsOf = () => emu.deployments().filter((d) => d.creator === 'user');
const alias = () => emu.getAlias(FN, ALIAS);

describe('the deployment config taken between lookup and create', () => {
  it('with other routing: refuses before CreateDeployment, naming the config and what it holds', async () => {
    seed(emu);
    const name = await linearConfig();
    emu.onCall({
      operation: 'CreateDeploymentConfig',
      run: () => emu.createDeploymentConfig(name, { type: 'AllAtOnce' }),
    });
    const run = await runRelease(emu, { 'code-dir': codeDir('v2'), strategy: LINEAR });
    expect(run.result.status).toBe('failed');
    expect(run.result.cause!.code).toBe('STRATEGY_CONFLICT');
    expect(run.result.cause!.message).toContain(`Deployment config \`${name}\` holds all at once`);
    expect(run.result.cause!.message).toContain('linear: +20% every 2 minutes');
    expect(run.result.cause!.message).toMatch(/no deployment was created/);
    expect(mutating(run.calls)).not.toContain('CreateDeployment');
    expect(deploymentsOf()).toHaveLength(0);
    expect(alias()).toEqual({ version: '1', weights: {} });
  });

  it('with the same routing: uses it', async () => {
    seed(emu);
    const name = await linearConfig();
    emu.onCall({
      operation: 'CreateDeploymentConfig',
      run: () =>
        emu.createDeploymentConfig(name, {
          type: 'TimeBasedLinear',
          timeBasedLinear: { linearPercentage: 20, linearInterval: 2 },
        }),
    });
    const run = await runRelease(emu, { 'code-dir': codeDir('v2'), strategy: LINEAR });
    expect(run.result.cause).toBeUndefined();
    expect(run.result.status).toBe('succeeded');
    expect(deploymentsOf().map((d) => d.deploymentConfigName)).toEqual([name]);
    expect(alias()).toEqual({ version: '2', weights: {} });
  });

  it('our own create whose answer was lost (AlreadyExists on the retry) is ours', async () => {
    seed(emu);
    emu.injectFault({ operation: 'CreateDeploymentConfig', kind: 'lose', count: 1 });
    const run = await runRelease(emu, { 'code-dir': codeDir('v2'), strategy: LINEAR });
    expect(run.calls.filter((c) => c.operation === 'CreateDeploymentConfig')).toHaveLength(2);
    expect(run.result.status).toBe('succeeded');
    expect(alias()).toEqual({ version: '2', weights: {} });
  });
});

describe('the alias changed by someone else after preflight', () => {
  it('before CreateDeployment: refused by name, no deployment', async () => {
    seed(emu, { versions: 2, live: '2' });
    emu.onCall({
      operation: 'PublishVersion',
      when: 'after',
      run: () => emu.setAlias(FN, ALIAS, '1'),
    });
    const run = await runRelease(emu, { 'code-dir': codeDir('v3'), strategy: 'AllAtOnce' });
    expect(run.result.cause!.code).toBe('ALIAS_MOVED');
    expect(run.result.cause!.message).toMatch(
      /Someone else changed alias live after preflight read it on version 2; it is now on version 1\..*no traffic was moved/,
    );
    expect(deploymentsOf()).toHaveLength(0);
    expect(alias()).toEqual({ version: '1', weights: {} });
  });

  it('strategy: direct: the UpdateAlias pinned to its RevisionId is refused, their change stays', async () => {
    seed(emu, { versions: 2, live: '2' });
    emu.onCall({ operation: 'UpdateAlias', run: () => emu.setAlias(FN, ALIAS, '1') });
    const run = await runRelease(emu, { 'code-dir': codeDir('v3'), strategy: 'direct' });
    expect(run.calls.find((c) => c.operation === 'UpdateAlias')!.errorCode).toBe(
      'PreconditionFailedException',
    );
    expect(run.result.cause!.code).toBe('ALIAS_MOVED');
    expect(run.result.cause!.message).toContain('it is now on version 1');
    expect(alias()).toEqual({ version: '1', weights: {} });
  });

  it('strategy: direct: our own UpdateAlias whose answer was lost (412 on the retry) is ours', async () => {
    seed(emu, { versions: 2, live: '2' });
    emu.injectFault({ operation: 'UpdateAlias', kind: 'lose', count: 1 });
    const run = await runRelease(emu, { 'code-dir': codeDir('v3'), strategy: 'direct' });
    expect(run.calls.filter((c) => c.operation === 'UpdateAlias').map((c) => c.status)).toEqual([
      0, 412,
    ]);
    expect(run.result.cause).toBeUndefined();
    expect(run.result.status).toBe('succeeded');
    expect(alias()).toEqual({ version: '3', weights: {} });
  });

  it('first release: our own CreateAlias whose answer was lost (409 on the retry) is ours', async () => {
    seed(emu, { versions: 0, live: null });
    emu.injectFault({ operation: 'CreateAlias', kind: 'lose', count: 1 });
    const run = await runRelease(emu, { 'code-dir': codeDir('v1') });
    expect(run.result.cause).toBeUndefined();
    expect(run.result.status).toBe('created');
    expect(alias()).toEqual({ version: '1', weights: {} });
  });

  it('first release: an alias someone else created meanwhile is not taken over', async () => {
    seed(emu, { versions: 1, live: null });
    emu.onCall({ operation: 'CreateAlias', run: () => emu.setAlias(FN, ALIAS, '1') });
    const run = await runRelease(emu, { 'code-dir': codeDir('v2') });
    expect(run.result.cause!.code).toBe('ALIAS_MOVED');
    expect(run.result.cause!.message).toContain('by creating it after preflight found none');
    expect(alias()).toEqual({ version: '1', weights: {} });
  });
});

describe('strategy: direct on a split alias', () => {
  it('moves all traffic to the new version, clears the weights and says which split it cleared', async () => {
    seed(emu, { versions: 2, live: '1' });
    emu.setAlias(FN, ALIAS, '1', { '2': 0.1 });
    const run = await runRelease(emu, { 'code-dir': codeDir('v3'), strategy: 'direct' });
    expect(run.result.cause).toBeUndefined();
    expect(run.result.status).toBe('succeeded');
    expect(alias()).toEqual({ version: '3', weights: {} });
    expect(mutating(run.calls).filter((o) => o === 'UpdateAlias')).toHaveLength(1);
    const text =
      'Alias live was split between versions (90% on version 1, 10% on version 2); strategy: direct moved all traffic to version 3 and cleared that split.';
    expect(run.result.notes).toContainEqual({ kind: 'split-cleared', text });
    expect(run.result.clearedSplit).toEqual({ version: '1', weights: { '2': 0.1 } });
    expect(run.events).toContainEqual({ kind: 'warning', message: text });
    expect(renderSummary(run.result)).toContain('90% on version 1, 10% on version 2');
  });

  it('a CodeDeploy strategy still refuses it', async () => {
    seed(emu, { versions: 2, live: '1' });
    emu.setAlias(FN, ALIAS, '1', { '2': 0.1 });
    const run = await runRelease(emu, { 'code-dir': codeDir('v3'), strategy: 'AllAtOnce' });
    expect(run.result.cause!.code).toBe('ALIAS_WEIGHTED');
    expect(run.result.cause!.message).toContain('`strategy: direct`');
    expect(mutating(run.calls)).toEqual([]);
  });

  it('from-alias with a split source alias is still refused, also with direct', async () => {
    seed(emu, { versions: 2, live: '1' });
    emu.setAlias(FN, 'test', '1', { '2': 0.5 });
    const run = await runRelease(emu, { 'from-alias': 'test', strategy: 'direct' });
    expect(run.result.cause!.code).toBe('SOURCE_ALIAS_WEIGHTED');
    expect(mutating(run.calls)).toEqual([]);
  });
});
