// CodeDeploy JSON 1.1 contract: resources, CreateDeployment's synchronous checks and the
// read APIs, asserted through the real SDK v3 client.
import {
  BatchGetDeploymentTargetsCommand,
  type CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentConfigCommand,
  CreateDeploymentGroupCommand,
  GetApplicationCommand,
  GetDeploymentCommand,
  GetDeploymentConfigCommand,
  GetDeploymentGroupCommand,
  ListDeploymentConfigsCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
  PutLifecycleEventHookExecutionStatusCommand,
} from '@aws-sdk/client-codedeploy';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../emulator/index.ts';
import {
  ALL_ROLLBACK_EVENTS,
  appSpec,
  createDeployment,
  expectAwsError,
  revision,
  seedRelease,
  sha256Hex,
  until,
  useEmulator,
  waitForDeployment,
} from './helpers.ts';

let emu: Emulator;
let cd: CodeDeployClient;

useEmulator(600, (env) => {
  ({ emu, cd } = env);
});

const ROLE = 'arn:aws:iam::123456789012:role/CodeDeployServiceRole';
const spec = { fn: 'orders', alias: 'live', current: '1', target: '2' };

describe('applications and deployment groups', () => {
  it('CreateApplication / GetApplication, duplicates and unknown names', async () => {
    const created = await cd.send(
      new CreateApplicationCommand({ applicationName: 'app', computePlatform: 'Lambda' }),
    );
    expect(created.applicationId).toMatch(/^[0-9a-f-]{36}$/);
    const { application } = await cd.send(new GetApplicationCommand({ applicationName: 'app' }));
    expect(application).toMatchObject({
      applicationId: created.applicationId,
      applicationName: 'app',
      computePlatform: 'Lambda',
      linkedToGitHub: false,
    });
    expect(application?.createTime).toBeInstanceOf(Date);
    expect(Math.abs((application?.createTime?.getTime() ?? 0) - emu.clock.now())).toBeLessThan(
      600_000,
    );
    await expectAwsError(
      cd.send(new CreateApplicationCommand({ applicationName: 'app' })),
      'ApplicationAlreadyExistsException',
      400,
    );
    await expectAwsError(
      cd.send(new GetApplicationCommand({ applicationName: 'nope' })),
      'ApplicationDoesNotExistException',
      400,
      'No application found for name: nope',
    );
  });

  it('CreateDeploymentGroup / GetDeploymentGroup with alarms, rollback, style, last deployments', async () => {
    emu.createFunction({ name: 'orders', versions: 2, aliases: { live: '1' } });
    emu.createApplication('app');
    const { deploymentGroupId } = await cd.send(
      new CreateDeploymentGroupCommand({
        applicationName: 'app',
        deploymentGroupName: 'dg',
        serviceRoleArn: ROLE,
        deploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
        alarmConfiguration: {
          enabled: true,
          ignorePollAlarmFailure: false,
          alarms: [{ name: 'orders-errors' }],
        },
        autoRollbackConfiguration: { enabled: true, events: ALL_ROLLBACK_EVENTS as never },
        deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      }),
    );
    expect(deploymentGroupId).toBeDefined();
    const get = async () =>
      (
        await cd.send(
          new GetDeploymentGroupCommand({ applicationName: 'app', deploymentGroupName: 'dg' }),
        )
      ).deploymentGroupInfo;
    const info = await get();
    expect(info).toMatchObject({
      applicationName: 'app',
      deploymentGroupId,
      deploymentGroupName: 'dg',
      deploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      serviceRoleArn: ROLE,
      alarmConfiguration: {
        enabled: true,
        ignorePollAlarmFailure: false,
        alarms: [{ name: 'orders-errors' }],
      },
      autoRollbackConfiguration: { enabled: true, events: ALL_ROLLBACK_EVENTS },
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      computePlatform: 'Lambda',
    });
    expect(info?.lastAttemptedDeployment).toBeUndefined();
    emu.setAlarm('orders-errors', 'OK');
    const id = await createDeployment(cd, {
      applicationName: 'app',
      deploymentGroupName: 'dg',
      deploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce',
      spec,
    });
    await waitForDeployment(emu, cd, id);
    const after = await get();
    expect(after?.lastAttemptedDeployment).toMatchObject({ deploymentId: id, status: 'Succeeded' });
    expect(after?.lastSuccessfulDeployment?.deploymentId).toBe(id);
    expect(after?.lastSuccessfulDeployment?.endTime).toBeInstanceOf(Date);

    await expectAwsError(
      cd.send(
        new CreateDeploymentGroupCommand({
          applicationName: 'app',
          deploymentGroupName: 'dg',
          serviceRoleArn: ROLE,
        }),
      ),
      'DeploymentGroupAlreadyExistsException',
      400,
    );
    await expectAwsError(
      cd.send(
        new GetDeploymentGroupCommand({ applicationName: 'app', deploymentGroupName: 'nope' }),
      ),
      'DeploymentGroupDoesNotExistException',
      400,
      'No Deployment Group found for name: nope',
    );
    await expectAwsError(
      cd.send(
        new CreateDeploymentGroupCommand({
          applicationName: 'app',
          deploymentGroupName: 'dg2',
          serviceRoleArn: ROLE,
          autoRollbackConfiguration: { enabled: true, events: [] },
        }),
      ),
      'InvalidAutoRollbackConfigException',
      400,
    );
  });
});

