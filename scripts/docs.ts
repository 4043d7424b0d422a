// Keeps README.md in step with the code.
//
// Generated (between `<!-- name:start -->` and `<!-- name:end -->` markers):
//   inputs, outputs  the tables, from action.yml
//   strategies       the strategies table, from src/strategy.ts
//   summary          the example job summary, rendered by src/report/summary.ts
//   errors           the table of error codes, from src/report/codes.ts
//   iam-inputs       which IAM actions only some inputs need, from IAM_NEEDED_WITH
//   iam              the JSON policy, from scripts/iam-policy.ts (also aws/setup.yml's policy)
// Checked (compared with the code):
//   iam              the policy lists exactly the AWS API actions src/ calls
//   examples         every `with:` key of this action's steps is an input of action.yml, and
//                    every `steps.<id>.outputs.<name>` of those steps is one of its outputs
//
// `node scripts/docs.ts` rewrites the generated parts; `--check` changes nothing and exits 1
// when README.md is not current. The functions are exported for test/unit/docs.test.ts.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ReleaseResult } from '../src/release/result.ts';
import { CODEDEPLOY_CODES, type ErrorCode, OWN_CODES } from '../src/report/codes.ts';
import { renderSummary } from '../src/report/summary.ts';
import {
  defaultTimeoutMinutes,
  describeRouting,
  PREDEFINED_CONFIGS,
  parseStrategy,
  shiftMinutes,
  type TrafficRouting,
} from '../src/strategy.ts';
import { parseTemplate } from './cloudformation.ts';
import { readmePolicyJson, templatePolicyStatements } from './iam-policy.ts';

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

// ---------------------------------------------------------------------------------------------
// action.yml: a parser for exactly the subset it uses

export interface ActionField {
  name: string;
  description: string;
  required?: boolean;
  default?: string;
}

export interface ActionSpec {
  inputs: ActionField[];
  outputs: ActionField[];
}

