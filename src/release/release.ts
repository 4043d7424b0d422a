// A release of one or several entries, one fate (docs/aws-semantics.md, "One fate"): every
// entry is planned, then prepared, before any traffic moves; the waves shift in order, the
// entries of one wave at once; when anything fails, every running deployment is stopped with
// rollback and every alias this release moved is pointed back, pinned to the RevisionId read
// just before, so an alias someone else moved meanwhile is left alone and named. A step
// without `functions` is a release of one entry: the same stages.
import type { Settings } from '../settings/index.ts';
import { type Entry, entryKey, type ReleaseSettings } from '../settings/release.ts';
import { bake } from './bake.ts';
import { mapBounded } from './bounded.ts';
import type { Clock, ReleaseDeps } from './deps.ts';
import { returnAlias, stopRunning } from './fate.ts';
import type {
  EntryResult,
  FleetResult,
  ReleaseResult,
  ReleaseStatus,
  WaveResult,
} from './result.ts';
import {
  closeEntry,
  type EntryRun,
  entryRun,
  initialResult,
  planEntry,
  prepareEntry,
  shiftEntry,
} from './run.ts';

export interface FleetOptions {
  clock: Clock;
  /** The run's cancel: it ends the release at once (the shell then does the cancel). */
  signal?: AbortSignal;
  /** Hears the release's facts as they change (the `releases` output). */
  onChange?(fleet: FleetResult): void;
  /** Says what the release does as a whole (the per-entry lines come from each entry's deps). */
  say(message: string, warning?: boolean): void;
}

const FAILED: ReadonlySet<ReleaseStatus> = new Set(['failed', 'stopped']);

export function initialFleet(rs: ReleaseSettings, startedAt: number): FleetResult {
  const waves = [...new Set(rs.entries.map((e) => e.wave))].sort((a, b) => a - b);
  return {
    status: 'failed',
    rolledBack: false,
    several: rs.several,
    entries: rs.entries.map((e) => ({
      ...initialResult(e.settings, startedAt),
      key: e.key,
      wave: e.wave,
    })),
    waves: waves.map((wave) => ({ wave })),
    bakeMinutes: rs.bakeMinutes,
    startedAt,
    endedAt: startedAt,
  };
}

interface Member {
  entry: Entry;
  run: EntryRun;
  result: EntryResult;
  /** Aborts this entry's watch when the release fails elsewhere. */
  fate: AbortController;
  /** Its shift was cut short by that abort: its deployment may still run. */
  interrupted?: boolean;
  /** Set by its wave: stops the others of the wave (its deployment is failing). */
  failing?: () => void;
}

export async function releaseAll(
  rs: ReleaseSettings,
  depsFor: (entry: Entry, signal: AbortSignal) => ReleaseDeps,
  opts: FleetOptions,
  fleet: FleetResult = initialFleet(rs, opts.clock.now()),
): Promise<FleetResult> {
  const members = rs.entries.map((entry, i): Member => {
    const fate = new AbortController();
    const signal = opts.signal ? AbortSignal.any([opts.signal, fate.signal]) : fate.signal;
    const result = fleet.entries[i]!;
    // Its wave says, once it runs, whom this entry's failure stops (Member.failing).
    const deps = { ...depsFor(entry, signal), onFailing: () => members[i]?.failing?.() };
    return { entry, run: entryRun(entry.settings, deps, result), result, fate };
  });
  const changed = () => opts.onChange?.(fleet);
  try {
    await stages(rs, members, fleet, opts, changed);
  } finally {
    await Promise.all(members.map((m) => closeEntry(m.run)));
    fleet.endedAt = opts.clock.now();
  }
  settleFleet(fleet, members);
  changed();
  return fleet;
}

