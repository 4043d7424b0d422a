// The least-privilege policy of the role the action runs as (docs/aws-semantics.md, "IAM and
// CloudFormation for the set-up template"): ONE list of statements, rendered
// twice: as the README's JSON (with `<placeholders>`) and as the CloudFormation template's
// policy (aws/setup.yml, parameters and conditions). test/unit/docs.test.ts checks that the
// actions are exactly those src/ calls plus the documented extras; test/unit/setup-template.test.ts
// that the template holds this rendering.

/** What a statement is for: every release, or one feature the template switches by a parameter. */
export type Feature =
  | 'every-release'
  | 'create-function'
  | 'execution-role'
  | 'codedeploy-by-action'
  | 'code-in-s3'
  | 'metric-gates';

/** The things a statement grants on; each renderer names them its own way. */
export type ResourceKind =
  | 'function'
  | 'function-qualified'
  | 'hooks'
  | 'application'
  | 'deployment-group'
  | 'deployment-configs'
  | 'execution-role'
  | 'codedeploy-role'
  | 'code-objects'
  | 'gate-alarms'
  | 'any';

export interface PolicyStatement {
  sid: string;
  feature: Feature;
  actions: string[];
  resources: ResourceKind[];
  /** iam:PassRole: the service the role may be passed to. */
  passedToService?: string;
}

export const POLICY_STATEMENTS: PolicyStatement[] = [
  {
    sid: 'ReleaseTheFunction',
    feature: 'every-release',
    actions: [
      'lambda:GetFunction',
      'lambda:GetFunctionConfiguration',
      'lambda:UpdateFunctionCode',
      'lambda:UpdateFunctionConfiguration',
      'lambda:PublishVersion',
      'lambda:ListVersionsByFunction',
      'lambda:InvokeFunction',
      'lambda:GetAlias',
      'lambda:CreateAlias',
      'lambda:UpdateAlias',
    ],
    resources: ['function', 'function-qualified'],
  },
  {
    sid: 'CreateTheFunction',
    feature: 'create-function',
    actions: ['lambda:CreateFunction'],
    resources: ['function'],
  },
  {
    sid: 'PassTheExecutionRole',
    feature: 'execution-role',
    actions: ['iam:PassRole'],
    resources: ['execution-role'],
    passedToService: 'lambda.amazonaws.com',
  },
  {
    sid: 'CheckTheHooksExist',
    feature: 'every-release',
    actions: ['lambda:GetFunction'],
    resources: ['hooks'],
  },
  {
    sid: 'CodeDeployApplication',
    feature: 'every-release',
    actions: ['codedeploy:GetApplication', 'codedeploy:RegisterApplicationRevision'],
    resources: ['application'],
  },
  {
    sid: 'CodeDeployDeploymentGroup',
    feature: 'every-release',
    actions: [
      'codedeploy:GetDeploymentGroup',
      'codedeploy:ListDeployments',
      'codedeploy:CreateDeployment',
      'codedeploy:GetDeployment',
      'codedeploy:BatchGetDeployments',
      'codedeploy:ListDeploymentTargets',
      'codedeploy:BatchGetDeploymentTargets',
      'codedeploy:StopDeployment',
      'codedeploy:UpdateDeploymentGroup',
    ],
    resources: ['deployment-group'],
  },
  {
    sid: 'CodeDeployDeploymentConfigs',
    feature: 'every-release',
    actions: [
      'codedeploy:GetDeploymentConfig',
      'codedeploy:ListDeploymentConfigs',
      'codedeploy:CreateDeploymentConfig',
    ],
    resources: ['deployment-configs'],
  },
  {
    sid: 'CreateCodeDeployResourcesWithCodedeployRole',
    feature: 'codedeploy-by-action',
    actions: ['codedeploy:CreateApplication', 'codedeploy:CreateDeploymentGroup'],
    resources: ['application', 'deployment-group'],
  },
  {
    sid: 'PassTheCodeDeployRole',
    feature: 'codedeploy-by-action',
    actions: ['iam:PassRole'],
    resources: ['codedeploy-role'],
    passedToService: 'codedeploy.amazonaws.com',
  },
  {
    sid: 'CodeThroughS3',
    feature: 'code-in-s3',
    actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject'],
    resources: ['code-objects'],
  },
  {
    sid: 'MetricGateAlarms',
    feature: 'metric-gates',
    actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms'],
    resources: ['gate-alarms'],
  },
  {
    sid: 'MetricGateReads',
    feature: 'metric-gates',
    actions: ['cloudwatch:GetMetricData'],
    resources: ['any'],
  },
  {
    // The bake between waves of a release of several functions reads its alarms' states
    // (metric gates read them too). Read-only: every release has it.
    sid: 'ReadAlarmStates',
    feature: 'every-release',
    actions: ['cloudwatch:DescribeAlarms'],
    resources: ['any'],
  },
];

