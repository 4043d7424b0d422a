// aws/setup.yml, the one-command AWS set-up, checked without AWS: it parses with
// CloudFormation's tags, every resource type and property is in CloudFormation's published
// specification, every IAM action is one the code calls or the README explains, its policy is
// the README's (one source: scripts/iam-policy.ts), and the stack a set of parameters gives
// trusts exactly what it should and grants what each feature needs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  evaluateTemplate,
  type IamStatement,
  loadSpec,
  parseTemplate,
  type Template,
  templateActions,
  validateTemplate,
} from '../../scripts/cloudformation.ts';
import {
  DOCUMENTED_EXTRA_ACTIONS,
  generateTemplate,
  ROOT,
  readmeIamActions,
  scanAwsActions,
  TEMPLATE,
  UNSIGNED_ACTIONS,
} from '../../scripts/docs.ts';
import { POLICY_STATEMENTS, policyActions } from '../../scripts/iam-policy.ts';

const text = readFileSync(join(ROOT, TEMPLATE), 'utf8');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const template = parseTemplate(text);
const spec = loadSpec();

const QUICK_START = {
  GitHubRepository: 'acme/orders',
  FunctionNames: 'orders-api',
  Application: 'orders-app',
  DeploymentGroup: 'orders-live',
};

function stack(parameters: Record<string, string>, region = 'eu-west-1') {
  return evaluateTemplate(template, { parameters: { ...QUICK_START, ...parameters }, region });
}

function releaseStatements(parameters: Record<string, string> = {}, region?: string) {
  const role = stack(parameters, region).resources.ReleaseRole!.Properties as {
    Policies: { PolicyDocument: { Statement: IamStatement[] } }[];
  };
  return role.Policies.flatMap((p) => p.PolicyDocument.Statement);
}

const list = (v: string | string[] | undefined) => ([] as string[]).concat(v ?? []);
const actionsOf = (statements: IamStatement[]) =>
  [...new Set(statements.flatMap((s) => list(s.Action)))].sort();
const bySid = (statements: IamStatement[], sid: string) => statements.find((s) => s.Sid === sid);

describe('aws/setup.yml parses and matches the CloudFormation specification', () => {
  it('parses with the intrinsic-function tags, and refuses a tag CloudFormation does not know', () => {
    expect(Object.keys(template.Resources).length).toBeGreaterThan(3);
    expect(JSON.stringify(template)).toContain('"Fn::Sub"');
    expect(() => parseTemplate('A: !Reff B\n')).toThrow();
  });

  it('every resource type, property, attribute, Ref, Sub variable and condition exists', () => {
    expect(spec.ResourceSpecificationVersion).toMatch(/^\d+\./);
    expect(validateTemplate(template, spec)).toEqual([]);
  });

  it('the check finds a misspelled property, a missing required one and an unknown type', () => {
    const bad = parseTemplate(
      [
        'Resources:',
        '  R:',
        '    Type: AWS::IAM::Role',
        '    Properties:',
        '      RoleNam: x',
        '  G:',
        '    Type: AWS::CodeDeploy::DeploymentGroup',
        '    Properties:',
        '      ApplicationName: !Ref Nope',
        '      ServiceRoleArn: !GetAtt R.Arnn',
        '      DeploymentStyle: { DeploymentTyp: BLUE_GREEN }',
        '  X:',
        '    Type: AWS::Lambda::Nothing',
      ].join('\n'),
    ) as Template;
    const problems = validateTemplate(bad, spec).join('\n');
    expect(problems).toContain('has no property `RoleNam`');
    expect(problems).toContain('required property `AssumeRolePolicyDocument` is missing');
    expect(problems).toContain('Ref names nothing the template defines: "Nope"');
    expect(problems).toContain('AWS::IAM::Role has no attribute `Arnn`');
    expect(problems).toContain('has no property `DeploymentTyp`');
    expect(problems).toContain('AWS::Lambda::Nothing is not in the CloudFormation specification');
  });
});

