// README.md against the code: the generated parts are current, the IAM policy grants exactly
// what src/ calls, and the workflow examples use only real inputs and outputs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  actionSteps,
  between,
  cell,
  checkExamples,
  checkWorkflow,
  DOCUMENTED_EXTRA_ACTIONS,
  GENERATED,
  generatedSections,
  generateReadme,
  IAM_NEEDED_WITH,
  inputsTable,
  parseActionYml,
  ROOT,
  readmeIamActions,
  replaceBetween,
  scanAwsActions,
  scanSource,
  yamlBlocks,
} from '../../scripts/docs.ts';

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const readme = read('README.md');
const actionYml = read('action.yml');
const spec = parseActionYml(actionYml);
const THIS_ACTION_USE = /uses: <owner>\/lambda-gated-release@v1/;

describe('README generated sections', () => {
  it.each(GENERATED)('%s is current (run `npm run docs` if not)', (name) => {
    expect(between(readme, name)).toBe(generatedSections(actionYml)[name]);
  });

  it('regenerating changes nothing', () => {
    expect(generateReadme(readme, actionYml)).toBe(readme);
  });

  it('the inputs table has one row per input of action.yml, in order', () => {
    const rows = between(readme, 'inputs').split('\n').slice(2);
    expect(rows.map((r) => /^\| `([^`]+)`/.exec(r)?.[1])).toEqual(spec.inputs.map((f) => f.name));
    const outputs = between(readme, 'outputs').split('\n').slice(2);
    expect(outputs.map((r) => /^\| `([^`]+)`/.exec(r)?.[1])).toEqual(
      spec.outputs.map((f) => f.name),
    );
  });

  it('the strategies table names all nine predefined configs', () => {
    const table = between(readme, 'strategies');
    for (const name of [
      'Canary10Percent5Minutes',
      'Canary10Percent10Minutes',
      'Canary10Percent15Minutes',
      'Canary10Percent30Minutes',
      'Linear10PercentEvery1Minute',
      'Linear10PercentEvery2Minutes',
      'Linear10PercentEvery3Minutes',
      'Linear10PercentEvery10Minutes',
      'AllAtOnce',
    ])
      expect(table).toContain(`| \`${name}\` | \`CodeDeployDefault.Lambda${name}\` |`);
  });
});

describe('the IAM policy in README', () => {
  const scan = scanAwsActions();
  const granted = readmeIamActions(readme);

  it('every `new XxxCommand(` in src/ comes from a known AWS SDK package', () => {
    expect(scan.unknown).toEqual([]);
    expect(scan.actions.length).toBeGreaterThan(0);
  });

  it('grants exactly the actions the code calls, plus the documented extras', () => {
    const extras = Object.keys(DOCUMENTED_EXTRA_ACTIONS).filter((a) => !scan.actions.includes(a));
    expect(granted).toEqual([...new Set([...scan.actions, ...extras])].sort());
  });

  it('says which inputs need each conditional action, and every one of them is granted', () => {
    for (const action of Object.keys(IAM_NEEDED_WITH)) expect(granted).toContain(action);
    const table = between(readme, 'iam-inputs');
    expect(table).toContain('| `codedeploy:CreateDeploymentGroup` | `codedeploy-role`');
    expect(table).toContain('| `s3:PutObject` | `s3-bucket` with `zip-file` or `code-dir`');
    expect(table).toContain('| `iam:PassRole` | `codedeploy-role`');
  });

  it('explains each documented extra next to the policy', () => {
    const text = readme.slice(0, readme.indexOf('<!-- iam:start -->'));
    for (const action of Object.keys(DOCUMENTED_EXTRA_ACTIONS)) expect(text).toContain(action);
  });
});