/** Every action the policy grants, sorted and unique. */
export function policyActions(statements = POLICY_STATEMENTS): string[] {
  return [...new Set(statements.flatMap((s) => s.actions))].sort();
}

// ---------------------------------------------------------------------------------------------
// The README's JSON

const README_RESOURCES: Record<ResourceKind, string> = {
  function: 'arn:aws:lambda:<region>:<account-id>:function:<function-name>',
  'function-qualified': 'arn:aws:lambda:<region>:<account-id>:function:<function-name>:*',
  hooks: 'arn:aws:lambda:<region>:<account-id>:function:CodeDeployHook_*',
  application: 'arn:aws:codedeploy:<region>:<account-id>:application:<application>',
  'deployment-group':
    'arn:aws:codedeploy:<region>:<account-id>:deploymentgroup:<application>/<deployment-group>',
  'deployment-configs': 'arn:aws:codedeploy:<region>:<account-id>:deploymentconfig:*',
  'execution-role': 'arn:aws:iam::<account-id>:role/<execution-role>',
  'codedeploy-role': 'arn:aws:iam::<account-id>:role/<codedeploy-role>',
  'code-objects': 'arn:aws:s3:::<bucket>/lambda-gated-release/*',
  'gate-alarms': 'arn:aws:cloudwatch:<region>:<account-id>:alarm:lgr-gate/*',
  any: '*',
};

/** A JSON array on one line when it fits in `width` columns, else one item a line. */
function jsonList(items: string[], indent: string, width: number): string {
  if (items.length === 1) return JSON.stringify(items[0]);
  const one = `[${items.map((i) => JSON.stringify(i)).join(', ')}]`;
  if (indent.length + one.length <= width) return one;
  return `[\n${items.map((i) => `${indent}  ${JSON.stringify(i)}`).join(',\n')}\n${indent}]`;
}

/** The README's policy document, formatted as the README shows it. */
export function readmePolicyJson(statements = POLICY_STATEMENTS): string {
  const blocks = statements.map((s) => {
    const pad = '      ';
    const lines = [
      `${pad}"Sid": ${JSON.stringify(s.sid)}`,
      `${pad}"Effect": "Allow"`,
      `${pad}"Action": ${jsonList(s.actions, pad, 90)}`,
      `${pad}"Resource": ${jsonList(
        s.resources.map((r) => README_RESOURCES[r]),
        pad,
        90,
      )}`,
    ];
    if (s.passedToService)
      lines.push(
        `${pad}"Condition": { "StringEquals": { "iam:PassedToService": ${JSON.stringify(s.passedToService)} } }`,
      );
    return `    {\n${lines.join(',\n')}\n    }`;
  });
  return `{\n  "Version": "2012-10-17",\n  "Statement": [\n${blocks.join(',\n')}\n  ]\n}`;
}

// ---------------------------------------------------------------------------------------------
// The CloudFormation template's policy (YAML with intrinsic-function tags)

/** The condition in aws/setup.yml that switches each feature on. */
export const FEATURE_CONDITIONS: Record<Exclude<Feature, 'every-release'>, string> = {
  'create-function': 'CreatesFunctions',
  'execution-role': 'PassesExecutionRole',
  'codedeploy-by-action': 'ActionCreatesCodeDeploy',
  'code-in-s3': 'UsesCodeBucket',
  'metric-gates': 'UsesMetricGates',
};

/** How many function names (or prefixes) `FunctionNames` takes: its AllowedPattern says so. */
export const FUNCTION_SLOTS = 10;

