// `functions`: the entries of a release of several functions. Each entry is a map of the
// per-function inputs (the step's own inputs are the defaults) plus `wave`; each entry is
// then read by the same parsers as a single-function step, through an input reader that
// answers from the entry first. Problems name the entry (`region/function:alias`, or its
// position while those are unknown) and the input.
import { isPlainMap, parseYaml } from '../function-config/yaml.ts';
import { type Reader, show } from './problems.ts';

/** What an entry releases: one of these in an entry replaces all of the step's. */
const SOURCE_INPUTS = [
  'zip-file',
  'code-dir',
  's3-bucket',
  's3-key',
  's3-object-version',
  'image-uri',
  'version',
  'from-alias',
];

/** Inputs an entry may set (interface.md, "A release of several functions"). */
export const PER_FUNCTION_INPUTS: readonly string[] = [
  'function-name',
  'alias',
  'application',
  'deployment-group',
  'codedeploy-role',
  'region',
  'strategy',
  ...SOURCE_INPUTS,
  'version-description',
  'runtime',
  'handler',
  'memory-size',
  'function-timeout',
  'environment',
  'layers',
  'function-description',
  'ephemeral-storage',
  'architectures',
  'function-configuration',
  'execution-role',
  'create-function',
  'before-traffic-hook',
  'after-traffic-hook',
  'alarms',
  'ignore-alarms',
  'metric-gates',
  'auto-rollback',
  'smoke-test-payload',
  'smoke-test-tenant-id',
  'wave',
];

/** Inputs that speak for the whole release: refused inside an entry. */
export const RELEASE_WIDE_INPUTS: readonly string[] = [
  'functions',
  'wait',
  'timeout-minutes',
  'poll-interval',
  'on-timeout',
  'on-cancel',
  'if-busy',
  'dry-run',
  'summary',
  'role-to-assume',
  'role-session-name',
  'audience',
  'role-duration-seconds',
  'bake-minutes',
  'max-parallel',
  'github-environment',
  'github-token',
];

/** One entry as written: its inputs as the step would read them (text), and its wave. */
export interface RawEntry {
  /** 1-based position in the list, for messages. */
  position: number;
  inputs: Record<string, string>;
  wave: number;
}

export const FUNCTIONS_FORMS =
  'Valid: a YAML or JSON list of maps, each naming at least `function-name`, e.g. `- function-name: orders-api` / `  deployment-group: orders-api-live` / `  wave: 2`.';

/** The entries of `functions`, or undefined when the input is not given (one entry: the step). */
export async function readEntries(r: Reader): Promise<RawEntry[] | undefined> {
  const text = r.get('functions');
  if (text === '') return undefined;
  const parsed = await parseYaml(text, 'core');
  if (!parsed.ok) {
    r.problem('functions', `is not valid YAML or JSON (${parsed.error}). ${FUNCTIONS_FORMS}`);
    return [];
  }
  if (!Array.isArray(parsed.value) || parsed.value.length === 0) {
    r.problem('functions', `must be a non-empty list. ${FUNCTIONS_FORMS}`);
    return [];
  }
  if (r.get('function-name') !== '')
    r.problem(
      'function-name',
      "must be empty when `functions` is given: each entry names its own function (the step's other inputs are the entries' defaults).",
    );
  return parsed.value.flatMap((value, i) => readEntry(r, value, i + 1));
}

function readEntry(r: Reader, value: unknown, position: number): RawEntry[] {
  const where = `\`functions\` entry ${position}`;
  if (!isPlainMap(value)) {
    r.add(`${where} is not a map of inputs. ${FUNCTIONS_FORMS}`);
    return [];
  }
  const inputs: Record<string, string> = {};
  let ok = true;
  for (const [key, v] of Object.entries(value)) {
    if (RELEASE_WIDE_INPUTS.includes(key)) {
      r.add(
        `${where}: \`${key}\` speaks for the whole release and is set on the step, not in an entry. An entry takes: ${PER_FUNCTION_INPUTS.map((k) => `\`${k}\``).join(', ')}.`,
      );
      ok = false;
    } else if (!PER_FUNCTION_INPUTS.includes(key)) {
      r.add(
        `${where}: ${show(key)} is not an input of an entry. Valid: ${PER_FUNCTION_INPUTS.map((k) => `\`${k}\``).join(', ')}.`,
      );
      ok = false;
    } else inputs[key] = inputText(v);
  }
  const wave = readWave(r, where, inputs['wave']);
  delete inputs['wave'];
  if (!inputs['function-name']) {
    r.add(`${where}: \`function-name\` is required in every entry.`);
    ok = false;
  }
  return ok && wave !== undefined ? [{ position, inputs, wave }] : [];
}

/** An entry's value as the step's input would hold it: lists joined by lines, maps as JSON. */
function inputText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(inputText).join('\n');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function readWave(r: Reader, where: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return 1;
  if (/^\d+$/.test(raw) && Number(raw) >= 1 && Number(raw) <= 1000) return Number(raw);
  r.add(
    `${where}: \`wave\` ${show(raw)} is not a whole number from 1. Valid: 1, 2, 3, ...; default 1.`,
  );
  return undefined;
}

/**
 * The step's reader, answering from the entry first. An entry that names its own code source
 * (or version) takes none of the step's: the step's default would otherwise be a second source.
 */
export function entryInput(
  step: (name: string) => string,
  entry: RawEntry,
): (name: string) => string {
  const ownSource = SOURCE_INPUTS.some((k) => k in entry.inputs);
  return (name) => {
    if (name === 'functions') return '';
    if (name in entry.inputs) return entry.inputs[name]!;
    if (ownSource && SOURCE_INPUTS.includes(name)) return '';
    return step(name);
  };
}
