// Bad input, the way a user hits it: every wrong value fails the step with ONE message that
// names the input and the valid forms, and AWS sees no mutating call (the emulator's call log
// is the witness).
//
// Inputs-level problems go through `asMain`, which is main.ts's order of events in process:
// readSettings first, and only when it accepts the inputs, the release against the emulator.
// The emulator is seeded so that a release WOULD go through (upload, publish, deploy): if
// readSettings ever let one of these values pass, the call log would show the changes.
// A handful of the same cases run through the committed bundle as the runner runs it.
// AWS-level bad input (names that are well formed but point at nothing usable) goes through
// the release itself: preflight must refuse before the first mutating call.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { release } from '../../src/release/release.ts';
import { zipDirectory } from '../../src/release/zip.ts';
import { readSettings, SettingsError } from '../../src/settings/index.ts';
import { type EmulatorProcess, runStep, startEmulatorProcess } from '../e2e/runner.ts';
import type { Emulator } from '../emulator/index.ts';
import { emulatorForFile } from '../integration/emulator.ts';
import {
  ALIAS,
  APP,
  baseInputs,
  codeDir,
  depsFor,
  FN,
  GROUP,
  mutating,
  runRelease,
  seed,
} from '../integration/harness.ts';
import {
  ALARM_FORMS,
  ALIAS_FORMS,
  type BadCase,
  BUSY_FORMS,
  badCase,
  FUNCTION_FORMS,
  JSON_FORMS,
  OTHER_REGION_ARN,
  SHARED_BAD_CASES,
  SOURCE_FORMS,
  STRATEGY_FORMS,
  TIMEOUT_FORMS,
  writeBadInputFiles,
  ZIP_FORMS,
} from './bad-input-cases.ts';

let workspace: string;

beforeAll(async () => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-input-'));
  const code = path.join(workspace, 'code');
  fs.mkdirSync(code);
  fs.writeFileSync(path.join(code, 'index.js'), 'exports.handler = async () => "v2";\n');
  fs.writeFileSync(path.join(workspace, 'app.zip'), await zipDirectory(code));
  writeBadInputFiles(workspace);
});
afterAll(() => fs.rmSync(workspace, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------
// Inputs-level: readSettings refuses before any client exists.

const emu = await emulatorForFile();
beforeEach(() => seed(emu));

/** A release that would go through: a new code dir, canary, into the seeded group. */
const GOOD: Record<string, string> = { ...baseInputs, 'code-dir': 'code' };

function envFor(extra: Record<string, string | undefined> = {}) {
  return {
    AWS_REGION: emu.region,
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: 'acme/orders',
    GITHUB_SHA: '0123456789abcdef',
    GITHUB_RUN_ID: '42',
    ...extra,
  };
}

/** main.ts in process: settings first; the release (and its clients) only if they pass. */
async function asMain(
  overrides: Record<string, string | undefined>,
  env: Record<string, string | undefined> = envFor(),
) {
  const all: Record<string, string | undefined> = { ...GOOD, ...overrides };
  const before = emu.calls.length;
  let error: unknown;
  try {
    const settings = await readSettings((name) => all[name] ?? '', env);
    const { deps } = depsFor(emu);
    await release(settings, deps);
  } catch (e) {
    error = e;
  }
  return { error, calls: emu.calls.slice(before) };
}

const c = badCase;

/** The shared cases, and those only this file checks. */
const BAD: BadCase[] = [
  ...SHARED_BAD_CASES,
  c('alias $latest (any case)', { alias: '$latest' }, 'alias', /cannot be `\$LATEST`/, ALIAS_FORMS),
  c(
    'alias with a space',
    { alias: 'my live' },
    'alias',
    /characters Lambda does not allow/,
    ALIAS_FORMS,
  ),
  c(
    'strategy unknown, bad characters',
    { strategy: 'fast!' },
    'strategy',
    /not a valid deployment config name/,
    STRATEGY_FORMS,
  ),
  c(
    'strategy percentage without %',
    { strategy: 'linear 10 5m' },
    'strategy',
    /needs a `%` sign/,
    STRATEGY_FORMS,
  ),
  c(
    'strategy linear 10% every 1000m',
    { strategy: 'linear 10% 1000m' },
    'strategy',
    /over CodeDeploy's limit of 2880 minutes/,
    STRATEGY_FORMS,
  ),
  c(
    'strategy inline with an unknown keyword',
    { strategy: 'rolling 10% 5m' },
    'strategy',
    /does not start with `canary` or `linear`/,
    STRATEGY_FORMS,
  ),
  c(
    'two code sources: code-dir and version',
    { version: '1' },
    ['code-dir', 'version'],
    /were both given/,
    SOURCE_FORMS,
  ),
  c(
    'two code sources: s3 and image-uri',
    {
      'code-dir': '',
      's3-bucket': 'my-artifacts',
      's3-key': 'app.zip',
      'image-uri': '123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1',
    },
    ['s3-bucket', 'image-uri'],
    /were both given/,
    SOURCE_FORMS,
  ),
  c(
    'smoke-test-payload not JSON',
    { 'smoke-test-payload': '{ping: true}' },
    'smoke-test-payload',
    /is not valid JSON/,
    JSON_FORMS,
  ),
  c(
    'timeout-minutes with a unit',
    { 'timeout-minutes': '30m' },
    'timeout-minutes',
    /`30m` is not a valid number/,
    TIMEOUT_FORMS,
  ),
];

describe('inputs-level bad input: one message, before any AWS call', () => {
  it('the table has at least 40 cases, each with a distinct title', () => {
    expect(BAD.length).toBeGreaterThanOrEqual(40);
    expect(new Set(BAD.map((b) => b.title)).size).toBe(BAD.length);
  });

  it('the same inputs without the bad value do release (so "no calls" below means something)', async () => {
    const run = await asMain({});
    expect(run.error).toBeUndefined();
    expect(mutating(run.calls)).toEqual([
      'UpdateFunctionCode',
      'PublishVersion',
      'CreateDeployment',
    ]);
  });

  it.each(BAD)('$title', async ({ inputs, names, what, valid, env }) => {
    const run = await asMain(inputs, envFor(env));
    expect(run.error).toBeInstanceOf(SettingsError);
    const error = run.error as SettingsError;
    // One problem, one line, naming the input(s), saying what is wrong and what is valid.
    expect(error.problems).toHaveLength(1);
    expect(error.message).not.toContain('\n');
    expect(error.message).toMatch(/^Invalid input: /);
    // The first input the message quotes is the one at fault.
    expect(/`([^`]*)`/.exec(error.message)?.[1]).toBe(names[0]);
    for (const name of names) expect(error.message).toContain(`\`${name}\``);
    expect(error.message).toMatch(what);
    expect(error.message).toMatch(valid);
    // Not a single AWS call, let alone a mutating one: no client was even created.
    expect(run.calls).toEqual([]);
  });
});

