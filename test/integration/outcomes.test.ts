// What the result says in each outcome, as the summary and annotation read it: the alias
// preflight read, where traffic is now, the cause, and the log lines that say so.
import { describe, expect, it } from 'vitest';
import { failureMessage } from '../../src/report/failure.ts';
import { headline } from '../../src/report/headline.ts';
import { renderSummary } from '../../src/report/summary.ts';
import { emulatorForFile } from './emulator.ts';
import {
  ALIAS,
  APP,
  codeDir,
  FN,
  GROUP,
  mutating,
  runRelease,
  runWithFailingHook,
  seed,
  twoAttemptApis,
} from './harness.ts';

const emu = await emulatorForFile();

const infos = (run: { events: { kind: string; message?: string }[] }) =>
  run.events.filter((e) => e.kind === 'info').map((e) => e.message ?? '');

describe('a failure before any change keeps the alias preflight read', () => {
  const cases: [string, () => void, Record<string, string>, string][] = [
    [
      'busy group',
      () => {
        seed(emu, { versions: 3, live: '2' });
        emu.startDeployment(APP, GROUP, FN, ALIAS, '2', '3');
      },
      { version: '3', strategy: 'Canary10Percent5Minutes' },
      'GROUP_BUSY',
    ],
    [
      'strategy not found',
      () => seed(emu, { versions: 3, live: '2' }),
      { version: '3', strategy: 'NoSuchConfig' },
      'STRATEGY_NOT_FOUND',
    ],
    [
      'missing hook',
      () => seed(emu, { versions: 3, live: '2' }),
      { version: '3', strategy: 'AllAtOnce', 'before-traffic-hook': 'CodeDeployHook_nope' },
      'HOOK_NOT_FOUND',
    ],
  ];
  for (const [name, arrange, inputs, code] of cases) {
    it(`${name}: previous version, alias now and "no traffic moved"`, async () => {
      arrange();
      const run = await runRelease(emu, inputs);
      expect(run.result.cause?.code).toBe(code);
      expect(run.outputs).toMatchObject({ status: 'failed', 'rolled-back': 'false' });
      expect(run.result.previousVersion).toBe('2');
      // As read: the busy group's own deployment may have shifted it already.
      const read = emu.getAlias(FN, ALIAS);
      expect(run.result.aliasBefore).toEqual(read);
      expect(run.result.finalAlias).toEqual(read);
      const summary = renderSummary(run.result);
      expect(summary).not.toContain('did not exist');
      expect(summary).toMatch(/^### ⛔ Not started — /);
      expect(summary).toMatch(/\| Alias now \| (v2|90% v2, 10% v3) \|/);
      expect(summary).toMatch(/stays on v2|now 90% v2, 10% v3/);
      // Where traffic is, as read: a busy group's own deployment may have split it.
      expect(failureMessage(run.result)).toContain(
        read!.weights['3']
          ? `No traffic moved by this release: alias ${ALIAS} is on 90% v2, 10% v3, as read before it.`
          : `No traffic moved: alias ${ALIAS} is still on version 2.`,
      );
      expect(mutating(run.calls)).toEqual([]);
    });
  }

  it('split alias: the split as read, never "did not exist"', async () => {
    emu.createFunction({
      name: FN,
      code: 'c',
      versions: 3,
      aliases: { [ALIAS]: { version: '1', weights: { '2': 0.1 } } },
    });
    emu.createApplication(APP, 'Lambda');
    emu.createDeploymentGroup(APP, GROUP);
    const run = await runRelease(emu, { version: '3', strategy: 'AllAtOnce' });
    expect(run.result.cause?.code).toBe('ALIAS_WEIGHTED');
    expect(run.result.aliasBefore).toEqual({ version: '1', weights: { '2': 0.1 } });
    expect(run.result.finalAlias).toEqual({ version: '1', weights: { '2': 0.1 } });
    const summary = renderSummary(run.result);
    expect(summary).not.toContain('did not exist');
    expect(summary).toContain('90% v1, 10% v2');
  });

  it('smoke test failure: previous version and alias now, said once', async () => {
    seed(emu);
    emu.setFunctionBehaviour(FN, { invoke: { functionError: 'Unhandled', payload: '{"boom":1}' } });
    const run = await runRelease(emu, {
      'code-dir': codeDir('v2'),
      strategy: 'AllAtOnce',
      'smoke-test-payload': '{}',
    });
    expect(run.result.cause?.code).toBe('SMOKE_TEST_FAILED');
    expect(run.result.previousVersion).toBe('1');
    expect(run.result.finalAlias).toEqual({ version: '1', weights: {} });
    expect(renderSummary(run.result)).toContain('| Alias now | v1 |');
    const message = failureMessage(run.result);
    expect(message).toMatch(/No traffic was moved/);
    expect(message.match(/[Nn]o traffic (was )?moved/g)).toHaveLength(1);
  });
});

describe('a rollback', () => {
  it('ends the timeline at where traffic is now, marked as the rollback by the hook', async () => {
    seed(emu);
    const run = await runWithFailingHook(emu);
    expect(run.result.rolledBack).toBe(true);
    expect(run.result.timeline.some((p) => p.newPercent === 10)).toBe(true);
    expect(run.result.timeline.at(-1)).toMatchObject({ newPercent: 0, event: 'hook' });
    expect(run.result.hooks).toMatchObject([
      { hook: 'AfterAllowTraffic', functionName: 'CodeDeployHook_post', status: 'Failed' },
    ]);
    const summary = renderSummary(run.result);
    expect(summary).toMatch(/AfterAllowTraffic failed · rollback \| ░{10} 0% \|/);
  });
});

describe('on-timeout: rollback when the stop fails', () => {
  for (const kind of ['denied', 'bad-gateway'] as const) {
    it(`${kind}: says the timeout was reached, why the stop failed, and that it still runs`, async () => {
      seed(emu);
      emu.injectFault({ service: 'codedeploy', operation: 'StopDeployment', kind });
      const run = await runRelease(
        emu,
        {
          'code-dir': codeDir('v2'),
          // Long enough to outlast the SDK's retries of a 502 in emulated time.
          strategy: 'canary 10% 2000m',
          'timeout-minutes': '3',
        },
        twoAttemptApis(emu),
      );
      const cause = run.result.cause!;
      expect(cause.code).toBe('TIMEOUT_STOP_FAILED');
      expect(cause.message).toContain('did not finish within 3 minutes (timeout-minutes)');
      expect(cause.message).toContain('CodeDeploy StopDeployment failed');
      expect(cause.message).toContain('still running');
      expect(cause.message).toContain('post step');
      expect(cause.message).not.toContain('$response');
      if (kind === 'denied') expect(cause.message).toContain('Allow `codedeploy:StopDeployment`');
      else expect(cause.message).toContain('HTTP 502');
      expect(run.result.status).toBe('failed');
      expect(run.result.rolledBack).toBe(false);
      expect(emu.deployments()[0]!.status).toBe('InProgress');
      expect(emu.getAlias(FN, ALIAS)).toEqual({ version: '1', weights: { '2': 0.1 } });
      expect(headline(run.result)).toBe(
        'Timed out — stop failed, still running: live last seen 90% v1, 10% v2',
      );
    });
  }
});

describe('log lines', () => {
  it('"Published version" only when PublishVersion made one', async () => {
    seed(emu);
    const first = await runRelease(emu, { 'code-dir': codeDir('v2'), strategy: 'AllAtOnce' });
    expect(infos(first)).toContain('Published version 2.');
    const again = await runRelease(emu, { 'code-dir': codeDir('v2'), strategy: 'AllAtOnce' });
    expect(again.result.status).toBe('skipped');
    expect(infos(again).join('\n')).not.toContain('Published version');
    expect(infos(again)).toContain(
      'PublishVersion returned version 2, which alias live is already on: $LATEST has not changed since that version was published.',
    );
    expect(emu.versions(FN)).toHaveLength(2);
  });

  it('a derived budget is named as derived, not as timeout-minutes', async () => {
    seed(emu, { versions: 3, live: '2' });
    emu.startDeployment(
      APP,
      GROUP,
      FN,
      ALIAS,
      '2',
      '3',
      'CodeDeployDefault.LambdaLinear10PercentEvery10Minutes',
    );
    const run = await runRelease(emu, { version: '3', strategy: 'AllAtOnce', 'if-busy': 'wait' });
    expect(run.result.cause?.code).toBe('TIMEOUT');
    expect(run.result.cause?.message).toMatch(
      /still running after waiting \d+ minutes \(derived from the strategy and hooks; set timeout-minutes to change it\)/,
    );
  });
});