describe("aws/setup.yml's IAM actions", () => {
  const scan = scanAwsActions();
  const { permissions, trust } = templateActions(template);

  it('its policy is generated from scripts/iam-policy.ts (run `npm run docs` if not)', () => {
    expect(generateTemplate(text)).toBe(text);
  });

  it("grants exactly the README's policy, which is the code's calls and the documented extras", () => {
    expect(permissions).toEqual(policyActions());
    expect(readmeIamActions(readme)).toEqual(policyActions());
  });

  it('every action in it is one the code calls or the README explains', () => {
    const explained = new Set([
      ...scan.actions,
      ...Object.keys(DOCUMENTED_EXTRA_ACTIONS),
      ...UNSIGNED_ACTIONS,
    ]);
    for (const action of permissions) expect(explained).toContain(action);
    // The trust policies: the action's own AssumeRoleWithWebIdentity, and CodeDeploy's
    // AssumeRole of its service role, whose trust policy the README shows.
    expect(trust).toEqual(['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity']);
    expect(readme).toContain('"Action": "sts:AssumeRole"');
  });
});

describe('the stack a set of parameters gives', () => {
  it('trusts exactly the repository and branch, or the environment, for the audience', () => {
    const trustOf = (p: Record<string, string>) =>
      (
        stack(p).resources.ReleaseRole!.Properties as {
          AssumeRolePolicyDocument: { Statement: IamStatement[] };
        }
      ).AssumeRolePolicyDocument.Statement;
    const [branch] = trustOf({});
    expect(branch!.Condition).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:sub': 'repo:acme/orders:ref:refs/heads/main',
      },
    });
    expect(branch!.Principal).toEqual({ Federated: '<GitHubOidcProvider.Arn>' });
    const [env] = trustOf({
      GitHubEnvironment: 'production',
      OidcProviderArn:
        'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
    });
    expect(env!.Condition!.StringEquals!['token.actions.githubusercontent.com:sub']).toBe(
      'repo:acme/orders:environment:production',
    );
    expect(env!.Principal).toEqual({
      Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
    });
  });

  it('creates the OIDC provider only when the account has none, and outputs the role and names', () => {
    const quick = stack({});
    expect(quick.resources.GitHubOidcProvider?.Type).toBe('AWS::IAM::OIDCProvider');
    expect(quick.resources.CodeDeployApplication!.Properties).toEqual({
      ApplicationName: 'orders-app',
      ComputePlatform: 'Lambda',
    });
    expect(quick.resources.CodeDeployDeploymentGroup!.Properties).toMatchObject({
      DeploymentGroupName: 'orders-live',
      ServiceRoleArn: '<CodeDeployServiceRole.Arn>',
      DeploymentStyle: { DeploymentType: 'BLUE_GREEN', DeploymentOption: 'WITH_TRAFFIC_CONTROL' },
    });
    expect(quick.outputs).toMatchObject({
      RoleArn: '<ReleaseRole.Arn>',
      Application: 'orders-app',
      DeploymentGroup: '<CodeDeployDeploymentGroup>',
      TrustedSubject: 'repo:acme/orders:ref:refs/heads/main',
    });
    const existing = stack({
      OidcProviderArn: 'arn:aws:iam::1:oidc-provider/x',
      CodeDeployResources: 'existing',
    });
    expect(existing.resources.GitHubOidcProvider).toBeUndefined();
    expect(existing.resources.CodeDeployApplication).toBeUndefined();
    expect(existing.outputs.DeploymentGroup).toBeUndefined();
  });

  it('the quick start gets every-release statements only, on exactly its function', () => {
    const statements = releaseStatements();
    const always = POLICY_STATEMENTS.filter((s) => s.feature === 'every-release');
    expect(statements.map((s) => s.Sid)).toEqual(always.map((s) => s.sid));
    expect(actionsOf(statements)).toEqual(policyActions(always));
    const fn = 'arn:aws:lambda:*:123456789012:function:';
    const release = list(bySid(statements, 'ReleaseTheFunction')!.Resource);
    // The padding slots name functions Lambda does not allow (`.1`): they match nothing.
    expect(release.filter((r) => !/function:\.\d/.test(r))).toEqual([
      `${fn}orders-api`,
      `${fn}orders-api:*`,
    ]);
    expect(new Set(release).size).toBe(release.length);
    expect(bySid(statements, 'CodeDeployDeploymentGroup')!.Resource).toEqual([
      'arn:aws:codedeploy:*:123456789012:deploymentgroup:orders-app/*',
    ]);
    expect(bySid(statements, 'ReleaseTheFunction')!.Condition).toEqual({
      StringEquals: { 'aws:RequestedRegion': ['eu-west-1'] },
    });
  });

  it('several functions, a prefix and several regions', () => {
    const statements = releaseStatements({
      FunctionNames: 'orders-api,orders-worker,billing-*',
      Regions: 'eu-west-1,us-east-1',
    });
    const release = list(bySid(statements, 'ReleaseTheFunction')!.Resource);
    const names = release
      .filter((r) => !/function:\.\d/.test(r))
      .map((r) => r.split(':function:')[1]);
    expect(names).toEqual([
      'orders-api',
      'orders-worker',
      'billing-*',
      'orders-api:*',
      'orders-worker:*',
      'billing-*:*',
    ]);
    for (const s of statements.filter((s) => s.Sid !== 'PassTheCodeDeployRole'))
      expect(s.Condition).toEqual({
        StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] },
      });
  });

  it('each feature parameter adds exactly its statements', () => {
    const sids = (p: Record<string, string>) => releaseStatements(p).map((s) => s.Sid);
    const base = sids({});
    const added = (p: Record<string, string>) => sids(p).filter((s) => !base.includes(s));
    expect(added({ MetricGates: 'true' })).toEqual(['MetricGateAlarms', 'MetricGateReads']);
    expect(added({ CodeBucket: 'orders-builds' })).toEqual(['CodeThroughS3']);
    expect(added({ CreateFunctions: 'true' })).toEqual(['CreateTheFunction']);
    expect(added({ ExecutionRoleArn: 'arn:aws:iam::123456789012:role/orders-exec' })).toEqual([
      'PassTheExecutionRole',
    ]);
    expect(added({ CodeDeployResources: 'action' })).toEqual([
      'CreateCodeDeployResourcesWithCodedeployRole',
      'PassTheCodeDeployRole',
    ]);
    const all = releaseStatements({
      MetricGates: 'true',
      CodeBucket: 'orders-builds',
      CreateFunctions: 'true',
      ExecutionRoleArn: 'arn:aws:iam::123456789012:role/orders-exec',
      CodeDeployResources: 'action',
    });
    expect(actionsOf(all)).toEqual(policyActions());
    expect(bySid(all, 'CodeThroughS3')!.Resource).toEqual([
      'arn:aws:s3:::orders-builds/lambda-gated-release/*',
    ]);
    expect(bySid(all, 'PassTheCodeDeployRole')).toMatchObject({
      Resource: ['<CodeDeployServiceRole.Arn>'],
      Condition: { StringEquals: { 'iam:PassedToService': 'codedeploy.amazonaws.com' } },
    });
  });

  it("fits IAM's 10,240-character limit for a role's inline policies, at its largest", () => {
    const longest = Array.from({ length: 10 }, (_, i) => `${'f'.repeat(62)}${i}`).join(',');
    const statements = releaseStatements({
      FunctionNames: longest,
      Regions: 'eu-west-1,us-east-1,ap-southeast-2',
      MetricGates: 'true',
      CodeBucket: 'b'.repeat(63),
      CreateFunctions: 'true',
      ExecutionRoleArn: `arn:aws:iam::123456789012:role/${'r'.repeat(64)}`,
      CodeDeployResources: 'action',
      Application: 'a'.repeat(100),
    });
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: statements });
    expect(policy.length).toBeLessThan(10_240);
  });

  it('the parameters refuse what CloudFormation would: more than 10 functions, spaces', () => {
    const pattern = new RegExp(
      (template.Parameters!.FunctionNames as { AllowedPattern: string }).AllowedPattern,
    );
    expect(pattern.test('orders-api')).toBe(true);
    expect(pattern.test('a,b,c,d,e,f,g,h,i,j')).toBe(true);
    expect(pattern.test('a,b,c,d,e,f,g,h,i,j,k')).toBe(false);
    expect(pattern.test('a, b')).toBe(false);
    const regions = new RegExp(
      (template.Parameters!.Regions as { AllowedPattern: string }).AllowedPattern,
    );
    expect(['', 'eu-west-1', 'eu-west-1,us-gov-west-1'].every((r) => regions.test(r))).toBe(true);
    expect(regions.test('eu-west-1, us-east-1')).toBe(false);
  });
});