/**
 * Function ARNs, one per slot of `FunctionNames` padded with `.0`, `.1`, ...: names no
 * function can have (Lambda names hold only letters, digits, `-` and `_`), so a short list
 * leaves no slot out of range and no ARN twice. CloudFormation has no loop, a Fn::Join
 * delimiter must be a literal (no partition or account in it), and conditions may not use
 * Fn::Select, so fixed slots are the one way to turn a list of names into ARNs.
 */
function functionArns(suffix: string): string[] {
  const padding = Array.from({ length: FUNCTION_SLOTS }, (_, i) => `.${i}`).join(',');
  return Array.from({ length: FUNCTION_SLOTS }, (_, i) =>
    [
      '- !Sub',
      `  - "arn:{AWS::Partition}:lambda:*:{AWS::AccountId}:function:{Name}${suffix}"`,
      '  - Name: !Select',
      `      - ${i}`,
      `      - !Split [",", !Sub "{FunctionNames},${padding}"]`,
    ]
      .join('\n')
      .replace(/\{/g, '$${'),
  );
}

/** `- !Sub "<arn>"`, the ARN written with `{Name}` for CloudFormation's `${Name}`. */
const sub = (arn: string) => `- !Sub "${arn.replace(/\{/g, '$${')}"`;

const TEMPLATE_RESOURCES: Record<ResourceKind, string[]> = {
  function: functionArns(''),
  'function-qualified': functionArns(':*'),
  hooks: [sub('arn:{AWS::Partition}:lambda:*:{AWS::AccountId}:function:CodeDeployHook_*')],
  application: [
    sub('arn:{AWS::Partition}:codedeploy:*:{AWS::AccountId}:application:{Application}'),
  ],
  'deployment-group': [
    sub('arn:{AWS::Partition}:codedeploy:*:{AWS::AccountId}:deploymentgroup:{Application}/*'),
  ],
  'deployment-configs': [
    sub('arn:{AWS::Partition}:codedeploy:*:{AWS::AccountId}:deploymentconfig:*'),
  ],
  'execution-role': ['- !Ref ExecutionRoleArn'],
  'codedeploy-role': ['- !GetAtt CodeDeployServiceRole.Arn'],
  'code-objects': [sub('arn:{AWS::Partition}:s3:::{CodeBucket}/lambda-gated-release/*')],
  'gate-alarms': [sub('arn:{AWS::Partition}:cloudwatch:*:{AWS::AccountId}:alarm:lgr-gate/*')],
  any: ['- "*"'],
};

/** Regional resources: the template names region `*` and limits the regions by condition. */
const GLOBAL_RESOURCES: ResourceKind[] = ['execution-role', 'codedeploy-role', 'code-objects'];

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? l : by + l))
    .join('\n');
}

function templateStatement(s: PolicyStatement): string {
  const regional = s.resources.every((r) => !GLOBAL_RESOURCES.includes(r));
  const lines = [
    `Sid: ${s.sid}`,
    'Effect: Allow',
    'Action:',
    ...s.actions.map((a) => `  - ${a}`),
    'Resource:',
    ...s.resources.flatMap((r) => TEMPLATE_RESOURCES[r]).map((r) => indent(r, '  ')),
  ];
  if (s.passedToService)
    lines.push('Condition:', '  StringEquals:', `    iam:PassedToService: ${s.passedToService}`);
  else if (regional)
    lines.push(
      'Condition:',
      '  StringEquals:',
      '    aws:RequestedRegion: !If',
      '      - OneRegion',
      '      - [!Ref AWS::Region]',
      '      - !Split [",", !Ref Regions]',
    );
  const body = lines.join('\n');
  if (s.feature === 'every-release') return `- ${indent(body, '  ').trimStart()}`;
  const condition = FEATURE_CONDITIONS[s.feature];
  return `- !If\n  - ${condition}\n  - ${indent(body, '    ').trimStart()}\n  - !Ref AWS::NoValue`;
}

/** The `Statement:` list of the release role's policy in aws/setup.yml, at its indentation. */
export function templatePolicyStatements(statements = POLICY_STATEMENTS): string {
  return indent(statements.map(templateStatement).join('\n'), ' '.repeat(14));
}