async function stages(
  rs: ReleaseSettings,
  members: Member[],
  fleet: FleetResult,
  opts: FleetOptions,
  changed: () => void,
): Promise<void> {
  const all = (stage: (e: EntryRun) => Promise<void>) =>
    mapBounded(members, rs.maxParallel, async (m) => {
      await stage(m.run);
      changed();
    });
  // Every entry is checked before anything changes; one refusal and nothing changes.
  await all(planEntry);
  if (failedEntry(members)) return notStarted(members);
  if (rs.several) opts.say(wavesPlan(rs, fleet));
  await all(prepareEntry);
  if (failedEntry(members)) return notStarted(members);
  for (const wave of fleet.waves) {
    const inWave = members.filter((m) => m.entry.wave === wave.wave);
    await runWave(inWave, wave, opts, changed);
    const failed = failedEntry(inWave);
    const last = wave === fleet.waves.at(-1);
    const baked =
      failed || last || rs.bakeMinutes === 0
        ? undefined
        : await bakeAfter(members, wave, rs, opts, fleet);
    if (failed || baked) {
      const why = failed
        ? `${failed.result.key} failed`
        : `an alarm of ${baked!.entry} went into ALARM during the bake`;
      await oneFate(members, opts, why);
      return;
    }
  }
}

/** The order of the release in one line: its waves, their entries, the bake between them. */
function wavesPlan(rs: ReleaseSettings, fleet: FleetResult): string {
  const waves = fleet.waves.map(
    (w) =>
      `wave ${w.wave}: ${rs.entries
        .filter((e) => e.wave === w.wave)
        .map((e) => e.key)
        .join(', ')}`,
  );
  const bake =
    rs.bakeMinutes > 0 && waves.length > 1
      ? `, with a ${rs.bakeMinutes}-minute bake after each wave but the last`
      : '';
  return `plan: ${rs.entries.length} functions in ${waves.length} wave${waves.length === 1 ? '' : 's'}${bake}: ${waves.join('; ')}.`;
}

/** The entries of one wave at once; the first to fail stops the watch of the others. */
async function runWave(
  inWave: Member[],
  wave: WaveResult,
  opts: FleetOptions,
  changed: () => void,
): Promise<void> {
  wave.startedAt = opts.clock.now();
  let failedKey: string | undefined;
  const stopOthers = (m: Member) => {
    if (failedKey) return;
    failedKey = m.result.key;
    const running = inWave.filter((o) => o !== m && !o.run.over);
    if (running.length)
      opts.say(
        `${failedKey} failed: stopping the other deployments of wave ${wave.wave} with rollback (one fate).`,
        true,
      );
    for (const other of inWave) if (other !== m) other.fate.abort();
  };
  await Promise.all(
    inWave.map(async (m) => {
      m.failing = () => stopOthers(m);
      try {
        await shiftEntry(m.run);
      } catch (error) {
        if (!m.fate.signal.aborted || opts.signal?.aborted) throw error;
        // Another entry of the wave failed: one fate stops this one's deployment at once.
        m.interrupted = true;
        if (m.result.deploymentId) await stopRunning(m.run, `because ${failedKey} failed`);
        else m.result.fate = { kind: 'not-started' };
      }
      changed();
      if (hasFailed(m)) stopOthers(m);
    }),
  );
  wave.endedAt = opts.clock.now();
}

async function bakeAfter(
  members: Member[],
  wave: WaveResult,
  rs: ReleaseSettings,
  opts: FleetOptions,
  fleet: FleetResult,
): Promise<{ entry: string } | undefined> {
  const released = members.filter((m) => m.entry.wave <= wave.wave);
  const found = await bake(
    released.map((m) => m.run),
    rs.bakeMinutes,
    wave.wave,
    opts,
  );
  wave.bakeEndedAt = opts.clock.now();
  if (!found) return undefined;
  fleet.cause = found.cause;
  return { entry: found.entry };
}

/**
 * Failed or stopped on its own: it has a cause (a result starts as `failed` with none, so
 * that a crash reads as a failure) and one fate did not decide it.
 */
function hasFailed(m: Member): boolean {
  return FAILED.has(m.result.status) && !!m.result.cause && !m.interrupted && !m.result.fate;
}

function failedEntry(members: Member[]): Member | undefined {
  return members.find(hasFailed);
}

/** The release ended before any traffic moved: the entries still waiting never started. */
function notStarted(members: Member[]): void {
  if (members.length === 1) return;
  for (const m of members) if (!m.run.over) m.result.fate = { kind: 'not-started' };
}