/** A YAML flow scalar on one line: plain, 'single' or "double" quoted. */
export function parseScalar(raw: string, where: string): string {
  const text = raw.trim();
  if (text.startsWith('"')) {
    const m = /^"((?:[^"\\]|\\.)*)"\s*(?:#.*)?$/.exec(text);
    if (!m) throw new Error(`${where}: unterminated double-quoted string`);
    return m[1]!.replace(/\\(.)/g, (_, c: string) => {
      const map: Record<string, string> = { n: '\n', t: '\t', '"': '"', '\\': '\\', '/': '/' };
      if (!(c in map)) throw new Error(`${where}: unsupported escape \\${c}`);
      return map[c]!;
    });
  }
  if (text.startsWith("'")) {
    const m = /^'((?:[^']|'')*)'\s*(?:#.*)?$/.exec(text);
    if (!m) throw new Error(`${where}: unterminated single-quoted string`);
    return m[1]!.replace(/''/g, "'");
  }
  if (/^[|>]/.test(text)) {
    throw new Error(
      `${where}: block scalars (| or >) are not supported; keep the value on one line`,
    );
  }
  if (/^[[{&*!%@`]/.test(text)) {
    throw new Error(`${where}: \`${text}\` is not a plain one-line scalar; quote it`);
  }
  // A plain scalar ends at ` #` (a comment).
  return text.replace(/\s+#.*$/, '');
}

/**
 * Parses the `inputs:` and `outputs:` maps of action.yml: two-space indentation, one-line
 * `description`, `required` and `default` values. Anything else under those maps is an
 * error that names the line, so a change to action.yml cannot silently drop a row.
 */
export function parseActionYml(text: string): ActionSpec {
  const spec: ActionSpec = { inputs: [], outputs: [] };
  let section: 'inputs' | 'outputs' | undefined;
  let field: ActionField | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const where = `action.yml line ${i + 1}`;
    if (/^\s*(#.*)?$/.test(line)) return;
    const top = /^([A-Za-z][\w-]*):(.*)$/.exec(line);
    if (top) {
      section = top[1] === 'inputs' || top[1] === 'outputs' ? top[1] : undefined;
      field = undefined;
      if (section && top[2]!.trim() !== '')
        throw new Error(`${where}: expected \`${section}:\` alone`);
      return;
    }
    if (!section) return;
    const entry = /^ {2}([A-Za-z0-9_-]+):\s*$/.exec(line);
    if (entry) {
      field = { name: entry[1]!, description: '' };
      if (spec[section].some((f) => f.name === field!.name))
        throw new Error(`${where}: \`${field.name}\` is defined twice`);
      spec[section].push(field);
      return;
    }
    const prop = /^ {4}([A-Za-z-]+):(.*)$/.exec(line);
    if (prop && field) {
      const key = prop[1]!;
      const value = parseScalar(prop[2]!, where);
      if (key === 'description') field.description = value;
      else if (key === 'default') field.default = value;
      else if (key === 'required') {
        if (value !== 'true' && value !== 'false')
          throw new Error(`${where}: required must be true or false`);
        field.required = value === 'true';
      } else if (!(section === 'outputs' && key === 'value')) {
        throw new Error(`${where}: unsupported key \`${key}\``);
      }
      return;
    }
    throw new Error(`${where}: unsupported line under \`${section}:\`: ${JSON.stringify(line)}`);
  });
  for (const f of [...spec.inputs, ...spec.outputs]) {
    if (f.description === '') throw new Error(`action.yml: \`${f.name}\` has no description`);
  }
  return spec;
}

// ---------------------------------------------------------------------------------------------
// Markdown tables

/** One table cell: `|` escaped, on one line. */
export function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').trim();
}

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

export function inputsTable(spec: ActionSpec): string {
  return table(
    ['Input', 'Required', 'Default', 'Description'],
    spec.inputs.map((f) => [
      `\`${f.name}\``,
      f.required ? 'yes' : 'no',
      f.default !== undefined && f.default !== '' ? `\`${f.default}\`` : '',
      f.description,
    ]),
  );
}

export function outputsTable(spec: ActionSpec): string {
  return table(
    ['Output', 'Description'],
    spec.outputs.map((f) => [`\`${f.name}\``, f.description]),
  );
}

function minutes(n: number): string {
  return n === 1 ? '1 minute' : `${n} minutes`;
}

function shiftingTime(routing: TrafficRouting, configName: string): string {
  const m = shiftMinutes(routing);
  if (m === 0) return 'immediate';
  // AWS documents this one by the number of steps times the interval.
  if (configName === 'CodeDeployDefault.LambdaLinear10PercentEvery10Minutes')
    return `${minutes(m)} (AWS says "100 minutes")`;
  return minutes(m);
}

function timeouts(routing: TrafficRouting): string {
  return `${defaultTimeoutMinutes(routing, 0)} / ${defaultTimeoutMinutes(routing, 1)} / ${defaultTimeoutMinutes(routing, 2)}`;
}

/** The nine predefined configs and the inline forms, with their timing, from src/strategy.ts. */
export function strategiesTable(): string {
  const header = [
    '`strategy`',
    'CodeDeploy config',
    'Traffic on the new version',
    'Traffic shifting takes',
    'Default `timeout-minutes` (0 / 1 / 2 hooks)',
  ];
  const rows: string[][] = PREDEFINED_CONFIGS.map((c) => [
    `\`${c.short}\``,
    `\`${c.configName}\``,
    describeRouting(c.routing),
    shiftingTime(c.routing, c.configName),
    timeouts(c.routing),
  ]);
  for (const input of ['canary 25% 15m', 'linear 20% 2m', 'all-at-once']) {
    const parsed = parseStrategy(input);
    if (!parsed.ok || parsed.value.kind === 'direct' || parsed.value.kind === 'custom')
      throw new Error(`strategy \`${input}\` no longer parses as an inline form`);
    const s = parsed.value;
    rows.push([
      `\`${input}\``,
      `\`${s.configName}\`${s.kind === 'inline' ? ' (created once, then reused)' : ''}`,
      describeRouting(s.routing),
      shiftingTime(s.routing, s.configName),
      timeouts(s.routing),
    ]);
  }
  rows.push([
    '`direct`',
    'none: one UpdateAlias (or CreateAlias)',
    '100% at once',
    'immediate',
    'not used',
  ]);
  return table(header, rows);
}

// ---------------------------------------------------------------------------------------------
// The example job summary

const T0 = Date.UTC(2025, 5, 3, 14, 2, 11);
const at = (seconds: number) => T0 + seconds * 1000;

/** A canary release with both hooks, as the action reports it (times are illustrative). */
export const EXAMPLE_RESULT: ReleaseResult = {
  status: 'succeeded',
  region: 'eu-west-1',
  functionName: 'orders-api',
  functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-api',
  alias: 'live',
  aliasArn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-api:live',
  version: '42',
  previousVersion: '41',
  codeSha256: 'GfGAp6ou/nqbi8iD4WwWoOo6mNbK+iCEjNC1Vdwo9iI=',
  source: 'directory /home/runner/work/orders/orders/dist',
  origin: { kind: 'published' },
  strategy: {
    input: 'Canary10Percent5Minutes',
    description: describeRouting({ type: 'TimeBasedCanary', percentage: 10, intervalMinutes: 5 }),
    configName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
    direct: false,
  },
  deploymentId: 'd-9Y84SF70K',
  rolledBack: false,
  startedAt: T0,
  endedAt: at(352),
  timeline: [
    { at: at(14), newPercent: 0 },
    { at: at(31), newPercent: 10 },
    { at: at(332), newPercent: 100 },
  ],
  hooks: [
    {
      hook: 'BeforeAllowTraffic',
      functionName: 'CodeDeployHook_orders_pre',
      status: 'Succeeded',
      seenAt: at(29),
    },
    {
      hook: 'AfterAllowTraffic',
      functionName: 'CodeDeployHook_orders_post',
      status: 'Succeeded',
      seenAt: at(347),
    },
  ],
  finalAlias: { version: '42', weights: {} },
  notes: [],
};

/** The summary as a block quote, so that its headings stay inside the example. */
export function exampleSummary(): string {
  return renderSummary(EXAMPLE_RESULT)
    .trimEnd()
    .split('\n')
    .map((line) => (line === '' ? '>' : `> ${line}`))
    .join('\n');
}

// ---------------------------------------------------------------------------------------------
// Markers

/** Every error code a release ends with: what it means, what to do, whether anything changed. */
export function errorsTable(): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const row = (c: ErrorCode, from: string) =>
    `| \`${c.code}\` | ${from} | ${cell(c.meaning)} | ${cell(c.fix)} |`;
  return [
    '| Code | Raised | What happened | What to do |',
    '|---|---|---|---|',
    ...OWN_CODES.map((c) => row(c, c.beforeChange ? 'before any change' : 'during the release')),
    ...CODEDEPLOY_CODES.map((c) => row(c, 'by CodeDeploy')),
  ].join('\n');
}

