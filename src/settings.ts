// Inputs → one typed Settings object. Every problem is reported at once, each naming the
// input, what was wrong and the valid forms. Nothing here talks to AWS.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ParseResult, Strategy } from './strategy.ts';
import { parseStrategy } from './strategy.ts';

export type Source =
  /** No code source: publish $LATEST as it stands. */
  | { kind: 'latest' }
  /** `path` is resolved against the workspace; `given` is the input as written, for messages. */
  | { kind: 'zip-file'; path: string; given: string }
  | { kind: 'code-dir'; path: string; given: string }
  | { kind: 's3'; bucket: string; key: string; objectVersion?: string }
  | { kind: 'image'; uri: string }
  /** Promotion: release this existing published version. */
  | { kind: 'version'; version: string }
  /** Promotion: release the version another alias points at. */
  | { kind: 'from-alias'; alias: string };

export type OnEvent = 'rollback' | 'leave';

export interface Settings {
  /** The function name, or the ARN as given (unqualified). */
  functionName: string;
  alias: string;
  /** Required unless strategy is direct. */
  application?: string;
  deploymentGroup?: string;
  strategy: Strategy;
  source: Source;
  versionDescription: string;
  beforeTrafficHook?: string;
  afterTrafficHook?: string;
  alarms: string[];
  /** Deploy without alarm gating (overrideAlarmConfiguration enabled: false), e.g. to ship the fix for a firing alarm. */
  ignoreAlarms: boolean;
  autoRollback: boolean;
  /** Validated JSON text. */
  smokeTestPayload?: string;
  wait: boolean;
  /** Undefined: derived from the strategy in preflight. */
  timeoutMinutes?: number;
  pollIntervalSeconds: number;
  onTimeout: OnEvent;
  onCancel: OnEvent;
  ifBusy: 'fail' | 'wait';
  dryRun: boolean;
  summary: boolean;
  region: string;
}

export class SettingsError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(
      problems.length === 1
        ? `Invalid input: ${problems[0]}`
        : `Invalid inputs:\n${problems.map((p) => `- ${p}`).join('\n')}`,
    );
    this.name = 'SettingsError';
    this.problems = problems;
  }
}

export type InputReader = (name: string) => string;

// ---------------------------------------------------------------------------------------------
// Limits (AWS's, see docs/aws-semantics.md#limits)

/** Lambda's direct-upload (ZipFile) limit. */
export const MAX_ZIP_BYTES = 50 * 1024 * 1024;
/** Lambda's version description limit. */
export const MAX_DESCRIPTION_LENGTH = 256;
/** CodeDeploy: alarms per deployment. */
export const MAX_ALARMS = 10;
/** CloudWatch / CodeDeploy: alarm name length. */
export const MAX_ALARM_NAME_LENGTH = 255;
/** Lambda: synchronous Invoke payload limit. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** CodeDeploy: a Lambda deployment runs at most 50 h. */
export const MAX_TIMEOUT_MINUTES = 3000;
export const MAX_POLL_INTERVAL_SECONDS = 3600;
export const DEFAULT_STRATEGY = 'Canary10Percent5Minutes';
export const DEFAULT_POLL_INTERVAL_SECONDS = 15;

// ---------------------------------------------------------------------------------------------
// Small validators others may reuse

export interface FunctionArn {
  partition: string;
  region: string;
  accountId: string;
  name: string;
}

/** A function as `function-name` or a hook input may give it. */
export type FunctionRef =
  | { kind: 'name'; name: string }
  | ({ kind: 'arn' } & FunctionArn)
  /** `123456789012:function:my-function` */
  | { kind: 'partial'; accountId: string; name: string };

const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const ARN = /^arn:([^:]*):lambda:([^:]*):([^:]*):function:([^:]*)(?::(.*))?$/;
const PARTIAL_ARN = /^([^:]*):function:([^:]*)(?::(.*))?$/;
const PARTITION = /^aws(-[a-z]+)*$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ACCOUNT = /^\d{12}$/;

const FUNCTION_FORMS =
  'Valid: a function name (1-64 letters, digits, `-` or `_`, e.g. `my-function`), its ARN ' +
  '(`arn:aws:lambda:us-east-1:123456789012:function:my-function`) or a partial ARN ' +
  '(`123456789012:function:my-function`), without a version or alias suffix.';

