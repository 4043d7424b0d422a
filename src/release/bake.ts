// The bake between waves (`bake-minutes`): the released entries' alarms (the deployment
// groups', `alarms`, the metric gates') keep being read; one in ALARM fails the release.
import { describeAwsError } from '../aws/errors.ts';
import type { Clock } from './deps.ts';
import type { Cause } from './result.ts';
import { isTransient } from './retry.ts';
import type { EntryRun } from './run.ts';

interface Watched {
  run: EntryRun;
  key: string;
  alarms: string[];
}

/** What the bake needs of the release: its clock, its cancel, and a line for the log. */
export interface BakeOptions {
  clock: Clock;
  signal?: AbortSignal;
  say(message: string): void;
}

export interface BakeAlarm {
  cause: Cause;
  /** The entry whose alarm fired. */
  entry: string;
}

function watchedOf(run: EntryRun): Watched | undefined {
  const plan = run.release?.plan;
  if (!plan || run.settings.ignoreAlarms) return undefined;
  const alarms = [...new Set([...plan.alarms, ...(run.release?.gates?.alarmNames ?? [])])];
  return alarms.length ? { run, key: run.result.key, alarms } : undefined;
}

/** Waits `minutes`, reading the alarms every poll-interval; the first in ALARM ends it. */
export async function bake(
  runs: EntryRun[],
  minutes: number,
  wave: number,
  opts: BakeOptions,
): Promise<BakeAlarm | undefined> {
  const watched = runs.flatMap((r) => watchedOf(r) ?? []);
  const pollMs = runs[0]?.release?.plan.pollIntervalMs ?? 15_000;
  const until = opts.clock.now() + minutes * 60_000;
  const count = watched.reduce((n, w) => n + w.alarms.length, 0);
  opts.say(
    count
      ? `Baking ${minutes} min after wave ${wave}: watching ${count} alarm${count === 1 ? '' : 's'} of ${watched.map((w) => w.key).join(', ')}.`
      : `Baking ${minutes} min after wave ${wave}: no alarms to watch (none configured on the released functions' groups, \`alarms\` or \`metric-gates\`).`,
  );
  for (;;) {
    for (const w of watched) {
      const fired = await firing(w, wave, minutes);
      if (fired) return fired;
    }
    const now = opts.clock.now();
    if (now >= until) return undefined;
    await opts.clock.sleep(Math.min(pollMs, until - now), opts.signal);
  }
}

async function firing(w: Watched, wave: number, minutes: number): Promise<BakeAlarm | undefined> {
  try {
    const cloudwatch = await w.run.deps.cloudwatch!();
    const states = await cloudwatch.alarmStates(w.alarms);
    const alarms = w.alarms.filter((a) => states[a] === 'ALARM');
    if (alarms.length === 0) return undefined;
    return {
      entry: w.key,
      cause: {
        code: 'BAKE_ALARM',
        message: `Alarm ${alarms.join(', ')} of ${w.key} went into ALARM during the ${minutes}-minute bake after wave ${wave}.`,
        alarms,
      },
    };
  } catch (error) {
    // A blip is read again at the next poll; a refusal (denied, expired) ends the bake.
    if (isTransient(error)) return undefined;
    return {
      entry: w.key,
      cause: {
        code: 'BAKE_UNWATCHED',
        message: describeAwsError(
          error,
          `reading the alarms of ${w.key} during the bake after wave ${wave}`,
        ).message,
      },
    };
  }
}