export const GENERATED = [
  'inputs',
  'outputs',
  'strategies',
  'summary',
  'errors',
  'iam-inputs',
  'iam',
  'setup-parameters',
] as const;
export type GeneratedName = (typeof GENERATED)[number];

function markers(name: string): { start: string; end: string } {
  return { start: `<!-- ${name}:start -->`, end: `<!-- ${name}:end -->` };
}

/** The text between a pair of markers (without the newlines around it). */
export function between(text: string, name: string): string {
  const { start, end } = markers(name);
  const s = text.indexOf(start);
  const e = text.indexOf(end);
  if (s < 0 || e < 0) throw new Error(`README.md has no ${start} ... ${end} markers`);
  if (text.indexOf(start, s + 1) >= 0 || text.indexOf(end, e + 1) >= 0)
    throw new Error(`README.md has the ${name} markers more than once`);
  if (e < s) throw new Error(`README.md has ${end} before ${start}`);
  return text
    .slice(s + start.length, e)
    .replace(/^\n/, '')
    .replace(/\n$/, '');
}

export function replaceBetween(text: string, name: string, content: string): string {
  between(text, name); // validates the markers
  const { start, end } = markers(name);
  const s = text.indexOf(start) + start.length;
  const e = text.indexOf(end);
  return `${text.slice(0, s)}\n${content}\n${text.slice(e)}`;
}

export function generatedSections(actionYml: string): Record<GeneratedName, string> {
  const spec = parseActionYml(actionYml);
  return {
    inputs: inputsTable(spec),
    outputs: outputsTable(spec),
    strategies: strategiesTable(),
    summary: exampleSummary(),
    errors: errorsTable(),
    'iam-inputs': iamInputsTable(),
    iam: `\`\`\`json\n${readmePolicyJson()}\n\`\`\``,
    'setup-parameters': setupParametersTable(read(TEMPLATE)),
  };
}