export function isValidRegion(region: string): boolean {
  return REGION.test(region);
}

/** Parses an unqualified function ARN; undefined when it is not one. */
export function parseFunctionArn(arn: string): FunctionArn | undefined {
  const m = ARN.exec(arn.trim());
  if (!m || m[5] !== undefined) return undefined;
  const [, partition = '', region = '', accountId = '', name = ''] = m;
  if (!PARTITION.test(partition) || !REGION.test(region) || !ACCOUNT.test(accountId)) {
    return undefined;
  }
  if (!FUNCTION_NAME.test(name)) return undefined;
  return { partition, region, accountId, name };
}

/** A function name, ARN or partial ARN; the error (without the input's name) says what is wrong. */
export function parseFunctionRef(raw: string): ParseResult<FunctionRef> {
  const value = raw.trim();
  const bad = (why: string): ParseResult<FunctionRef> => ({
    ok: false,
    error: `${show(value)} ${why}. ${FUNCTION_FORMS}`,
  });
  const qualified = (q: string) =>
    bad(
      `has a qualifier \`:${q}\`; give the unqualified function: the alias to move goes in \`alias\`, ` +
        'an existing version to release in `version`',
    );
  if (value === '') return { ok: false, error: `is empty. ${FUNCTION_FORMS}` };

  if (value.startsWith('arn:')) {
    const m = ARN.exec(value);
    if (!m) return bad('is not a Lambda function ARN');
    const [, partition = '', region = '', accountId = '', name = '', qualifier] = m;
    if (!PARTITION.test(partition)) return bad(`has an unknown partition \`${partition}\``);
    if (!REGION.test(region)) return bad(`has an invalid region \`${region}\``);
    if (!ACCOUNT.test(accountId)) return bad('has an account id that is not 12 digits');
    if (!FUNCTION_NAME.test(name)) return bad('has an invalid function name');
    if (qualifier !== undefined) return qualified(qualifier);
    return { ok: true, value: { kind: 'arn', partition, region, accountId, name } };
  }
  const p = PARTIAL_ARN.exec(value);
  if (p) {
    const [, accountId = '', name = '', qualifier] = p;
    if (!ACCOUNT.test(accountId)) return bad('has an account id that is not 12 digits');
    if (!FUNCTION_NAME.test(name)) return bad('has an invalid function name');
    if (qualifier !== undefined) return qualified(qualifier);
    return { ok: true, value: { kind: 'partial', accountId, name } };
  }
  const colon = value.indexOf(':');
  if (colon > 0 && FUNCTION_NAME.test(value.slice(0, colon))) {
    return qualified(value.slice(colon + 1));
  }
  if (value.length > 64) return bad(`is ${value.length} characters long, over Lambda's 64`);
  if (!FUNCTION_NAME.test(value)) return bad('contains characters Lambda does not allow');
  return { ok: true, value: { kind: 'name', name: value } };
}

export function isValidFunctionRef(raw: string): boolean {
  return parseFunctionRef(raw).ok;
}

const ALIAS_FORMS =
  'Valid: 1-128 letters, digits, `-` or `_`, not only digits and not `$LATEST`, e.g. `live`.';

/** Lambda's alias name rules; the error (without the input's name) says what is wrong. */
export function checkAliasName(raw: string): string | undefined {
  const name = raw.trim();
  if (name === '') return `is empty. ${ALIAS_FORMS}`;
  if (name.toUpperCase() === '$LATEST') {
    return `cannot be \`$LATEST\`, which is not an alias but the unpublished code. ${ALIAS_FORMS}`;
  }
  if (name.length > 128)
    return `${show(name)} is ${name.length} characters long, over Lambda's 128. ${ALIAS_FORMS}`;
  if (!/^[a-zA-Z0-9_-]+$/.test(name)) {
    return `${show(name)} contains characters Lambda does not allow in an alias name. ${ALIAS_FORMS}`;
  }
  if (/^\d+$/.test(name)) {
    return `${show(name)} is only digits, which Lambda refuses (it would look like a version number). ${ALIAS_FORMS}`;
  }
  return undefined;
}

export function isValidAliasName(name: string): boolean {
  return checkAliasName(name) === undefined;
}