/** The runner's unescaping of a workflow command's data. */
function unescapeData(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---------------------------------------------------------------------------------------------
// AWS-level: well-formed names that point at nothing usable. Preflight refuses, read-only.

describe('AWS-level bad input: refused in preflight with zero mutating calls', () => {
  const cases: {
    title: string;
    setup?: (e: Emulator) => void;
    inputs: Record<string, string>;
    code: string;
    /** The message names the input and says what would be valid. */
    message: RegExp[];
  }[] = [
    {
      title: 'a before-traffic hook that does not exist',
      inputs: { 'before-traffic-hook': 'CodeDeployHook_missing' },
      code: 'HOOK_NOT_FOUND',
      message: [/`CodeDeployHook_missing` does not exist in us-east-1/, /`before-traffic-hook`/],
    },
    {
      title: 'an after-traffic hook that does not exist',
      inputs: { 'after-traffic-hook': 'CodeDeployHook_nothere' },
      code: 'HOOK_NOT_FOUND',
      message: [/`after-traffic-hook`/],
    },
    {
      title: 'an application that is not for Lambda',
      setup: (e) => {
        e.reset();
        e.createFunction({ name: FN, code: 'x', versions: 1, aliases: { [ALIAS]: '1' } });
        e.createApplication(APP, 'Server');
        e.createDeploymentGroup(APP, GROUP);
      },
      inputs: {},
      code: 'APPLICATION_NOT_LAMBDA',
      message: [
        /`application`/,
        /is for the Server compute platform/,
        /need an application created with compute platform Lambda/,
      ],
    },
    {
      title: 'an application that does not exist',
      inputs: { application: 'no-such-app' },
      code: 'APPLICATION_NOT_FOUND',
      message: [/`no-such-app` \(`application`\) does not exist in us-east-1/],
    },
    {
      title: 'a deployment group that does not exist',
      inputs: { 'deployment-group': 'no-such-group' },
      code: 'DEPLOYMENT_GROUP_NOT_FOUND',
      message: [
        /`no-such-group` \(`deployment-group`\) does not exist in application `orders-app`/,
      ],
    },
    {
      title: 'an unknown custom deployment config name',
      inputs: { strategy: 'team-canary-7' },
      code: 'STRATEGY_NOT_FOUND',
      message: [
        /`strategy`: no deployment config named `team-canary-7` exists/,
        /Use a predefined config .*inline form .*`direct`/,
      ],
    },
    {
      title: 'an unknown function',
      inputs: { 'function-name': 'no-such-function' },
      code: 'FUNCTION_NOT_FOUND',
      message: [
        /`no-such-function` was not found in us-east-1/,
        /Check `function-name` and `region`/,
      ],
    },
    {
      title: 'an unknown function given as an ARN in the right region',
      inputs: { 'function-name': 'arn:aws:lambda:us-east-1:123456789012:function:ghost' },
      code: 'FUNCTION_NOT_FOUND',
      message: [/`function-name`/],
    },
    {
      title: 'a code dir for a container image function',
      setup: (e) => {
        e.reset();
        e.createFunction({
          name: FN,
          code: '123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:1',
          packageType: 'Image',
          versions: 1,
          aliases: { [ALIAS]: '1' },
        });
        e.createApplication(APP, 'Lambda');
        e.createDeploymentGroup(APP, GROUP);
      },
      inputs: {},
      code: 'PACKAGE_TYPE_MISMATCH',
      message: [
        /^`code-dir` gives \.zip code, but `orders` is a container image function/,
        /Valid: `image-uri`/,
      ],
    },
    {
      title: 'an image for a .zip function',
      inputs: {
        'code-dir': '',
        'image-uri': '123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:2',
      },
      code: 'PACKAGE_TYPE_MISMATCH',
      message: [
        /^`image-uri` gives a container image, but `orders` is a \.zip function/,
        /Valid: `zip-file`, `code-dir` or `s3-bucket` \+ `s3-key`/,
      ],
    },
    {
      title: 'a version that does not exist',
      inputs: { 'code-dir': '', version: '9' },
      code: 'VERSION_NOT_FOUND',
      message: [
        /Version 9 of `orders` does not exist \(`version`\)/,
        /Give a published version number/,
      ],
    },
    {
      title: 'a from-alias that does not exist',
      inputs: { 'code-dir': '', 'from-alias': 'staging' },
      code: 'ALIAS_NOT_FOUND',
      message: [/`staging` \(`from-alias`\) does not exist on `orders`/],
    },
  ];

  it.each(cases)('$title', async ({ setup, inputs, code, message }) => {
    setup?.(emu);
    const run = await runRelease(emu, { 'code-dir': codeDir('v2'), ...inputs });
    expect(run.result.status).toBe('failed');
    expect(run.result.cause?.code).toBe(code);
    for (const m of message) expect(run.result.cause!.message).toMatch(m);
    expect(mutating(run.calls)).toEqual([]);
    expect(run.outputs.status).toBe('failed');
    expect(run.outputs.version).toBeUndefined();
    expect(emu.versions(FN).length).toBe(1);
    expect(emu.deployments()).toEqual([]);
  });

  it('a function ARN from another region never reaches AWS (readSettings refuses it)', async () => {
    await expect(
      runRelease(emu, { 'function-name': OTHER_REGION_ARN, 'code-dir': codeDir('v2') }),
    ).rejects.toThrow(/`function-name`.*is in region `us-west-2`/);
    expect(emu.calls).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Through the committed bundle, as the runner runs it.

describe('bad input through the bundle: exit 1, one ::error:: naming the input, no AWS call', () => {
  let proc: EmulatorProcess;
  beforeAll(async () => {
    proc = await startEmulatorProcess(60);
  });
  afterAll(() => proc?.stop());
  beforeEach(async () => {
    await proc.reset();
    await proc.createFunction({ name: FN, code: 'v', versions: 1, aliases: { [ALIAS]: '1' } });
    await proc.createApplication(APP, 'Lambda');
    await proc.createDeploymentGroup(APP, GROUP);
  });

  const bundleCases: [string, Record<string, string>, string, RegExp][] = [
    ['function-name empty', { 'function-name': '' }, 'function-name', FUNCTION_FORMS],
    ['alias $LATEST', { alias: '$LATEST' }, 'alias', ALIAS_FORMS],
    ['strategy 0m', { strategy: 'linear 10% 0m' }, 'strategy', STRATEGY_FORMS],
    ['two code sources', { 'zip-file': 'app.zip' }, 'zip-file', SOURCE_FORMS],
    [
      'zip-file that is not a zip',
      { 'code-dir': '', 'zip-file': 'notzip.zip' },
      'zip-file',
      ZIP_FORMS,
    ],
    [
      'malformed smoke JSON',
      { 'smoke-test-payload': "{'ping': true}" },
      'smoke-test-payload',
      JSON_FORMS,
    ],
    ['if-busy unknown', { 'if-busy': 'later' }, 'if-busy', BUSY_FORMS],
    [
      'eleven alarms',
      { alarms: Array.from({ length: 11 }, (_, i) => `a${i}`).join('\n') },
      'alarms',
      ALARM_FORMS,
    ],
  ];

  it.each(bundleCases)('%s', async (_title, overrides, name, valid) => {
    const run = await runStep({
      emulatorUrl: proc.url,
      workspace,
      inputs: { ...GOOD, ...overrides },
    });
    expect(run.exitCode).toBe(1);
    // As the runner reads them: the command's data unescaped (%25 → %, %0A → newline).
    const errors = run.stdout
      .split('\n')
      .filter((l) => l.startsWith('::error'))
      .map(unescapeData);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      new RegExp(
        `^::error::Not started — invalid input\\. INVALID_INPUT: Invalid input: \`${escapeRe(name)}\``,
      ),
    );
    expect(errors[0]).toMatch(valid);
    // Every run that starts sets status (so `if: steps.x.outputs.status == 'failed'` fires)
    // and writes a summary saying what was wrong and that nothing changed; nothing more.
    expect(run.outputs).toEqual({ status: 'failed', 'rolled-back': 'false' });
    expect(run.summary).toMatch(/^### ⛔ Not started — invalid input\n/);
    expect(run.summary).toContain(`\`${name}\``);
    expect(run.summary).toContain('Nothing was changed in AWS');
    expect(await proc.calls()).toEqual([]);
  });
});
