// The "whole version" inputs → DesiredConfig. Every problem goes to the collector at once; the
// caller refuses the release before any AWS call when there is one. See docs/aws-semantics.md.
import { parseAlarms as splitList } from '../settings/gates.ts';
import { parseBoolean } from '../settings/values.ts';
import {
  checkDescription,
  checkHandler,
  checkInt,
  checkLayers,
  checkRole,
  checkRuntime,
  quote,
  type Range,
} from './checks.ts';
import { parseEnvironment } from './environment.ts';
import { CONFIG_FIELDS, DEDICATED_INPUT, FIELD_SHAPES, NOT_CONFIGURATION } from './fields.ts';
import { EPHEMERAL_STORAGE_MB, MEMORY_MB, TIMEOUT_SECONDS } from './limits.ts';
import { isoDay, runtimeWarning } from './runtimes.ts';
import { checkShape } from './shape.ts';
import type { Architecture, ConfigField, ConfigFields, DesiredConfig, Problems } from './types.ts';
import { isPlainMap, parseYaml } from './yaml.ts';

export interface ParseOptions {
  /** The release's region: layers must be in it. */
  region?: string;
  /** Today (YYYY-MM-DD, UTC), for the runtime calendar's warnings; default the clock's. */
  today?: string;
}

type Get = (name: string) => string;

/** Sets a field from its dedicated input; `parse` returns the value, or an error phrase. */
function dedicated<F extends ConfigField>(
  get: Get,
  problems: Problems,
  desired: DesiredConfig,
  field: F,
  parse: (raw: string) => { value: ConfigFields[F] } | { error: string },
): void {
  const input = DEDICATED_INPUT[field] ?? field;
  const raw = get(input);
  if (raw === '') return;
  const r = parse(raw);
  if ('error' in r) problems.add(input, r.error);
  else {
    desired.fields[field] = r.value;
    desired.from[field] = input;
  }
}

const result = <T>(value: T, error: string | undefined) => (error ? { error } : { value });
/** The check's error with the given text quoted first: for short inputs, never for secrets. */
const quoted = (raw: string, check: (v: string) => string | undefined) =>
  result(raw, check(raw) && `${quote(raw)} ${check(raw)}`);

function whole(raw: string, range: Range, unit: string) {
  const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  const error = checkInt(n, range, unit);
  return error ? { error: `${quote(raw)} ${error}` } : { value: n };
}

function scalarInputs(get: Get, problems: Problems, desired: DesiredConfig, region?: string): void {
  const add = dedicated.bind(null, get, problems, desired);
  add('Runtime', (raw) => {
    const id = raw.toLowerCase();
    const error = checkRuntime(id);
    return error ? { error: `${quote(raw)} ${error}` } : { value: id as ConfigFields['Runtime'] };
  });
  add('Handler', (raw) => quoted(raw, checkHandler));
  add('Description', (raw) => result(raw, checkDescription(raw)));
  add('MemorySize', (raw) => whole(raw, MEMORY_MB, 'MB'));
  add('Timeout', (raw) => whole(raw, TIMEOUT_SECONDS, 'seconds'));
  add('EphemeralStorage', (raw) => {
    const r = whole(raw, EPHEMERAL_STORAGE_MB, 'MB of /tmp');
    return 'error' in r ? r : { value: { Size: r.value } };
  });
  add('Role', (raw) => quoted(raw, checkRole));
  add('Layers', (raw) => {
    const arns = splitList(raw);
    return result(arns, checkLayers(arns, region));
  });
}

/** One `function-configuration` field: not configuration, set twice, or the wrong shape. */
function configField(key: string, value: unknown, get: Get, problems: Problems, region?: string) {
  const input = 'function-configuration';
  const misplaced = NOT_CONFIGURATION[key];
  if (misplaced) return problems.add(input, `cannot set \`${key}\`: ${misplaced}.`);
  if (!(CONFIG_FIELDS as string[]).includes(key)) {
    return problems.add(
      input,
      `has an unknown field ${quote(key)}. Valid: UpdateFunctionConfiguration fields as the Lambda API spells them: ${CONFIG_FIELDS.map((f) => `\`${f}\``).join(', ')}.`,
    );
  }
  const field = key as ConfigField;
  const twin = DEDICATED_INPUT[field];
  if (twin && get(twin) !== '') {
    return problems.add(
      input,
      `sets \`${field}\`, which the \`${twin}\` input also sets. Valid: set it in one place only.`,
    );
  }
  const layers = () => checkLayers(value as string[], region);
  const error =
    checkShape(FIELD_SHAPES[field], value, field) ??
    (field === 'Layers' && layers() ? `\`Layers\` ${layers()}` : undefined);
  if (error) return problems.add(input, error);
  return field;
}

async function configInput(get: Get, problems: Problems, desired: DesiredConfig, region?: string) {
  const raw = get('function-configuration');
  if (raw === '') return;
  const forms =
    'Valid: a YAML or JSON map of UpdateFunctionConfiguration fields in the Lambda API\'s names, e.g. `{"TracingConfig": {"Mode": "Active"}}`.';
  const parsed = await parseYaml(raw, 'core');
  if (!parsed.ok)
    return problems.add(
      'function-configuration',
      `is not valid YAML or JSON (${parsed.error}). ${forms}`,
    );
  if (!isPlainMap(parsed.value))
    return problems.add('function-configuration', `is not a map. ${forms}`);
  for (const [key, value] of Object.entries(parsed.value)) {
    const field = configField(key, value, get, problems, region);
    if (field) {
      (desired.fields as Record<string, unknown>)[field] = value;
      desired.from[field] = 'function-configuration';
    }
  }
}

function otherInputs(get: Get, problems: Problems, desired: DesiredConfig): void {
  const arch = get('architectures');
  if (arch !== '') {
    const found = (['x86_64', 'arm64'] as const).find((a) => a === arch.toLowerCase());
    if (found) desired.architecture = found as Architecture;
    else
      problems.add(
        'architectures',
        `${quote(arch)} is not a Lambda architecture. Valid: \`x86_64\` or \`arm64\` (one of them).`,
      );
  }
  const create = get('create-function');
  if (create !== '') {
    const b = parseBoolean(create);
    if (b === undefined) {
      problems.add(
        'create-function',
        `${quote(create)} is not a boolean. Valid: \`true\` or \`false\` (also yes/no, on/off, 1/0, any case); default \`false\`.`,
      );
    } else desired.createFunction = b;
  }
  // `codedeploy-role` is read with the CodeDeploy target (settings/deployment.ts).
}

export async function parseFunctionConfig(
  inputs: (name: string) => string,
  problems: Problems,
  options: ParseOptions = {},
): Promise<DesiredConfig> {
  const get: Get = (name) => (inputs(name) ?? '').trim();
  const desired: DesiredConfig = { fields: {}, from: {}, createFunction: false, warnings: [] };
  scalarInputs(get, problems, desired, options.region);
  const env = get('environment');
  if (env !== '') {
    const r = await parseEnvironment(env);
    if (r.ok) {
      desired.fields.Environment = { Variables: r.vars };
      desired.from.Environment = 'environment';
    } else problems.add('environment', r.error);
  }
  await configInput(get, problems, desired, options.region);
  otherInputs(get, problems, desired);
  const runtime = desired.fields.Runtime;
  const warning = runtime && runtimeWarning(runtime, options.today ?? isoDay(Date.now()));
  if (warning) desired.warnings.push(warning);
  return desired;
}