describe('deployment configs', () => {
  const predefined: [string, unknown][] = [
    [
      'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      { type: 'TimeBasedCanary', timeBasedCanary: { canaryPercentage: 10, canaryInterval: 5 } },
    ],
    [
      'CodeDeployDefault.LambdaCanary10Percent10Minutes',
      { type: 'TimeBasedCanary', timeBasedCanary: { canaryPercentage: 10, canaryInterval: 10 } },
    ],
    [
      'CodeDeployDefault.LambdaCanary10Percent15Minutes',
      { type: 'TimeBasedCanary', timeBasedCanary: { canaryPercentage: 10, canaryInterval: 15 } },
    ],
    [
      'CodeDeployDefault.LambdaCanary10Percent30Minutes',
      { type: 'TimeBasedCanary', timeBasedCanary: { canaryPercentage: 10, canaryInterval: 30 } },
    ],
    [
      'CodeDeployDefault.LambdaLinear10PercentEvery1Minute',
      { type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: 10, linearInterval: 1 } },
    ],
    [
      'CodeDeployDefault.LambdaLinear10PercentEvery2Minutes',
      { type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: 10, linearInterval: 2 } },
    ],
    [
      'CodeDeployDefault.LambdaLinear10PercentEvery3Minutes',
      { type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: 10, linearInterval: 3 } },
    ],
    [
      'CodeDeployDefault.LambdaLinear10PercentEvery10Minutes',
      { type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: 10, linearInterval: 10 } },
    ],
    ['CodeDeployDefault.LambdaAllAtOnce', { type: 'AllAtOnce' }],
  ];

  it('GetDeploymentConfig returns the 9 predefined Lambda configs exactly', async () => {
    for (const [name, trc] of predefined) {
      const { deploymentConfigInfo } = await cd.send(
        new GetDeploymentConfigCommand({ deploymentConfigName: name }),
      );
      expect(deploymentConfigInfo?.deploymentConfigName).toBe(name);
      expect(deploymentConfigInfo?.computePlatform).toBe('Lambda');
      expect(deploymentConfigInfo?.trafficRoutingConfig).toEqual(trc);
      expect(deploymentConfigInfo?.createTime).toBeInstanceOf(Date);
    }
    await expectAwsError(
      cd.send(
        new GetDeploymentConfigCommand({
          deploymentConfigName: 'CodeDeployDefault.LambdaLinear10PercentEvery1Minutes',
        }),
      ),
      'DeploymentConfigDoesNotExistException',
      400,
    );
  });

  it('CreateDeploymentConfig validates names, percentages and spans; ListDeploymentConfigs pages', async () => {
    const trc = {
      type: 'TimeBasedCanary' as const,
      timeBasedCanary: { canaryPercentage: 25, canaryInterval: 45 },
    };
    const out = await cd.send(
      new CreateDeploymentConfigCommand({
        deploymentConfigName: 'Canary25Percent45Minutes',
        computePlatform: 'Lambda',
        trafficRoutingConfig: trc,
      }),
    );
    expect(out.deploymentConfigId).toMatch(/^[0-9a-f-]{36}$/);
    const got = await cd.send(
      new GetDeploymentConfigCommand({ deploymentConfigName: 'Canary25Percent45Minutes' }),
    );
    expect(got.deploymentConfigInfo?.trafficRoutingConfig).toEqual(trc);
    expect(got.deploymentConfigInfo?.deploymentConfigId).toBe(out.deploymentConfigId);

    const bad = async (name: string, t: unknown, code: string) =>
      expectAwsError(
        cd.send(
          new CreateDeploymentConfigCommand({
            deploymentConfigName: name,
            computePlatform: 'Lambda',
            trafficRoutingConfig: t as never,
          }),
        ),
        code,
        400,
      );
    await bad('Canary25Percent45Minutes', trc, 'DeploymentConfigAlreadyExistsException');
    await bad('CodeDeployDefault.Mine', trc, 'InvalidDeploymentConfigNameException');
    await bad('has space', trc, 'InvalidDeploymentConfigNameException');
    await bad('x'.repeat(101), trc, 'InvalidDeploymentConfigNameException');
    await bad(
      'p100',
      { type: 'TimeBasedCanary', timeBasedCanary: { canaryPercentage: 100, canaryInterval: 5 } },
      'InvalidTrafficRoutingConfigurationException',
    );
    await bad(
      'long',
      { type: 'TimeBasedCanary', timeBasedCanary: { canaryPercentage: 10, canaryInterval: 2881 } },
      'InvalidTrafficRoutingConfigurationException',
    );
    // linear 1% every 30 minutes: last shift at 99·30 = 2970 minutes > 2880
    await bad(
      'slow',
      { type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: 1, linearInterval: 30 } },
      'InvalidTrafficRoutingConfigurationException',
    );
    await bad(
      'mixed',
      { type: 'TimeBasedLinear', timeBasedCanary: { canaryPercentage: 10, canaryInterval: 5 } },
      'InvalidTrafficRoutingConfigurationException',
    );
    await bad('typo', { type: 'Canary' }, 'InvalidTrafficRoutingConfigurationException');
    await expectAwsError(
      cd.send(new CreateDeploymentConfigCommand({ deploymentConfigName: '' })),
      'DeploymentConfigNameRequiredException',
      400,
    );
    // linear 1% every 29 minutes: 99·29 = 2871 ≤ 2880 is fine
    await cd.send(
      new CreateDeploymentConfigCommand({
        deploymentConfigName: 'Linear1PercentEvery29Minutes',
        computePlatform: 'Lambda',
        trafficRoutingConfig: {
          type: 'TimeBasedLinear',
          timeBasedLinear: { linearPercentage: 1, linearInterval: 29 },
        },
      }),
    );

    const names: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await cd.send(new ListDeploymentConfigsCommand({ nextToken }));
      names.push(...(page.deploymentConfigsList ?? []));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken);
    expect(pages).toBeGreaterThan(0);
    for (const [name] of predefined) expect(names).toContain(name);
    expect(names).toContain('Canary25Percent45Minutes');
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('CreateDeployment synchronous errors', () => {
  beforeEach(() => {
    seedRelease(emu);
  });
  const base = { applicationName: 'app', deploymentGroupName: 'dg' };

  it.each([
    [{ applicationName: 'nope' }, 'ApplicationDoesNotExistException'],
    [{ deploymentGroupName: 'nope' }, 'DeploymentGroupDoesNotExistException'],
    [{ deploymentConfigName: 'Nope' }, 'DeploymentConfigDoesNotExistException'],
    // a config of another compute platform
    [
      { deploymentConfigName: 'CodeDeployDefault.OneAtATime' },
      'InvalidDeploymentConfigNameException',
    ],
  ])('unknown application, group or config: %j → %s', async (override, code) => {
    await expectAwsError(
      cd.send(
        new CreateDeploymentCommand({ ...base, ...override, revision: revision(appSpec(spec)) }),
      ),
      code,
      400,
    );
  });

  it('revision problems', async () => {
    await expectAwsError(
      cd.send(new CreateDeploymentCommand(base)),
      'RevisionRequiredException',
      400,
    );
    const content = appSpec(spec);
    await expectAwsError(
      cd.send(
        new CreateDeploymentCommand({
          ...base,
          revision: {
            revisionType: 'AppSpecContent',
            appSpecContent: { content, sha256: sha256Hex(`${content} `) },
          },
        }),
      ),
      'InvalidRevisionException',
      400,
    );
    await expectAwsError(
      cd.send(
        new CreateDeploymentCommand({
          ...base,
          revision: {
            revisionType: 'AppSpecContent',
            appSpecContent: { content, sha256: sha256Hex(content).toUpperCase() },
          },
        }),
      ),
      'InvalidRevisionException',
      400,
    );
    // the older String revision type works too, and sha256 is optional
    const ok = await cd.send(
      new CreateDeploymentCommand({
        ...base,
        revision: { revisionType: 'String', string: { content } },
      }),
    );
    expect(ok.deploymentId).toMatch(/^d-[A-Z0-9]{9}$/);
  });

  it('alarm, rollback and description validation', async () => {
    const rev = revision(appSpec(spec));
    await expectAwsError(
      cd.send(
        new CreateDeploymentCommand({
          ...base,
          revision: rev,
          overrideAlarmConfiguration: { enabled: true, alarms: [{ name: 'a' }, { name: 'a' }] },
        }),
      ),
      'InvalidAlarmConfigException',
      400,
    );
    await expectAwsError(
      cd.send(
        new CreateDeploymentCommand({
          ...base,
          revision: rev,
          overrideAlarmConfiguration: { enabled: true, alarms: [{ name: 'x'.repeat(256) }] },
        }),
      ),
      'InvalidAlarmConfigException',
      400,
    );
    await expectAwsError(
      cd.send(
        new CreateDeploymentCommand({
          ...base,
          revision: rev,
          overrideAlarmConfiguration: {
            enabled: true,
            alarms: Array.from({ length: 11 }, (_, i) => ({ name: `a${i}` })),
          },
        }),
      ),
      'AlarmsLimitExceededException',
      400,
    );
    await expectAwsError(
      cd.send(
        new CreateDeploymentCommand({
          ...base,
          revision: rev,
          autoRollbackConfiguration: { enabled: true, events: [] },
        }),
      ),
      'InvalidAutoRollbackConfigException',
      400,
    );
    await expectAwsError(
      cd.send(
        new CreateDeploymentCommand({ ...base, revision: rev, description: 'x'.repeat(101) }),
      ),
      'DescriptionTooLongException',
      400,
    );
    await expectAwsError(
      cd.send(
        new CreateDeploymentCommand({
          ...base,
          revision: rev,
          ignoreApplicationStopFailures: true,
        }),
      ),
      'InvalidIgnoreApplicationStopFailuresValueException',
      400,
    );
  });

  it('refuses deployments for a non-Lambda application', async () => {
    emu.createApplication('ec2', 'Server');
    emu.createDeploymentGroup('ec2', 'dg', {
      deploymentConfigName: 'CodeDeployDefault.OneAtATime',
    });
    await expectAwsError(
      cd.send(
        new CreateDeploymentCommand({
          applicationName: 'ec2',
          deploymentGroupName: 'dg',
          revision: revision(appSpec(spec)),
        }),
      ),
      'InvalidRevisionException',
      400,
    );
  });
});

