// Schedules the chaos property found failing, shrunk, kept as they were printed; each names
// the bug it found (fixed in src/). They run with every `npm test`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../emulator/index.ts';
import { check } from './check.ts';
import { play } from './play.ts';
import type { Schedule } from './schedule.ts';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ timeScale: 6000 });
});
afterAll(() => emu.close());

const base = {
  hook: 'none',
  alarm: false,
  autoRollback: false,
  onTimeout: 'rollback',
  onCancel: 'rollback',
} as const;

describe('chaos regressions', () => {
  // Cancelled before any deployment: the result said "no traffic moved" without looking, and
  // left out the split the run had found.
  it('a cancel during preflight on a split alias says where the alias is', async () => {
    const s: Schedule = {
      scenario: { ...base, strategy: 'direct', source: 'code', start: 'split' },
      faults: [],
      cancelAtCall: 0,
    };
    expect(await check(emu, s)).toEqual([]);
    const p = await play(emu, s);
    expect(p.result.finalAlias).toEqual({ version: '1', weights: { '2': 0.2 } });
    expect(p.result.cause!.message).toMatch(/alias live is on .*split between versions/);
  });

  // Preflight refused for another reason (a config taken meanwhile): the split it had read was
  // in neither the cause nor the result.
  it('a preflight refusal keeps the split alias it read in the result', async () => {
    const s: Schedule = {
      scenario: { ...base, strategy: 'linear 50% 1m', source: 'code', start: 'split' },
      faults: [],
      meddle: { atCall: 0, what: 'config' },
    };
    expect(await check(emu, s)).toEqual([]);
    const p = await play(emu, s);
    expect(p.result.cause!.code).toBe('STRATEGY_CONFLICT');
    expect(p.result.finalAlias).toEqual({ version: '1', weights: { '2': 0.2 } });
  });

  // Lambda's 409 "An update is in progress" on CreateAlias was taken for "the alias exists"
  // and failed the first release instead of waiting for the update.
  it('409 update-in-progress on CreateAlias is waited out', async () => {
    const s: Schedule = {
      scenario: { ...base, strategy: 'canary 10% 1m', source: 'code', start: 'none' },
      faults: [{ operation: 'CreateAlias', kind: 'conflict', count: 1 }],
    };
    expect(await check(emu, s)).toEqual([]);
    const p = await play(emu, s);
    expect(p.result.status).toBe('created');
    expect(p.alias).toEqual({ version: '3', weights: {} });
  });

  // The alias was split with the released version as its main one: the release said "already
  // points at version 2, nothing new" and left the split.
  it('direct onto the main version of a split alias clears the split, not skipped', async () => {
    const s: Schedule = {
      scenario: { ...base, strategy: 'direct', source: 'version', start: 'single' },
      faults: [],
      meddle: { atCall: 0, what: 'alias', version: '2', weight: 0.1 },
    };
    expect(await check(emu, s)).toEqual([]);
    const p = await play(emu, s);
    expect(p.result.status).toBe('succeeded');
    expect(p.alias).toEqual({ version: '2', weights: {} });
    expect(p.result.notes.map((n) => n.kind)).toContain('split-cleared');
  });

  // Model, not src: with metric gates the run's last calls are CloudWatch's (and one
  // GetDeployment) after its final read of the alias; someone moving the alias then was held
  // against a success the run had verified.
  it('an alias moved while the gates close does not count against a verified success', async () => {
    const s: Schedule = {
      scenario: {
        ...base,
        strategy: 'linear 50% 1m',
        source: 'code',
        start: 'single',
        timeoutMinutes: 1,
        gate: 'pass',
      },
      faults: [],
      meddle: { atCall: 24, what: 'alias', version: '2' },
    };
    expect(await check(emu, s)).toEqual([]);
  });

  // Model, not src: the alias was split by someone else during a Lambda outage, after the
  // run's last successful GetAlias; the run, failing on GetAlias, cannot know of the split.
  it('a split made during an outage after the last read is not held against the run', async () => {
    const s: Schedule = {
      scenario: {
        ...base,
        strategy: 'canary 10% 1m',
        source: 'code',
        start: 'single',
        gate: 'pass',
      },
      faults: [],
      outage: { service: 'lambda', kind: 'error500', afterMs: 92855, forMs: 179813 },
      meddle: { atCall: 16, what: 'alias', version: '1', weight: 0.1 },
      cancelAtCall: 27,
    };
    expect(await check(emu, s)).toEqual([]);
  });
});