/**
 * One fate: stop what runs, return what moved, skip what has not started. Entries run at once
 * (each in its own region and alias): the slowest stop decides how long this takes.
 */
async function oneFate(members: Member[], opts: FleetOptions, why: string): Promise<void> {
  if (members.length === 1) return;
  const toReturn = members.filter(
    (m) => !m.result.fate && !m.interrupted && ['succeeded', 'created'].includes(m.result.status),
  );
  if (toReturn.length)
    opts.say(`${why}: returning every alias this release moved (one fate).`, true);
  const because = `because ${why}`;
  await Promise.all(
    members.map(async (m) => {
      const r = m.result;
      if (r.fate || hasFailed(m) || !m.run.release) return;
      if (m.interrupted && r.deploymentId) return stopRunning(m.run, because);
      if (!m.interrupted && (r.status === 'succeeded' || r.status === 'created'))
        return returnAlias({ result: r, ...m.run.release.plan }, m.run.deps, because);
      if (!m.run.over || m.interrupted) r.fate = { kind: 'not-started' };
    }),
  );
}

/** The release's status and rolled-back, from its entries. */
function settleFleet(fleet: FleetResult, members: Member[]): void {
  const entries = fleet.entries;
  const failed = failedEntry(members)?.result;
  if (fleet.several) {
    fleet.cause ??= failed?.cause && { ...failed.cause, entry: failed.key };
    fleet.status = failed?.status ?? (fleet.cause ? 'failed' : wholeStatus(entries));
    // Every alias this release moved: by a deployment (started), a direct move or a creation.
    const moved = entries.filter(
      (e) => e.deploymentId || e.fate?.kind === 'returned' || e.fate?.kind === 'left',
    );
    fleet.rolledBack =
      fleet.status !== 'succeeded' && moved.length > 0 && moved.every((e) => e.rolledBack);
  } else {
    const only = entries[0]!;
    fleet.status = only.status;
    fleet.rolledBack = only.rolledBack;
    fleet.cause = only.cause;
  }
}

/** After a cancel: the release was stopped; rolled back only if every alias it moved is back. */
export function settleCancelled(fleet: FleetResult): void {
  const only = fleet.entries[0]!;
  if (!fleet.several) {
    fleet.status = only.status;
    fleet.rolledBack = only.rolledBack;
    fleet.cause = only.cause;
    return;
  }
  fleet.status = 'stopped';
  fleet.cause = { code: 'CANCELLED', message: 'The workflow run was cancelled.' };
  const moved = fleet.entries.filter(
    (e) => e.deploymentId || e.fate?.kind === 'returned' || e.fate?.kind === 'left',
  );
  fleet.rolledBack = moved.length > 0 && moved.every((e) => e.rolledBack);
}

/** When nothing failed: all alike, or succeeded for a mix (a created alias counts as released). */
function wholeStatus(entries: EntryResult[]): ReleaseStatus {
  const kinds = new Set(entries.map((e) => e.status));
  if (kinds.size === 1) return entries[0]!.status;
  if (kinds.has('planned')) return 'planned';
  if (kinds.has('started')) return 'started';
  return 'succeeded';
}

/** A release of one function, as the tools that drive one release call it: a list of one. */
export async function release(
  settings: Settings,
  deps: ReleaseDeps,
  result: ReleaseResult = initialResult(settings, deps.clock.now()),
): Promise<ReleaseResult> {
  const key = entryKey(settings);
  const rs: ReleaseSettings = {
    entries: [{ key, position: 0, wave: 1, settings }],
    several: false,
    bakeMinutes: 0,
    maxParallel: 1,
  };
  const fleet = initialFleet(rs, result.startedAt);
  fleet.entries[0] = Object.assign(result, { key, wave: 1 });
  const say = (message: string, warning?: boolean) =>
    deps.progress({ kind: warning ? 'warning' : 'info', message });
  await releaseAll(
    rs,
    (_e, signal) => ({ ...deps, signal }),
    { clock: deps.clock, signal: deps.signal, say },
    fleet,
  );
  deps.output('status', result.status);
  deps.output('rolled-back', String(result.rolledBack));
  return result;
}