describe('GetDeployment, ListDeployments and targets', () => {
  it('GetDeployment has the spec 4.1 fields; content is never returned', async () => {
    seedRelease(emu);
    const content = appSpec(spec);
    const id = (
      await cd.send(
        new CreateDeploymentCommand({
          applicationName: 'app',
          deploymentGroupName: 'dg',
          deploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce',
          description: 'release abc123 (run 42)',
          revision: revision(content),
          autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE'] },
          overrideAlarmConfiguration: { enabled: false, ignorePollAlarmFailure: false, alarms: [] },
        }),
      )
    ).deploymentId as string;
    const created = (await cd.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo;
    expect(created?.createTime).toBeInstanceOf(Date);
    const info = await waitForDeployment(emu, cd, id);
    expect(info).toMatchObject({
      applicationName: 'app',
      deploymentGroupName: 'dg',
      deploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce',
      deploymentId: id,
      description: 'release abc123 (run 42)',
      status: 'Succeeded',
      creator: 'user',
      computePlatform: 'Lambda',
      deploymentOverview: {
        Pending: 0,
        InProgress: 0,
        Succeeded: 1,
        Failed: 0,
        Skipped: 0,
        Ready: 0,
      },
      autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE'] },
      overrideAlarmConfiguration: { enabled: false, ignorePollAlarmFailure: false, alarms: [] },
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      deploymentStatusMessages: [],
      revision: { revisionType: 'AppSpecContent', appSpecContent: { sha256: sha256Hex(content) } },
    });
    expect(info.revision?.appSpecContent?.content ?? null).toBeNull();
    expect(info.errorInformation).toBeUndefined();
    expect(info.rollbackInfo).toBeUndefined();
    const c = info.createTime?.getTime() ?? 0;
    const s = info.startTime?.getTime() ?? 0;
    expect(s - c).toBe(1000);
    expect(info.completeTime?.getTime() ?? 0).toBeGreaterThanOrEqual(s);

    await expectAwsError(
      cd.send(new GetDeploymentCommand({ deploymentId: 'd-123' })),
      'InvalidDeploymentIdException',
      400,
    );
    await expectAwsError(
      cd.send(new GetDeploymentCommand({ deploymentId: 'd-AAAAAAAAA' })),
      'DeploymentDoesNotExistException',
      400,
    );
  });

  it('accepts a YAML AppSpec with lowercase keys', async () => {
    seedRelease(emu);
    const content = [
      'version: 0.0',
      'resources:',
      '  - myLambdaFunction:',
      '      type: AWS::Lambda::Function',
      '      properties:',
      '        name: "orders"',
      '        alias: "live"',
      '        currentversion: "1"',
      '        targetversion: 2',
      'hooks:',
      '  - BeforeAllowTraffic: "CodeDeployHook_pre"   # a comment',
    ].join('\n');
    emu.setHook('CodeDeployHook_pre', { result: 'Succeeded' });
    const { deploymentId } = await cd.send(
      new CreateDeploymentCommand({
        applicationName: 'app',
        deploymentGroupName: 'dg',
        deploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce',
        revision: revision(content),
      }),
    );
    const info = await waitForDeployment(emu, cd, deploymentId as string);
    expect(info.status).toBe('Succeeded');
    expect(emu.invocations('CodeDeployHook_pre')).toHaveLength(1);
    expect(emu.getAlias('orders', 'live')).toEqual({ version: '2', weights: {} });
  });

  it('a malformed AppSpec is accepted, then fails INVALID_LAMBDA_CONFIGURATION', async () => {
    seedRelease(emu);
    const { deploymentId } = await cd.send(
      new CreateDeploymentCommand({
        applicationName: 'app',
        deploymentGroupName: 'dg',
        revision: revision('resources: [oops'),
      }),
    );
    const info = await waitForDeployment(emu, cd, deploymentId as string);
    expect(info.status).toBe('Failed');
    expect(info.errorInformation).toEqual({
      code: 'INVALID_LAMBDA_CONFIGURATION',
      message:
        'The deployment failed because the AppSpec file that specifies the AWS Lambda deployment configuration is missing or has an invalid configuration. The input AppSpec file is a not well-formed yaml. The template cannot be parsed.',
    });
  });

  it('ListDeployments filters by group and status', async () => {
    seedRelease(emu);
    emu.createDeploymentGroup('app', 'other', {
      deploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce',
    });
    const a = await createDeployment(cd, {
      applicationName: 'app',
      deploymentGroupName: 'dg',
      spec: { ...spec, target: '1' },
    });
    await waitForDeployment(emu, cd, a); // Failed: current == target
    const b = await createDeployment(cd, {
      applicationName: 'app',
      deploymentGroupName: 'dg',
      spec,
    });
    await waitForDeployment(emu, cd, b);
    const all = await cd.send(
      new ListDeploymentsCommand({ applicationName: 'app', deploymentGroupName: 'dg' }),
    );
    expect(all.deployments).toEqual([b, a]);
    const failed = await cd.send(
      new ListDeploymentsCommand({
        applicationName: 'app',
        deploymentGroupName: 'dg',
        includeOnlyStatuses: ['Failed', 'Stopped'],
      }),
    );
    expect(failed.deployments).toEqual([a]);
    const other = await cd.send(
      new ListDeploymentsCommand({ applicationName: 'app', deploymentGroupName: 'other' }),
    );
    expect(other.deployments).toEqual([]);
    await expectAwsError(
      cd.send(new ListDeploymentsCommand({ applicationName: 'app' })),
      'DeploymentGroupNameRequiredException',
      400,
    );
  });

  it('targets: DeploymentNotStartedException while Created, then a LambdaTarget', async () => {
    seedRelease(emu, { config: 'CodeDeployDefault.LambdaCanary10Percent5Minutes' });
    emu.setTiming({ deploymentStartMs: 120_000 });
    const id = await createDeployment(cd, {
      applicationName: 'app',
      deploymentGroupName: 'dg',
      spec,
    });
    await expectAwsError(
      cd.send(new ListDeploymentTargetsCommand({ deploymentId: id })),
      'DeploymentNotStartedException',
      400,
    );
    await expectAwsError(
      cd.send(new BatchGetDeploymentTargetsCommand({ deploymentId: id, targetIds: ['orders'] })),
      'DeploymentNotStartedException',
      400,
    );
    const targetIds = await until(emu, async () => {
      try {
        return (await cd.send(new ListDeploymentTargetsCommand({ deploymentId: id }))).targetIds;
      } catch {
        return undefined;
      }
    });
    expect(targetIds).toHaveLength(1);
    const weighted = await until(emu, async () => {
      const out = await cd.send(
        new BatchGetDeploymentTargetsCommand({ deploymentId: id, targetIds }),
      );
      const t = out.deploymentTargets?.[0];
      return t?.lambdaTarget?.lambdaFunctionInfo?.targetVersionWeight === 10 ? t : undefined;
    });
    expect(weighted.deploymentTargetType).toBe('LambdaTarget');
    expect(weighted.lambdaTarget).toMatchObject({
      deploymentId: id,
      targetArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders:live',
      status: 'InProgress',
      lambdaFunctionInfo: {
        functionName: 'orders',
        functionAlias: 'live',
        currentVersion: '1',
        targetVersion: '2',
        targetVersionWeight: 10,
      },
    });
    expect(
      weighted.lambdaTarget?.lifecycleEvents?.map((e) => [e.lifecycleEventName, e.status]),
    ).toEqual([
      ['BeforeAllowTraffic', 'Skipped'],
      ['AllowTraffic', 'InProgress'],
      ['AfterAllowTraffic', 'Pending'],
    ]);
    await expectAwsError(
      cd.send(new BatchGetDeploymentTargetsCommand({ deploymentId: id, targetIds: ['nope'] })),
      'DeploymentTargetDoesNotExistException',
      400,
    );
  });
});

describe('PutLifecycleEventHookExecutionStatus', () => {
  it('lets a hook report through the API, once, with Succeeded or Failed only', async () => {
    seedRelease(emu);
    emu.setHook('CodeDeployHook_pre', { result: 'never' });
    const id = await createDeployment(cd, {
      applicationName: 'app',
      deploymentGroupName: 'dg',
      spec: { ...spec, before: 'CodeDeployHook_pre' },
    });
    const invocation = await until(emu, () => emu.invocations('CodeDeployHook_pre')[0]);
    const event = JSON.parse(invocation.payload) as {
      DeploymentId: string;
      LifecycleEventHookExecutionId: string;
    };
    expect(event.DeploymentId).toBe(id);
    expect(Object.keys(event)).toEqual(['DeploymentId', 'LifecycleEventHookExecutionId']);
    const put = (status: string, execId = event.LifecycleEventHookExecutionId, deploymentId = id) =>
      cd.send(
        new PutLifecycleEventHookExecutionStatusCommand({
          deploymentId,
          lifecycleEventHookExecutionId: execId,
          status: status as never,
        }),
      );
    await expectAwsError(
      put('InProgress'),
      'InvalidLifecycleEventHookExecutionStatusException',
      400,
    );
    await expectAwsError(
      put('Succeeded', 'bogus'),
      'InvalidLifecycleEventHookExecutionIdException',
      400,
    );
    await expectAwsError(
      put('Succeeded', undefined, 'd-AAAAAAAAA'),
      'DeploymentDoesNotExistException',
      400,
    );
    const ok = await put('Succeeded');
    expect(ok.lifecycleEventHookExecutionId).toBe(event.LifecycleEventHookExecutionId);
    await expectAwsError(put('Failed'), 'LifecycleEventAlreadyCompletedException', 400);
    expect((await waitForDeployment(emu, cd, id)).status).toBe('Succeeded');
  });
});
