// The whole release: its entries (one per function; a step without `functions` is a release
// of one entry) and the release-wide inputs that only make sense across entries. Every
// problem of every entry is reported at once, each naming its entry.
import type { FileProbe } from './files.ts';
import { functionNameOf } from './function-ref.ts';
import { entryInput, type RawEntry, readEntries } from './functions.ts';
import { MAX_TIMEOUT_MINUTES } from './limits.ts';
import { type Reader, reader, SettingsError } from './problems.ts';
import type { Env, InputReader, Settings } from './types.ts';
import { readNumber } from './values.ts';

/** One function of the release. */
export interface Entry {
  /** `region/function:alias`: how logs, the summary and errors name it. */
  key: string;
  /** 1-based position in `functions`; 0 for the step's own single function. */
  position: number;
  /** From 1: waves run in order, the entries of one wave at once. */
  wave: number;
  settings: Settings;
}

export interface ReleaseSettings {
  entries: Entry[];
  /** True when `functions` was given, even with one entry (the outputs differ). */
  several: boolean;
  /** Minutes to watch between waves. */
  bakeMinutes: number;
  /** How many entries are checked and prepared at once. */
  maxParallel: number;
}

export const DEFAULT_MAX_PARALLEL = 4;
const MAX_PARALLEL = 25;

/** What a single-function step or each entry of `functions` is read with. */
export type EntryReader = (input: InputReader, env: Env, files: FileProbe) => Promise<Settings>;

export function entryKey(s: Pick<Settings, 'region' | 'functionName' | 'alias'>): string {
  return `${s.region}/${functionNameOf(s.functionName)}:${s.alias}`;
}

export async function readReleaseWith(
  readEntry: EntryReader,
  input: InputReader,
  env: Env,
  files: FileProbe,
): Promise<ReleaseSettings> {
  const r = reader(input, env);
  const raw = await readEntries(r);
  const bakeMinutes = readBake(r);
  const maxParallel = readMaxParallel(r);
  const problems: string[] = [];
  const entries: Entry[] = [];
  const list = raw ?? [undefined];
  const read = await Promise.all(
    list.map((e) => settle(readEntry(e ? entryInput(input, e) : input, env, files))),
  );
  read.forEach((got, i) => {
    const e = list[i];
    if ('problems' in got)
      problems.push(...got.problems.map((p) => (e ? `${rawName(e, input, env)}: ${p}` : p)));
    else
      entries.push({
        key: entryKey(got.settings),
        position: e?.position ?? 0,
        wave: e?.wave ?? 1,
        settings: got.settings,
      });
  });
  try {
    r.check();
  } catch (error) {
    problems.unshift(...(error as SettingsError).problems);
  }
  if (problems.length === 0)
    problems.push(...crossEntryProblems(entries), ...waveProblems(entries));
  if (problems.length > 0) throw new SettingsError(problems);
  return { entries, several: raw !== undefined, bakeMinutes, maxParallel };
}

async function settle(
  p: Promise<Settings>,
): Promise<{ settings: Settings } | { problems: string[] }> {
  try {
    return { settings: await p };
  } catch (error) {
    if (error instanceof SettingsError) return { problems: error.problems };
    throw error;
  }
}

/** An entry whose inputs did not all parse: named by what it says, and its position. */
function rawName(e: RawEntry, input: InputReader, env: Env): string {
  const get = entryInput(input, e);
  const region = get('region') || env['AWS_REGION'] || env['AWS_DEFAULT_REGION'] || '?';
  return `\`functions\` entry ${e.position} (${region}/${functionNameOf(get('function-name'))}:${get('alias') || '?'})`;
}

/** The same function and alias twice; two entries of one wave in one deployment group. */
function crossEntryProblems(entries: Entry[]): string[] {
  const problems: string[] = [];
  const byKey = new Map<string, Entry>();
  const byGroup = new Map<string, Entry>();
  for (const e of entries) {
    const first = byKey.get(e.key);
    if (first)
      problems.push(
        `\`functions\` entries ${first.position} and ${e.position} both release ${e.key}: each function and alias may appear once.`,
      );
    else byKey.set(e.key, e);
    const s = e.settings;
    if (s.strategy.kind === 'direct' || !s.application || !s.deploymentGroup) continue;
    const group = `${s.region}/${s.application}/${s.deploymentGroup}#${e.wave}`;
    const other = byGroup.get(group);
    if (other)
      problems.push(
        `\`functions\` entries ${other.position} (${other.key}) and ${e.position} (${e.key}) are both in wave ${e.wave} and deployment group ${s.deploymentGroup} of ${s.application} (${s.region}): a group runs one deployment at a time. Give each its own \`deployment-group\`, or put them in different waves.`,
      );
    else byGroup.set(group, e);
  }
  return problems;
}

/** Later waves start once earlier ones have succeeded: that needs the release to watch them. */
function waveProblems(entries: Entry[]): string[] {
  const waves = new Set(entries.map((e) => e.wave));
  if (waves.size < 2 || entries[0]!.settings.wait) return [];
  return [
    `\`wait\`: \`false\` cannot release ${waves.size} waves: a wave starts only once the one before it has succeeded, which the step must watch. Valid: \`wait: true\` (the default), or every entry in one wave.`,
  ];
}

function readBake(r: Reader): number {
  return (
    readNumber(
      r,
      'bake-minutes',
      (n) => n >= 0 && n <= MAX_TIMEOUT_MINUTES,
      (raw) =>
        `${raw} is not a valid number of minutes. Valid: a number from 0 to ${MAX_TIMEOUT_MINUTES}, e.g. \`10\`; default \`0\` (no bake between waves).`,
    ) ?? 0
  );
}

function readMaxParallel(r: Reader): number {
  return (
    readNumber(
      r,
      'max-parallel',
      (n) => Number.isInteger(n) && n >= 1 && n <= MAX_PARALLEL,
      (raw) =>
        `${raw} is not a valid count. Valid: a whole number from 1 to ${MAX_PARALLEL}; default \`${DEFAULT_MAX_PARALLEL}\`.`,
    ) ?? DEFAULT_MAX_PARALLEL
  );
}