/** S3 general-purpose bucket naming rules. */
export function isValidBucketName(name: string): boolean {
  return (
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !name.includes('..') &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !/^(xn--|sthree-|amzn-s3-demo-)/.test(name) &&
    !/(-s3alias|--ol-s3)$/.test(name)
  );
}

// <registry>/<repo path>[:tag][@sha256:<64 hex>]; the registry is a host name (with a dot, or
// `localhost`) and an optional port.
const IMAGE_URI =
  /^(?:[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+|localhost)(?::\d+)?\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

export function isValidImageUri(uri: string): boolean {
  return IMAGE_URI.test(uri);
}

/** Splits `alarms` on commas and newlines, trims, drops empties. */
export function parseAlarms(raw: string): string[] {
  return raw
    .split(/[,\r\n]/)
    .map((a) => a.trim())
    .filter((a) => a !== '');
}

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

/** YAML 1.1-style booleans; undefined when the text is none of them. */
export function parseBoolean(raw: string): boolean | undefined {
  const v = raw.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  return undefined;
}

/** `<owner/repo>@<sha7> run <run id>`, or as much of it as the environment gives. */
export function defaultVersionDescription(env: Record<string, string | undefined>): string {
  const repo = env['GITHUB_REPOSITORY']?.trim() || undefined;
  const sha = env['GITHUB_SHA']?.trim().slice(0, 7) || undefined;
  const run = env['GITHUB_RUN_ID']?.trim() || undefined;
  const head = repo && sha ? `${repo}@${sha}` : (repo ?? sha);
  const text = head && run ? `${head} run ${run}` : (head ?? (run ? `run ${run}` : undefined));
  return (text ?? 'released by GitHub Actions').slice(0, MAX_DESCRIPTION_LENGTH);
}

/** A value quoted for a message: backticks, one line, at most 80 characters. */
function show(value: string): string {
  const oneLine = value.replace(/\r?\n/g, '\\n').replace(/`/g, "'");
  return `\`${oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine}\``;
}

function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** True when the directory holds at least one file, looking through subdirectories and symlinks. */
function hasAnyFile(dir: string, seen = new Set<string>()): boolean {
  let real: string;
  try {
    real = fs.realpathSync(dir);
  } catch {
    return false;
  }
  if (seen.has(real)) return false;
  seen.add(real);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  const subdirs: string[] = [];
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isFile()) return true;
    if (e.isDirectory()) subdirs.push(full);
    else if (e.isSymbolicLink()) {
      try {
        const st = fs.statSync(full);
        if (st.isFile()) return true;
        if (st.isDirectory()) subdirs.push(full);
      } catch {
        // dangling link: not a file
      }
    }
  }
  return subdirs.some((d) => hasAnyFile(d, seen));
}

// ---------------------------------------------------------------------------------------------

const SOURCE_FORMS =
  'Give at most one of `zip-file`, `code-dir`, `s3-bucket` + `s3-key` (+ `s3-object-version`), ' +
  '`image-uri`, `version` or `from-alias`; give none to publish $LATEST as it stands.';