/** README.md with every generated section regenerated. */
export function generateReadme(readme: string, actionYml: string): string {
  const sections = generatedSections(actionYml);
  let out = readme;
  for (const name of GENERATED) out = replaceBetween(out, name, sections[name]);
  return out;
}

/** The generated sections whose text in README.md differs from what the code gives. */
export function staleSections(readme: string, actionYml: string): GeneratedName[] {
  const sections = generatedSections(actionYml);
  return GENERATED.filter((name) => between(readme, name) !== sections[name]);
}

// ---------------------------------------------------------------------------------------------
// aws/setup.yml: its policy statements, between `# policy:start` and `# policy:end`

export const TEMPLATE = 'aws/setup.yml';

/** The template's parameters: name, default, what each is for. */
export function setupParametersTable(template: string): string {
  const params = parseTemplate(template).Parameters ?? {};
  return table(
    ['Parameter', 'Default', 'What it is'],
    Object.entries(params).map(([name, p]) => [
      `\`${name}\``,
      p.Default === undefined ? 'required' : p.Default === '' ? '(empty)' : `\`${p.Default}\``,
      `${p.Description ?? ''}${p.AllowedValues ? ` One of ${p.AllowedValues.map((v) => `\`${v}\``).join(', ')}.` : ''}`,
    ]),
  );
}

/** The template with its policy statements regenerated from scripts/iam-policy.ts. */
export function generateTemplate(text: string): string {
  const m = /^([ \t]*# policy:start\n)([\s\S]*?)^([ \t]*# policy:end)$/m.exec(text);
  if (!m) throw new Error(`${TEMPLATE} has no # policy:start ... # policy:end markers`);
  const at = m.index + m[1]!.length;
  return `${text.slice(0, at)}${templatePolicyStatements()}\n${text.slice(at + m[2]!.length)}`;
}

// ---------------------------------------------------------------------------------------------
// IAM: the API actions the code calls, and the ones the README's policy grants

/** SDK package → IAM service prefix. */
export const SERVICE_PREFIX: Record<string, string> = {
  '@aws-sdk/client-lambda': 'lambda',
  '@aws-sdk/client-codedeploy': 'codedeploy',
  '@aws-sdk/client-s3': 's3',
  '@aws-sdk/client-sts': 'sts',
  '@aws-sdk/client-cloudwatch': 'cloudwatch',
};

/** Commands whose IAM action is not named after the API operation. */
export const IAM_ACTION_NAMES: Record<string, string> = {
  'lambda:Invoke': 'lambda:InvokeFunction',
  'lambda:InvokeWithResponseStream': 'lambda:InvokeFunction',
  's3:HeadObject': 's3:GetObject',
};

/** Calls that need no permission of the caller: unsigned, allowed by the role's trust policy. */
export const UNSIGNED_ACTIONS = new Set(['sts:AssumeRoleWithWebIdentity']);

/** Actions the README's policy grants although no command of that name is sent, and why. */
export const DOCUMENTED_EXTRA_ACTIONS: Record<string, string> = {
  'codedeploy:UpdateDeploymentGroup':
    'CreateDeployment with overrideAlarmConfiguration (the `alarms` input) needs it, per the API model',
  'codedeploy:RegisterApplicationRevision':
    'CreateDeployment registers the AppSpec revision with the application, per the CodeDeploy permissions reference',
  'iam:PassRole':
    'CreateDeploymentGroup hands `codedeploy-role` to CodeDeploy, and CreateFunction or UpdateFunctionConfiguration with a Role (`execution-role`) hands the execution role to Lambda; IAM allows either only with iam:PassRole on that role',
  's3:GetObjectVersion':
    "Lambda reads code from S3 with the caller's permissions, and a pinned object version (a versioned bucket, or `s3-object-version`) needs this one",
};

/**
 * The actions only some releases need, and which inputs need them: the README's table
 * (generated). An action missing here is needed by every release (of its strategy kind).
 * New inputs that call AWS add their actions here and to the policy.
 */
export const IAM_NEEDED_WITH: Record<string, string> = {
  'lambda:UpdateFunctionCode': 'a code source (`zip-file`, `code-dir`, `s3-bucket`, `image-uri`)',
  'lambda:InvokeFunction': '`smoke-test-payload`',
  'codedeploy:UpdateDeploymentGroup':
    "`alarms` or `ignore-alarms` (the deployment overrides the group's alarms)",
  'codedeploy:ListDeploymentConfigs':
    'an inline `strategy` (`canary 25% 15m`, `linear 20% 2m`, `all-at-once`)',
  'codedeploy:CreateDeploymentConfig': 'an inline `strategy`, the first time that routing is used',
  'codedeploy:BatchGetDeployments':
    '`functions` with several entries (one read per region for every running deployment)',
  'codedeploy:CreateApplication': '`codedeploy-role`, when `application` does not exist',
  'codedeploy:CreateDeploymentGroup': '`codedeploy-role`, when `deployment-group` does not exist',
  'iam:PassRole': '`codedeploy-role` (on that role, passed to `codedeploy.amazonaws.com`)',
  's3:PutObject': '`s3-bucket` with `zip-file` or `code-dir` (the upload)',
  's3:GetObject': '`s3-bucket` (HeadObject before the upload; Lambda reads the code with it)',
  's3:GetObjectVersion': 'code in a versioned bucket, or `s3-object-version`',
  'cloudwatch:PutMetricAlarm': '`metric-gates`',
  'cloudwatch:DeleteAlarms': '`metric-gates`',
  'cloudwatch:DescribeAlarms': '`metric-gates`',
  'cloudwatch:GetMetricData': '`metric-gates`',
};

export function iamInputsTable(): string {
  return table(
    ['Action', 'Needed only with'],
    Object.entries(IAM_NEEDED_WITH).map(([action, inputs]) => [`\`${action}\``, inputs]),
  );
}

export interface ScannedAction {
  action: string;
  file: string;
}

export interface ScanResult {
  /** Sorted, unique `service:Action` names. */
  actions: string[];
  found: ScannedAction[];
  /** `new XxxCommand(` whose class is not imported from a known SDK package. */
  unknown: ScannedAction[];
}

function listTsFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f))
    .sort();
}