describe('README workflow examples', () => {
  it('use only inputs and outputs that action.yml defines', () => {
    expect(checkExamples(readme, spec)).toEqual([]);
  });

  it('release with this action in every example, with the stages passing the version on', () => {
    const steps = readme.match(/uses: <owner>\/lambda-gated-release@v1/g) ?? [];
    expect(steps.length).toBeGreaterThanOrEqual(7);
    expect(readme).toContain(`version: \${{ needs.test.outputs.version }}`);
    expect(readme).toContain(`version: \${{ steps.release.outputs.version }}`);
  });

  it("the quick start runs on the action's own credentials, not a credentials step", () => {
    const quick = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## Examples'));
    const [workflow] = yamlBlocks(quick);
    expect(actionSteps(workflow!.yaml)[0]!.with).toContain('role-to-assume');
    expect(workflow!.yaml).not.toContain('configure-aws-credentials');
    expect(quick).toContain('aws cloudformation deploy --template-file aws/setup.yml');
  });

  it('name this action `<owner>/lambda-gated-release` in every example', () => {
    const uses = [...readme.matchAll(/uses: (\S+)\/lambda-gated-release@/g)].map((m) => m[1]);
    expect(new Set(uses)).toEqual(new Set(['<owner>']));
  });

  it('run as copied: each workflow grants the OIDC token and keeps one release at a time', () => {
    const jobs = yamlBlocks(readme).filter((b) => /^jobs:/m.test(b.yaml));
    expect(jobs.length).toBeGreaterThanOrEqual(8);
    for (const b of jobs) {
      expect(b.yaml, `README.md:${b.line}`).toMatch(/^permissions:\n {2}id-token: write/m);
      const jobsUsingAction = b.yaml
        .split(/\n {2}(?=[\w-]+:\n)/)
        .filter((j) => THIS_ACTION_USE.test(j));
      for (const job of jobsUsingAction)
        expect(job, `README.md:${b.line}`).toMatch(
          /concurrency:\n\s+group: .+\n\s+cancel-in-progress: (false|true)/,
        );
    }
  });

  it('the self-test workflow uses only real inputs and outputs', () => {
    const yaml = read('.github/workflows/self-test.yml');
    expect(actionSteps(yaml).length).toBeGreaterThan(0);
    expect(checkWorkflow(yaml, spec, '.github/workflows/self-test.yml')).toEqual([]);
  });
});

describe('scripts/docs.ts', () => {
  it('parses quoted, plain and defaulted fields, and escapes `|` in cells', () => {
    const yml = [
      'name: x',
      'inputs:',
      '  a:',
      '    description: "Either `x | y`, \\"quoted\\"."',
      '    required: true',
      '  b:',
      "    description: 'It''s plain' # comment",
      '    required: false',
      '    default: "15"',
      'outputs:',
      '  c:',
      '    description: Plain text.',
      'runs:',
      '  using: node24',
    ].join('\n');
    const parsed = parseActionYml(yml);
    expect(parsed.inputs).toEqual([
      { name: 'a', description: 'Either `x | y`, "quoted".', required: true },
      { name: 'b', description: "It's plain", required: false, default: '15' },
    ]);
    expect(parsed.outputs).toEqual([{ name: 'c', description: 'Plain text.' }]);
    expect(inputsTable(parsed)).toContain('| `a` | yes |  | Either `x \\| y`, "quoted". |');
    expect(cell('a|b\nc')).toBe('a\\|b c');
  });

  it('refuses YAML it does not understand instead of dropping rows', () => {
    expect(() => parseActionYml('inputs:\n  a:\n    description: |\n      text\n')).toThrow(
      /line 3/,
    );
    expect(() => parseActionYml('inputs:\n  a:\n    descripton: typo\n')).toThrow(/descripton/);
  });

  it('replaces only the text between markers', () => {
    const text = 'a\n<!-- x:start -->\nold\n<!-- x:end -->\nb\n';
    expect(replaceBetween(text, 'x', 'new')).toBe('a\n<!-- x:start -->\nnew\n<!-- x:end -->\nb\n');
    expect(() => between('no markers', 'x')).toThrow(/markers/);
  });

  it('maps commands to IAM actions through their imports', () => {
    const source = [
      "import { InvokeCommand as Call, type LambdaClient } from '@aws-sdk/client-lambda';",
      "import * as cd from '@aws-sdk/client-codedeploy';",
      "import { FancyCommand } from './local.ts';",
      'new Call({});',
      'new cd.StopDeploymentCommand({});',
      '// new cd.GetDeploymentCommand({}) is only a comment',
      'new FancyCommand();',
    ].join('\n');
    const r = scanSource(source, 'x.ts');
    expect(r.found.map((f) => f.action)).toEqual([
      'lambda:InvokeFunction',
      'codedeploy:StopDeployment',
    ]);
    expect(r.unknown.map((f) => f.action)).toEqual(['./local.ts:FancyCommand']);
  });

  it('finds the with: keys and id of this action in a workflow', () => {
    const yaml = [
      'steps:',
      '  - name: Release',
      '    id: rel',
      '    uses: acme/lambda-gated-release@v1',
      '    with:',
      '      function-name: f',
      '      alarms: |',
      '        a',
      '        b',
      '      bogus: 1',
      '  - uses: actions/checkout@v4',
      '    with:',
      '      fetch-depth: 0',
      `  - run: echo \${{ steps.rel.outputs.nope }}`,
    ].join('\n');
    expect(actionSteps(yaml)).toEqual([
      { line: 4, id: 'rel', with: ['function-name', 'alarms', 'bogus'] },
    ]);
    expect(checkWorkflow(yaml, spec, 'w.yml', 10)).toEqual([
      'w.yml:13: `bogus` is not an input of action.yml',
      'w.yml:23: `steps.rel.outputs.nope` is not an output of action.yml',
    ]);
  });
});
