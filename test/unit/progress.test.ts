import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../src/release/result.ts';
import {
  formatAliasState,
  formatDelay,
  formatDuration,
  formatProgress,
  isSplit,
} from '../../src/report/progress.ts';

describe('formatProgress', () => {
  it('formats the traffic split', () => {
    expect(
      formatProgress({ kind: 'traffic', newVersion: '8', oldVersion: '7', newPercent: 10 }),
    ).toBe('traffic: 10% → v8, 90% → v7');
    expect(
      formatProgress({ kind: 'traffic', newVersion: '8', oldVersion: '7', newPercent: 33.333333 }),
    ).toBe('traffic: 33.33% → v8, 66.67% → v7');
    expect(
      formatProgress({ kind: 'traffic', newVersion: '8', oldVersion: '7', newPercent: 100 }),
    ).toBe('traffic: 100% → v8');
    expect(
      formatProgress({ kind: 'traffic', newVersion: '8', oldVersion: '7', newPercent: 0 }),
    ).toBe('traffic: 100% → v7 (0% → v8)');
  });

  it('prints the console link of a new deployment', () => {
    expect(
      formatProgress({
        kind: 'deployment-created',
        deploymentId: 'd-ABC',
        consoleUrl: 'https://x.example/d-ABC',
      }),
    ).toBe('deployment d-ABC created: https://x.example/d-ABC');
  });

  it('formats hooks, status, retries, phases, info and warnings', () => {
    const cases: [ProgressEvent, string][] = [
      [
        {
          kind: 'hook',
          hook: 'BeforeAllowTraffic',
          functionName: 'CodeDeployHook_pre',
          status: 'Succeeded',
        },
        'hook BeforeAllowTraffic (CodeDeployHook_pre): Succeeded',
      ],
      [
        { kind: 'status', deploymentId: 'd-ABC', status: 'InProgress' },
        'deployment d-ABC: InProgress',
      ],
      [
        {
          kind: 'retry',
          operation: 'GetDeployment',
          reason: 'ThrottlingException',
          attempt: 2,
          delayMs: 1200,
        },
        'retrying GetDeployment after ThrottlingException (attempt 2, in 1.2 s)',
      ],
      [
        {
          kind: 'retry',
          operation: 'UpdateFunctionCode',
          reason: 'ResourceConflictException',
          attempt: 5,
          delayMs: 250,
        },
        'retrying UpdateFunctionCode after ResourceConflictException (attempt 5, in 250 ms)',
      ],
      [{ kind: 'phase', name: 'publish' }, '== publish =='],
      [{ kind: 'info', message: 'published version 8' }, 'published version 8'],
      [{ kind: 'warning', message: 'alarm X is in ALARM' }, 'alarm X is in ALARM'],
    ];
    for (const [event, line] of cases) expect(formatProgress(event)).toBe(line);
  });

  it('keeps every event to one line that is not a workflow command', () => {
    const nasty = '::error::pwned\n::add-mask::x\r\n##[error]legacy\u001b[31m';
    const events: ProgressEvent[] = [
      { kind: 'info', message: nasty },
      { kind: 'warning', message: nasty },
      { kind: 'phase', name: nasty },
      { kind: 'retry', operation: nasty, reason: nasty, attempt: 1, delayMs: 10 },
      { kind: 'status', deploymentId: nasty, status: nasty },
      { kind: 'hook', hook: 'AfterAllowTraffic', functionName: nasty, status: nasty },
      { kind: 'deployment-created', deploymentId: nasty, consoleUrl: nasty },
    ];
    for (const e of events) {
      const line = formatProgress(e);
      for (const c of ['\r', '\n', '\u001b']) expect(line).not.toContain(c);
      expect(line.trim().startsWith('::')).toBe(false);
      expect(line).not.toContain('##[');
    }
    expect(formatProgress({ kind: 'info', message: '  ::error::x' }).replace(/\u200b/g, '')).toBe(
      '  ::error::x',
    );
  });
});

describe('formatAliasState', () => {
  it('shows one version', () => {
    expect(formatAliasState({ version: '7', weights: {} })).toBe('v7');
    expect(formatAliasState({ version: '$LATEST', weights: {} })).toBe('$LATEST');
  });

  it('shows a split, main version first, without float noise', () => {
    expect(formatAliasState({ version: '7', weights: { '8': 0.1 } })).toBe('90% v7, 10% v8');
    expect(formatAliasState({ version: '7', weights: { '8': 0.3 } })).toBe('70% v7, 30% v8');
    expect(formatAliasState({ version: '7', weights: { '10': 0.2, '9': 0.05 } })).toBe(
      '75% v7, 5% v9, 20% v10',
    );
  });

  it('ignores zero weights', () => {
    expect(formatAliasState({ version: '7', weights: { '8': 0 } })).toBe('v7');
    expect(isSplit({ version: '7', weights: { '8': 0 } })).toBe(false);
    expect(isSplit({ version: '7', weights: { '8': 0.5 } })).toBe(true);
  });
});

describe('durations', () => {
  it('formats durations for people', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(6_900)).toBe('6 s');
    expect(formatDuration(306_000)).toBe('5 min 6 s');
    expect(formatDuration(300_000)).toBe('5 min');
    expect(formatDuration(5_400_000)).toBe('1 h 30 min');
    expect(formatDuration(6_005_000)).toBe('1 h 40 min');
    expect(formatDuration(7_200_000)).toBe('2 h');
    expect(formatDuration(-5)).toBe('0 s');
  });

  it('formats retry delays', () => {
    expect(formatDelay(250)).toBe('250 ms');
    expect(formatDelay(1_234)).toBe('1.2 s');
    expect(formatDelay(2_000)).toBe('2.0 s');
    expect(formatDelay(45_000)).toBe('45 s');
    expect(formatDelay(125_000)).toBe('2 min 5 s');
  });
});