/** Local name → SDK package, from the imports of one file. */
export function sdkImports(source: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of source.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/g)) {
    if (m[1]) continue; // `import type { ... }`
    for (const spec of m[2]!.split(',')) {
      const s = spec.trim();
      if (s === '' || s.startsWith('type ')) continue;
      const [imported, local] = s.split(/\s+as\s+/).map((x) => x.trim());
      out.set(local ?? imported!, m[3]!);
      if (local) out.set(`=${local}`, imported!); // remember the real name
    }
  }
  for (const m of source.matchAll(/import\s+\*\s+as\s+(\w+)\s+from\s*['"]([^'"]+)['"]/g)) {
    out.set(`${m[1]}.*`, m[2]!);
  }
  // `const ns = await import('pkg')`: the SDK clients loaded only when a release needs them.
  for (const m of source.matchAll(
    /const\s+(\w+)\s*=\s*await\s+import\(\s*['"]([^'"]+)['"]\s*\)/g,
  )) {
    out.set(`${m[1]}.*`, m[2]!);
  }
  return out;
}

/**
 * The IAM actions behind every `new XxxCommand(` in one source file (also `new ns.XxxCommand(`
 * and commands imported under another name).
 */
export function scanSource(source: string, file: string): Omit<ScanResult, 'actions'> {
  const imports = sdkImports(source);
  const found: ScannedAction[] = [];
  const unknown: ScannedAction[] = [];
  const code = source.replace(/\/\*[\s\S]*?\*\/|(^|[^:])\/\/.*$/gm, '$1');
  for (const m of code.matchAll(/new\s+(?:(\w+)\.)?(\w+)\s*\(/g)) {
    const ns = m[1];
    const local = m[2]!;
    const pkg = ns ? imports.get(`${ns}.*`) : imports.get(local);
    const real = ns ? local : (imports.get(`=${local}`) ?? local);
    const isSdk = pkg?.startsWith('@aws-sdk/client-') ?? false;
    if (!real.endsWith('Command') || (!isSdk && !local.endsWith('Command'))) continue;
    const prefix = pkg && SERVICE_PREFIX[pkg];
    if (!prefix) {
      unknown.push({ action: `${pkg ?? '?'}:${real}`, file });
      continue;
    }
    const name = `${prefix}:${real.replace(/Command$/, '')}`;
    if (UNSIGNED_ACTIONS.has(name)) continue;
    found.push({ action: IAM_ACTION_NAMES[name] ?? name, file });
  }
  return { found, unknown };
}

/** Scans every .ts file under `srcDir`. */
export function scanAwsActions(srcDir = join(ROOT, 'src')): ScanResult {
  const found: ScannedAction[] = [];
  const unknown: ScannedAction[] = [];
  for (const path of listTsFiles(srcDir)) {
    const r = scanSource(readFileSync(path, 'utf8'), relative(ROOT, path));
    found.push(...r.found);
    unknown.push(...r.unknown);
  }
  return { actions: [...new Set(found.map((f) => f.action))].sort(), found, unknown };
}

/** The `Action` entries of the JSON policy between the iam markers. */
export function readmeIamActions(readme: string): string[] {
  const block = between(readme, 'iam');
  const m = /```json\n([\s\S]*?)\n```/.exec(block);
  if (!m) throw new Error('README.md: no ```json block between the iam markers');
  const policy = JSON.parse(m[1]!) as {
    Statement?: { Effect?: string; Action?: string | string[] }[];
  };
  const actions = new Set<string>();
  for (const st of policy.Statement ?? []) {
    if (st.Effect !== 'Allow') continue;
    for (const a of ([] as string[]).concat(st.Action ?? [])) actions.add(a);
  }
  return [...actions].sort();
}

export interface IamDiff {
  /** Called by the code, not granted by the README. */
  missing: string[];
  /** Granted by the README, neither called nor a documented extra. */
  extra: string[];
  /** Documented extras the README does not grant. */
  missingExtras: string[];
  unknown: ScannedAction[];
}

export function iamDiff(readme: string, scan: ScanResult = scanAwsActions()): IamDiff {
  const granted = new Set(readmeIamActions(readme));
  const called = new Set(scan.actions);
  const extras = Object.keys(DOCUMENTED_EXTRA_ACTIONS);
  return {
    missing: [...called].filter((a) => !granted.has(a)).sort(),
    extra: [...granted].filter((a) => !called.has(a) && !extras.includes(a)).sort(),
    missingExtras: extras.filter((a) => !granted.has(a) && !called.has(a)).sort(),
    unknown: scan.unknown,
  };
}

// ---------------------------------------------------------------------------------------------
// Workflow examples: only real inputs and outputs

export interface ActionStep {
  /** 1-based line of `uses:` in the text. */
  line: number;
  id?: string;
  with: string[];
}

/** `uses:` values that are this action. */
export const THIS_ACTION = /^(?:\.\/?|[^\s/]+\/lambda-gated-release@\S+)$/;

/**
 * The steps that use this action in a workflow (YAML text), with their `id` and `with:` keys.
 * Handles block-style steps: `- uses: ...`, or `- name: ...` with `uses:` on a later line.
 */
export function actionSteps(yaml: string): ActionStep[] {
  const lines = yaml.split('\n');
  const depth = (line: string) => (line.trim() === '' ? Infinity : line.search(/\S/));
  const steps: ActionStep[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)(- )?uses:\s*['"]?([^'"#\s]+)/.exec(lines[i]!);
    if (!m || !THIS_ACTION.test(m[3]!)) continue;
    // The step's keys sit at `keys`; its `- ` at `keys - 2`.
    const keys = m[1]!.length + (m[2] ? 2 : 0);
    const dash = new RegExp(`^\\s{${keys - 2}}- `);
    let first = i;
    while (first > 0 && !dash.test(lines[first]!)) first--;
    let last = i;
    while (last + 1 < lines.length && depth(lines[last + 1]!) >= keys) last++;
    const body = lines.slice(first, last + 1);
    body[0] = body[0]!.replace(/^(\s*)- /, '$1  ');
    const step: ActionStep = { line: i + 1, with: [] };
    body.forEach((line, j) => {
      if (depth(line) !== keys) return;
      const id = /^\s*id:\s*['"]?([\w-]+)/.exec(line);
      if (id) step.id = id[1];
      if (!/^\s*with:\s*(#.*)?$/.test(line)) return;
      let inner: number | undefined;
      for (const next of body.slice(j + 1)) {
        const d = depth(next);
        if (d === Infinity || next.trim().startsWith('#')) continue;
        if (d <= keys) break;
        inner ??= d;
        const key = /^\s*([\w-]+):/.exec(next);
        if (d === inner && key) step.with.push(key[1]!);
      }
    });
    steps.push(step);
  }
  return steps;
}

/** The YAML code blocks of a Markdown text, with the line their first line is on (1-based). */
export function yamlBlocks(markdown: string): { yaml: string; line: number }[] {
  return [...markdown.matchAll(/```ya?ml\n([\s\S]*?)\n```/g)].map((m) => ({
    yaml: m[1]!,
    line: markdown.slice(0, m.index).split('\n').length + 1,
  }));
}

/**
 * Problems with one workflow text: inputs that action.yml does not define, and outputs of this
 * action's steps that it does not define. `firstLine` is the line of the text's first line in
 * `file`, for the messages.
 */
export function checkWorkflow(
  yaml: string,
  spec: ActionSpec,
  file: string,
  firstLine = 1,
): string[] {
  const inputs = new Set(spec.inputs.map((f) => f.name));
  const outputs = new Set(spec.outputs.map((f) => f.name));
  const at = (line: number) => `${file}:${firstLine + line - 1}`;
  const problems: string[] = [];
  const steps = actionSteps(yaml);
  for (const step of steps) {
    for (const key of step.with) {
      if (!inputs.has(key))
        problems.push(`${at(step.line)}: \`${key}\` is not an input of action.yml`);
    }
  }
  const ids = new Set(steps.map((s) => s.id).filter((id): id is string => !!id));
  for (const m of yaml.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
    const line = yaml.slice(0, m.index).split('\n').length;
    if (ids.has(m[1]!) && !outputs.has(m[2]!))
      problems.push(
        `${at(line)}: \`steps.${m[1]}.outputs.${m[2]}\` is not an output of action.yml`,
      );
  }
  return problems;
}

export function checkExamples(readme: string, spec: ActionSpec): string[] {
  return yamlBlocks(readme).flatMap((b) => checkWorkflow(b.yaml, spec, 'README.md', b.line));
}

// ---------------------------------------------------------------------------------------------
// CLI

function read(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}

function iamProblems(readme: string): string[] {
  const d = iamDiff(readme);
  const out: string[] = [];
  if (d.missing.length)
    out.push(`the IAM policy in README.md lacks actions the code calls: ${d.missing.join(', ')}`);
  if (d.extra.length)
    out.push(
      `the IAM policy in README.md grants actions the code does not call: ${d.extra.join(', ')}`,
    );
  if (d.missingExtras.length)
    out.push(
      `the IAM policy in README.md lacks the documented extras: ${d.missingExtras.join(', ')}`,
    );
  for (const u of d.unknown)
    out.push(
      `${u.file}: \`new ${u.action.split(':')[1]}(\` is not from a known AWS SDK package (SERVICE_PREFIX in scripts/docs.ts)`,
    );
  return out;
}

function cli(args: string[]): number {
  const check = args.includes('--check');
  const actionYml = read('action.yml');
  const readme = read('README.md');
  const problems = [...iamProblems(readme), ...checkExamples(readme, parseActionYml(actionYml))];
  const stale = staleSections(readme, actionYml);
  const template = read(TEMPLATE);
  const templateStale = generateTemplate(template) !== template;
  if (check) {
    if (stale.length)
      problems.unshift(
        `the generated section(s) ${stale.join(', ')} differ from the code (action.yml, src/strategy.ts, src/report/summary.ts, src/report/codes.ts, scripts/iam-policy.ts). Run \`npm run docs\`.`,
      );
    if (templateStale)
      problems.unshift(
        `${TEMPLATE}: the policy differs from scripts/iam-policy.ts. Run \`npm run docs\`.`,
      );
  } else {
    if (stale.length) {
      writeFileSync(join(ROOT, 'README.md'), generateReadme(readme, actionYml));
      console.log(`README.md: regenerated ${stale.join(', ')}.`);
    }
    if (templateStale) {
      writeFileSync(join(ROOT, TEMPLATE), generateTemplate(template));
      console.log(`${TEMPLATE}: regenerated the policy.`);
    }
  }
  if (problems.length) {
    console.error(`README.md is not current:\n${problems.map((p) => `- ${p}`).join('\n')}`);
    return 1;
  }
  if (check || !stale.length) console.log('README.md is current.');
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = cli(process.argv.slice(2));
}