export function readSettings(
  input: InputReader,
  env: Record<string, string | undefined>,
): Settings {
  const problems: string[] = [];
  const problem = (name: string, text: string) =>
    problems.push(`\`${name}\`${text.startsWith('`') ? ':' : ''} ${text}`);
  const get = (name: string) => (input(name) ?? '').trim();
  const workspace = env['GITHUB_WORKSPACE']?.trim() || process.cwd();

  // --- region (needed to check ARNs) ---
  let region = '';
  let regionFrom = '';
  for (const [value, from] of [
    [get('region'), '`region` input'],
    [env['AWS_REGION']?.trim() ?? '', 'AWS_REGION'],
    [env['AWS_DEFAULT_REGION']?.trim() ?? '', 'AWS_DEFAULT_REGION'],
  ] as const) {
    if (value !== '') {
      region = value;
      regionFrom = from;
      break;
    }
  }
  let regionValid = region !== '' && isValidRegion(region);
  if (region !== '' && !regionValid) {
    problem(
      'region',
      `${show(region)} (from ${regionFrom}) is not an AWS region. Valid: a region code such as \`us-east-1\`, \`eu-west-2\` or \`us-gov-west-1\`.`,
    );
  }

  /** A function input: name/ARN rules, and an ARN must be in the region. */
  const functionInput = (name: string, value: string): FunctionRef | undefined => {
    const r = parseFunctionRef(value);
    if (!r.ok) {
      problem(name, r.error);
      return undefined;
    }
    if (r.value.kind === 'arn' && regionValid && r.value.region !== region) {
      problem(
        name,
        `${show(value)} is in region \`${r.value.region}\`, but the release runs in \`${region}\` (from ${regionFrom}). ` +
          `Valid: a function in \`${region}\`, or set \`region\` to \`${r.value.region}\`.`,
      );
    }
    return r.value;
  };

  // --- function-name ---
  const functionName = get('function-name');
  let functionRef: FunctionRef | undefined;
  if (functionName === '') {
    problem('function-name', `is required. ${FUNCTION_FORMS}`);
  } else {
    functionRef = functionInput('function-name', functionName);
  }

  // The region, finally: given, else the function ARN's.
  if (region === '') {
    if (functionRef?.kind === 'arn') {
      region = functionRef.region;
      regionFrom = '`function-name` ARN';
      regionValid = true;
    } else {
      problem(
        'region',
        'is not set and no region is in the environment. Valid: set the `region` input (e.g. `us-east-1`), ' +
          'set AWS_REGION or AWS_DEFAULT_REGION (aws-actions/configure-aws-credentials does), ' +
          'or give `function-name` as a full ARN.',
      );
    }
  }

  // --- alias ---
  const alias = get('alias');
  if (alias === '') problem('alias', `is required. ${ALIAS_FORMS}`);
  else {
    const err = checkAliasName(alias);
    if (err) problem('alias', err);
  }

  // --- strategy ---
  const strategyRaw = get('strategy') || DEFAULT_STRATEGY;
  const parsedStrategy = parseStrategy(strategyRaw);
  if (!parsedStrategy.ok) problem('strategy', parsedStrategy.error);
  const strategy: Strategy = parsedStrategy.ok
    ? parsedStrategy.value
    : { kind: 'custom', input: strategyRaw, configName: strategyRaw };
  const direct = parsedStrategy.ok && strategy.kind === 'direct';

  // --- application, deployment-group ---
  const application = get('application');
  const deploymentGroup = get('deployment-group');
  for (const [name, value, what] of [
    ['application', application, 'CodeDeploy application (compute platform Lambda)'],
    ['deployment-group', deploymentGroup, 'deployment group in that application'],
  ] as const) {
    if (direct) continue; // not used: no CodeDeploy
    if (value === '') {
      problem(
        name,
        `is required unless \`strategy\` is \`direct\`. Valid: the name of the ${what}, 1-100 characters.`,
      );
    } else if (value.length > 100) {
      problem(
        name,
        `is ${value.length} characters long, over CodeDeploy's 100. Valid: the name of the ${what}, 1-100 characters.`,
      );
    }
  }

  // --- code sources and promotion ---
  const zipFile = get('zip-file');
  const codeDir = get('code-dir');
  const s3Bucket = get('s3-bucket');
  const s3Key = get('s3-key');
  const s3ObjectVersion = get('s3-object-version');
  const imageUri = get('image-uri');
  const version = get('version');
  const fromAlias = get('from-alias');

  const given: string[] = [];
  if (zipFile) given.push('`zip-file`');
  if (codeDir) given.push('`code-dir`');
  if (s3Bucket || s3Key || s3ObjectVersion) given.push('S3 (`s3-bucket`/`s3-key`)');
  if (imageUri) given.push('`image-uri`');
  if (version) given.push('`version`');
  if (fromAlias) given.push('`from-alias`');
  if (given.length > 1) {
    problems.push(
      `${given.slice(0, -1).join(', ')} and ${given.at(-1)} were ${given.length === 2 ? 'both' : 'all'} given, but only one code source may be. ${SOURCE_FORMS}`,
    );
  }

  let source: Source = { kind: 'latest' };
  if (zipFile) {
    const resolved = path.resolve(workspace, zipFile);
    const forms =
      'Valid: the path of a .zip file (relative to the workspace), at most 50 MB; larger packages go through `s3-bucket` and `s3-key`.';
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(resolved);
    } catch {
      problem(
        'zip-file',
        `${show(zipFile)} does not exist (looked at ${show(resolved)}). ${forms}`,
      );
    }
    if (stat && !stat.isFile()) {
      problem(
        'zip-file',
        `${show(zipFile)} is ${stat.isDirectory() ? 'a directory (use `code-dir` for that)' : 'not a regular file'}. ${forms}`,
      );
    } else if (stat) {
      const head = Buffer.alloc(4);
      let read = 0;
      try {
        const fd = fs.openSync(resolved, 'r');
        try {
          read = fs.readSync(fd, head, 0, 4, 0);
        } finally {
          fs.closeSync(fd);
        }
      } catch (e) {
        problem('zip-file', `${show(zipFile)} cannot be read: ${(e as Error).message}. ${forms}`);
        read = -1;
      }
      const sig = head.toString('latin1');
      if (read >= 0 && (read < 4 || (sig !== 'PK\x03\x04' && sig !== 'PK\x05\x06'))) {
        problem(
          'zip-file',
          `${show(zipFile)} is not a zip file (it does not start with a zip signature). ${forms}`,
        );
      } else if (read >= 0 && stat.size > MAX_ZIP_BYTES) {
        problem(
          'zip-file',
          `${show(zipFile)} is ${mb(stat.size)}, over Lambda's 50 MB limit for direct upload. ` +
            'Valid: a zip of at most 50 MB; upload a larger one to S3 and give `s3-bucket` and `s3-key` instead.',
        );
      }
    }
    source = { kind: 'zip-file', path: resolved, given: zipFile };
  }

  if (codeDir) {
    const resolved = path.resolve(workspace, codeDir);
    const forms =
      'Valid: the path of a directory (relative to the workspace) holding the code, at least one file.';
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(resolved);
    } catch {
      problem(
        'code-dir',
        `${show(codeDir)} does not exist (looked at ${show(resolved)}). ${forms}`,
      );
    }
    if (stat && !stat.isDirectory()) {
      problem(
        'code-dir',
        `${show(codeDir)} is not a directory (use \`zip-file\` for a .zip). ${forms}`,
      );
    } else if (stat && !hasAnyFile(resolved)) {
      problem('code-dir', `${show(codeDir)} contains no files. ${forms}`);
    }
    source = { kind: 'code-dir', path: resolved, given: codeDir };
  }

  if (s3Bucket || s3Key || s3ObjectVersion) {
    const forms =
      'Valid: `s3-bucket` and `s3-key` together (an S3 bucket name and the key of a .zip), optionally `s3-object-version`.';
    if (!s3Bucket)
      problem('s3-bucket', `is required with \`s3-key\`/\`s3-object-version\`. ${forms}`);
    else if (!isValidBucketName(s3Bucket)) {
      problem(
        's3-bucket',
        `${show(s3Bucket)} is not a valid S3 bucket name. Valid: 3-63 lowercase letters, digits, \`.\` and \`-\`, starting and ending with a letter or digit, e.g. \`my-artifacts\`.`,
      );
    }
    if (!s3Key) problem('s3-key', `is required with \`s3-bucket\`. ${forms}`);
    else if (s3Key.length > 1024) {
      problem('s3-key', `is ${s3Key.length} characters long, over S3's 1024. ${forms}`);
    }
    if (s3ObjectVersion.length > 1024) {
      problem(
        's3-object-version',
        `is ${s3ObjectVersion.length} characters long, over 1024. ${forms}`,
      );
    }
    source = {
      kind: 's3',
      bucket: s3Bucket,
      key: s3Key,
      ...(s3ObjectVersion ? { objectVersion: s3ObjectVersion } : {}),
    };
  }

  if (imageUri) {
    if (!isValidImageUri(imageUri)) {
      problem(
        'image-uri',
        `${show(imageUri)} is not a container image URI. Valid: \`<registry>/<repository>[:tag|@sha256:<digest>]\`, ` +
          'e.g. `123456789012.dkr.ecr.us-east-1.amazonaws.com/my-app:1.2.3`.',
      );
    }
    source = { kind: 'image', uri: imageUri };
  }

  if (version) {
    const forms =
      'Valid: the number of an existing published version, e.g. `7`; to release $LATEST as it stands, give no code source.';
    if (version.toUpperCase() === '$LATEST') {
      problem(
        'version',
        `cannot be \`$LATEST\`: only a published version can be released. ${forms}`,
      );
    } else if (!/^[1-9]\d*$/.test(version)) {
      problem('version', `${show(version)} is not a version number. ${forms}`);
    }
    source = { kind: 'version', version };
  }

  if (fromAlias) {
    const err = checkAliasName(fromAlias);
    if (err) problem('from-alias', err);
    else if (alias !== '' && fromAlias === alias) {
      problem(
        'from-alias',
        `must differ from \`alias\` (both are ${show(alias)}). Valid: the alias of the earlier stage, e.g. \`test\` when \`alias\` is \`live\`.`,
      );
    }
    source = { kind: 'from-alias', alias: fromAlias };
  }

  // --- version-description ---
  const descriptionInput = get('version-description');
  const versionDescription = descriptionInput || defaultVersionDescription(env);
  if (descriptionInput.length > MAX_DESCRIPTION_LENGTH) {
    problem(
      'version-description',
      `is ${descriptionInput.length} characters long, over Lambda's ${MAX_DESCRIPTION_LENGTH}. Valid: at most ${MAX_DESCRIPTION_LENGTH} characters, or empty for \`<owner/repo>@<sha7> run <run id>\`.`,
    );
  }

  // --- hooks, alarms: CodeDeploy only ---
  const hooks: Record<string, string | undefined> = {};
  for (const name of ['before-traffic-hook', 'after-traffic-hook']) {
    const value = get(name);
    if (!value) continue;
    if (direct) {
      problem(
        name,
        'cannot be used with `strategy: direct`: there is no CodeDeploy deployment to run it. ' +
          'Valid: remove it, or use a CodeDeploy strategy such as `AllAtOnce` or `Canary10Percent5Minutes`.',
      );
    } else {
      functionInput(name, value);
    }
    hooks[name] = value;
  }

  const alarmsRaw = get('alarms');
  const alarms = parseAlarms(alarmsRaw);
  if (alarms.length > 0 && direct) {
    problem(
      'alarms',
      'cannot be used with `strategy: direct`: there is no CodeDeploy deployment to stop. ' +
        'Valid: remove them, or use a CodeDeploy strategy such as `Canary10Percent5Minutes`.',
    );
  } else if (alarms.length > 0) {
    const alarmForms = `Valid: up to ${MAX_ALARMS} distinct CloudWatch alarm names of at most ${MAX_ALARM_NAME_LENGTH} characters, separated by commas or newlines.`;
    const tooLong = alarms.filter((a) => a.length > MAX_ALARM_NAME_LENGTH);
    for (const a of tooLong) {
      problem(
        'alarms',
        `has an alarm name of ${a.length} characters (${show(a)}), over ${MAX_ALARM_NAME_LENGTH}. ${alarmForms}`,
      );
    }
    const seen = new Set<string>();
    const dupes = new Set<string>();
    for (const a of alarms) {
      if (seen.has(a)) dupes.add(a);
      seen.add(a);
    }
    if (dupes.size > 0) {
      problem(
        'alarms',
        `names ${[...dupes].map(show).join(', ')} more than once, which CodeDeploy refuses. ${alarmForms}`,
      );
    }
    if (seen.size > MAX_ALARMS) {
      problem(
        'alarms',
        `names ${seen.size} alarms, over CodeDeploy's limit of ${MAX_ALARMS} per deployment. ${alarmForms}`,
      );
    }
  }

  // --- booleans ---
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = get(name);
    if (raw === '') return fallback;
    const b = parseBoolean(raw);
    if (b === undefined) {
      problem(
        name,
        `${show(raw)} is not a boolean. Valid: \`true\` or \`false\` (also yes/no, on/off, 1/0, any case); default \`${fallback}\`.`,
      );
      return fallback;
    }
    return b;
  };
  const autoRollback = bool('auto-rollback', true);
  const ignoreAlarms = bool('ignore-alarms', false);
  if (ignoreAlarms && alarms.length > 0)
    problem(
      'ignore-alarms',
      "cannot be `true` together with `alarms`: one turns alarm gating off, the other names the alarms that gate. Valid: one of them, or neither (the deployment group's own alarms then apply).",
    );
  if (ignoreAlarms && direct)
    problem(
      'ignore-alarms',
      'cannot be used with `strategy: direct`: there is no CodeDeploy deployment and so no alarms. Valid: remove it, or use a CodeDeploy strategy.',
    );
  const wait = bool('wait', true);
  const dryRun = bool('dry-run', false);
  const summary = bool('summary', true);

  // --- smoke-test-payload ---
  const payload = get('smoke-test-payload');
  if (payload) {
    const forms =
      'Valid: a JSON document (the event for the function, e.g. `{"ping": true}`), at most 6 MB.';
    try {
      JSON.parse(payload);
      const bytes = Buffer.byteLength(payload, 'utf8');
      if (bytes > MAX_PAYLOAD_BYTES) {
        problem('smoke-test-payload', `is ${mb(bytes)}, over Lambda's 6 MB Invoke limit. ${forms}`);
      }
    } catch (e) {
      problem('smoke-test-payload', `is not valid JSON: ${(e as Error).message}. ${forms}`);
    }
  }

  // --- numbers ---
  const NUMBER = /^(\d+(\.\d*)?|\.\d+)$/;
  const timeoutRaw = get('timeout-minutes');
  let timeoutMinutes: number | undefined;
  if (timeoutRaw) {
    const n = Number(timeoutRaw);
    if (!NUMBER.test(timeoutRaw) || !(n > 0) || n > MAX_TIMEOUT_MINUTES) {
      problem(
        'timeout-minutes',
        `${show(timeoutRaw)} is not a valid number of minutes. Valid: a number greater than 0 and at most ${MAX_TIMEOUT_MINUTES} ` +
          "(CodeDeploy's 50 h limit), e.g. `90`; leave it empty to derive it from the strategy.",
      );
    } else {
      timeoutMinutes = n;
    }
  }

  const pollRaw = get('poll-interval');
  let pollIntervalSeconds = DEFAULT_POLL_INTERVAL_SECONDS;
  if (pollRaw) {
    const n = Number(pollRaw);
    if (!NUMBER.test(pollRaw) || !(n >= 1) || n > MAX_POLL_INTERVAL_SECONDS) {
      problem(
        'poll-interval',
        `${show(pollRaw)} is not a valid number of seconds. Valid: a number from 1 to ${MAX_POLL_INTERVAL_SECONDS}; default \`${DEFAULT_POLL_INTERVAL_SECONDS}\`.`,
      );
    } else {
      pollIntervalSeconds = n;
    }
  }

  // --- choices ---
  const choice = <T extends string>(name: string, options: readonly T[], fallback: T): T => {
    const raw = get(name);
    if (raw === '') return fallback;
    const found = options.find((o) => o === raw.toLowerCase());
    if (found === undefined) {
      problem(
        name,
        `${show(raw)} is not a valid choice. Valid: ${options.map((o) => `\`${o}\``).join(' or ')}; default \`${fallback}\`.`,
      );
      return fallback;
    }
    return found;
  };
  const onTimeout = choice<OnEvent>('on-timeout', ['rollback', 'leave'], 'rollback');
  const onCancel = choice<OnEvent>('on-cancel', ['rollback', 'leave'], 'rollback');
  const ifBusy = choice<'fail' | 'wait'>('if-busy', ['fail', 'wait'], 'fail');

  if (problems.length > 0) throw new SettingsError(problems);

  const beforeTrafficHook = hooks['before-traffic-hook'];
  const afterTrafficHook = hooks['after-traffic-hook'];
  return {
    functionName,
    alias,
    ...(direct ? {} : { application, deploymentGroup }),
    strategy,
    source,
    versionDescription,
    ...(beforeTrafficHook ? { beforeTrafficHook } : {}),
    ...(afterTrafficHook ? { afterTrafficHook } : {}),
    alarms,
    ignoreAlarms,
    autoRollback,
    ...(payload ? { smokeTestPayload: payload } : {}),
    wait,
    ...(timeoutMinutes !== undefined ? { timeoutMinutes } : {}),
    pollIntervalSeconds,
    onTimeout,
    onCancel,
    ifBusy,
    dryRun,
    summary,
    region,
  };
}
