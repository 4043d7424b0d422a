// The deployment engine seen through the SDK: traffic steps, hooks, alarms, stop,
// automatic rollback, the group's single active deployment, and deployments CodeDeploy fails
// on its own side: the group deleted under a running deployment (DeleteDeploymentGroup), the
// group's service role gone (IAM_ROLE_MISSING) and an internal error (INTERNAL_ERROR), whose
// codes are the API model's and messages the emulator's
// (docs/aws-semantics.md#failures-on-codedeploys-side).
import {
  type CodeDeployClient,
  CreateDeploymentCommand,
  CreateDeploymentGroupCommand,
  DeleteDeploymentGroupCommand,
  type DeploymentInfo,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import { GetAliasCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import type { Emulator } from '../emulator/index.ts';
import {
  ALL_ROLLBACK_EVENTS,
  appSpec,
  createDeployment,
  expectAwsError,
  revision,
  seedRelease,
  until,
  useEmulator,
  waitForDeployment,
} from './helpers.ts';

let emu: Emulator;
let cd: CodeDeployClient;
let lambda: LambdaClient;

// 1 emulated minute = 50 real ms; a 5-minute canary window is 250 ms.
useEmulator(1200, (env) => {
  ({ emu, cd, lambda } = env);
});

const MIN = 60_000;
const spec = { fn: 'orders', alias: 'live', current: '1', target: '2' };
const base = { applicationName: 'app', deploymentGroupName: 'dg' };
const HOOK_FAILURE = {
  code: 'HOOK_EXECUTION_FAILURE',
  message:
    'The deployment failed because one or more of the lifecycle event validation functions failed.',
};
const INVALID_CONFIG =
  'The deployment failed because the AppSpec file that specifies the AWS Lambda deployment configuration is missing or has an invalid configuration.';

async function alias() {
  const a = await lambda.send(new GetAliasCommand({ FunctionName: 'orders', Name: 'live' }));
  return { version: a.FunctionVersion, weights: a.RoutingConfig?.AdditionalVersionWeights ?? {} };
}

async function get(id: string): Promise<DeploymentInfo> {
  const out = await cd.send(new GetDeploymentCommand({ deploymentId: id }));
  if (!out.deploymentInfo) throw new Error('no deploymentInfo');
  return out.deploymentInfo;
}

/** The rollback deployment of `info`, waited to its end, with both rollbackInfo links checked. */
async function rollbackOf(info: DeploymentInfo): Promise<DeploymentInfo> {
  const rbId = info.rollbackInfo?.rollbackDeploymentId;
  expect(rbId).toMatch(/^d-[A-Z0-9]{9}$/);
  expect(info.rollbackInfo?.rollbackMessage).toBe(
    `Deployment ${info.deploymentId} terminated. Automatic rollback is triggered with a DeploymentId ${rbId}.`,
  );
  const rb = await waitForDeployment(emu, cd, rbId as string);
  expect(rb.creator).toBe('codeDeployRollback');
  expect(rb.rollbackInfo).toEqual({
    rollbackTriggeringDeploymentId: info.deploymentId,
    rollbackMessage: `Deployment ${rbId} is triggered to roll back deployment ${info.deploymentId}.`,
  });
  return rb;
}

describe('traffic shifting', () => {
  it('canary 10%/5 min: 10% at once, 100% five minutes later (sampled and in the history)', async () => {
    seedRelease(emu, { config: 'CodeDeployDefault.LambdaCanary10Percent5Minutes' });
    const id = await createDeployment(cd, { ...base, spec });
    // sample the alias through the SDK while the canary runs
    const during = await until(emu, async () => {
      const a = await alias();
      return Object.keys(a.weights).length > 0 ? a : undefined;
    });
    expect(during).toEqual({ version: '1', weights: { '2': 0.1 } });
    const mid = await get(id);
    expect(mid.status).toBe('InProgress');
    const info = await waitForDeployment(emu, cd, id);
    expect(info.status).toBe('Succeeded');
    expect(await alias()).toEqual({ version: '2', weights: {} });
    const h = emu.aliasHistory('orders', 'live');
    expect(h.map((x) => [x.version, x.weights])).toEqual([
      ['1', {}],
      ['1', { '2': 0.1 }],
      ['2', {}],
    ]);
    expect((h[2]?.at ?? 0) - (h[1]?.at ?? 0)).toBe(5 * MIN);
    expect((h[1]?.at ?? 0) - (info.startTime?.getTime() ?? 0)).toBe(0);
  });

  it('linear 10% every minute: +10% each minute, 100% at minute 9', async () => {
    seedRelease(emu, { config: 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute' });
    const id = await createDeployment(cd, { ...base, spec });
    const seen: number[] = [];
    for (;;) {
      const a = await alias();
      const w = a.version === '2' ? 1 : (a.weights['2'] ?? 0);
      if (seen.at(-1) !== w) seen.push(w);
      if (w === 1) break;
      await emu.clock.sleep(10_000);
    }
    const steps = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
    // every sampled state is one of the config's steps, in order
    expect(seen.every((w) => w === 0 || w === 1 || steps.some((s) => Math.abs(s - w) < 1e-9))).toBe(
      true,
    );
    expect([...seen].sort((x, y) => x - y)).toEqual(seen);
    expect(seen.length).toBeGreaterThan(3);
    expect((await waitForDeployment(emu, cd, id)).status).toBe('Succeeded');
    const h = emu.aliasHistory('orders', 'live').slice(1);
    expect(h.map((x) => x.weights['2'] ?? (x.version === '2' ? 1 : 0))).toEqual(
      [...steps.map((s) => Number(s.toFixed(1))), 1].map((v) => v),
    );
    expect(h.slice(0, 9).every((x) => x.version === '1')).toBe(true);
    expect(h[9]).toMatchObject({ version: '2', weights: {} });
    const t0 = h[0]?.at ?? 0;
    expect(h.map((x) => x.at - t0)).toEqual(Array.from({ length: 10 }, (_, k) => k * MIN));
  });

  it('a custom canary 25%/3 min and all-at-once', async () => {
    seedRelease(emu, { config: 'CodeDeployDefault.LambdaAllAtOnce', versions: 3 });
    emu.createDeploymentConfig('Canary25Percent3Minutes', {
      type: 'TimeBasedCanary',
      timeBasedCanary: { canaryPercentage: 25, canaryInterval: 3 },
    });
    const a = await createDeployment(cd, {
      ...base,
      deploymentConfigName: 'Canary25Percent3Minutes',
      spec,
    });
    expect((await waitForDeployment(emu, cd, a)).status).toBe('Succeeded');
    const b = await createDeployment(cd, { ...base, spec: { ...spec, current: '2', target: '3' } });
    expect((await waitForDeployment(emu, cd, b)).status).toBe('Succeeded');
    const h = emu.aliasHistory('orders', 'live');
    expect(h.map((x) => [x.version, x.weights])).toEqual([
      ['1', {}],
      ['1', { '2': 0.25 }],
      ['2', {}],
      ['3', {}],
    ]);
    expect((h[2]?.at ?? 0) - (h[1]?.at ?? 0)).toBe(3 * MIN);
  });
});

describe('hooks', () => {
  it('AfterAllowTraffic failure → HOOK_EXECUTION_FAILURE and a rollback that restores the alias', async () => {
    seedRelease(emu, {
      config: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      autoRollback: { enabled: true, events: ALL_ROLLBACK_EVENTS },
    });
    emu.setHook('CodeDeployHook_pre', { result: 'Succeeded', afterMs: 30_000 });
    emu.setHook('CodeDeployHook_post', { result: 'Failed' });
    const id = await createDeployment(cd, {
      ...base,
      spec: { ...spec, before: 'CodeDeployHook_pre', after: 'CodeDeployHook_post' },
    });
    const info = await waitForDeployment(emu, cd, id);
    expect(info.status).toBe('Failed');
    expect(info.errorInformation).toEqual(HOOK_FAILURE);
    expect(info.deploymentOverview?.Failed).toBe(1);
    const rb = await rollbackOf(info);
    expect(rb.status).toBe('Succeeded');
    expect(await alias()).toEqual({ version: '1', weights: {} });
    // traffic went to 100% before AfterAllowTraffic, then the rollback moved it back
    expect(emu.aliasHistory('orders', 'live').map((x) => x.version)).toEqual(['1', '1', '2', '1']);
    // the hooks were invoked asynchronously with the PascalCase payload
    const [pre] = emu.invocations('CodeDeployHook_pre');
    expect(pre?.invocationType).toBe('Event');
    expect(JSON.parse(pre?.payload ?? '{}').DeploymentId).toBe(id);
    expect(
      emu
        .deployments()
        .find((d) => d.id === id)
        ?.lifecycleEvents.map((e) => e.status),
    ).toEqual(['Succeeded', 'Succeeded', 'Failed']);
  });

  it('BeforeAllowTraffic failure without rollback: no traffic moved, no rollback', async () => {
    seedRelease(emu, { config: 'CodeDeployDefault.LambdaCanary10Percent5Minutes' });
    emu.setHook('CodeDeployHook_pre', { result: 'Failed', afterMs: 5000 });
    const id = await createDeployment(cd, {
      ...base,
      spec: { ...spec, before: 'CodeDeployHook_pre' },
    });
    const info = await waitForDeployment(emu, cd, id);
    expect(info.status).toBe('Failed');
    expect(info.errorInformation).toEqual(HOOK_FAILURE);
    expect(info.rollbackInfo).toBeUndefined();
    expect(emu.aliasHistory('orders', 'live')).toHaveLength(1);
  });

  it('a missing hook function fails INVALID_LAMBDA_FUNCTION; managed role policy needs CodeDeployHook_ names', async () => {
    seedRelease(emu, { managedRolePolicy: true });
    const a = await createDeployment(cd, {
      ...base,
      spec: { ...spec, before: 'CodeDeployHook_missing' },
    });
    expect((await waitForDeployment(emu, cd, a)).errorInformation?.code).toBe(
      'INVALID_LAMBDA_FUNCTION',
    );
    emu.setHook('preTrafficCheck', { result: 'Succeeded' });
    const b = await createDeployment(cd, { ...base, spec: { ...spec, before: 'preTrafficCheck' } });
    const info = await waitForDeployment(emu, cd, b);
    expect(info.status).toBe('Failed');
    expect(info.errorInformation?.code).toBe('IAM_ROLE_PERMISSIONS');
    expect(info.errorInformation?.message).toMatch(
      /^The IAM role arn:aws:iam::123456789012:role\/\S+ does not give you permission to perform operations in the following AWS service: AWSLambda\./,
    );
  });
});

describe('alarms', () => {
  it('an alarm going off mid-canary stops the deployment (ALARM_ACTIVE, names listed) and rolls back', async () => {
    seedRelease(emu, {
      config: 'CodeDeployDefault.LambdaCanary10Percent30Minutes',
      alarms: ['orders-errors', 'orders-latency', 'orders-throttles'],
      autoRollback: { enabled: true, events: ['DEPLOYMENT_STOP_ON_ALARM'] },
    });
    for (const a of ['orders-errors', 'orders-latency', 'orders-throttles']) emu.setAlarm(a, 'OK');
    const id = await createDeployment(cd, { ...base, spec });
    await until(emu, async () =>
      Object.keys((await alias()).weights).length > 0 ? true : undefined,
    );
    emu.setAlarm('orders-errors', 'ALARM');
    emu.setAlarm('orders-throttles', 'ALARM');
    const info = await waitForDeployment(emu, cd, id);
    expect(info.status).toBe('Stopped');
    expect(info.errorInformation).toEqual({
      code: 'ALARM_ACTIVE',
      message:
        'One or more alarms have been activated according to the Amazon CloudWatch metrics you selected, and the affected deployments have been stopped. Activated alarms: <orders-errors> <orders-throttles>',
    });
    expect((await rollbackOf(info)).status).toBe('Succeeded');
    expect(await alias()).toEqual({ version: '1', weights: {} });
  });

  it('an alarm already in ALARM stops the deployment at start; the alias never moves', async () => {
    seedRelease(emu, {
      alarms: ['orders-errors'],
      autoRollback: { enabled: true, events: ALL_ROLLBACK_EVENTS },
    });
    emu.setAlarm('orders-errors', 'ALARM');
    const id = await createDeployment(cd, { ...base, spec });
    const info = await waitForDeployment(emu, cd, id);
    expect(info.status).toBe('Stopped');
    expect(info.errorInformation?.code).toBe('ALARM_ACTIVE');
    expect(info.errorInformation?.message).toMatch(/Activated alarms: <orders-errors>$/);
    expect((await rollbackOf(info)).status).toBe('Succeeded');
    expect(emu.aliasHistory('orders', 'live')).toHaveLength(1);
  });

  it('overrideAlarmConfiguration enabled:false ignores the group alarms; an unknown alarm stops', async () => {
    seedRelease(emu, { alarms: ['orders-errors'] });
    emu.setAlarm('orders-errors', 'ALARM');
    const { deploymentId } = await cd.send(
      new CreateDeploymentCommand({
        ...base,
        revision: revision(appSpec(spec)),
        overrideAlarmConfiguration: { enabled: false, alarms: [] },
      }),
    );
    expect((await waitForDeployment(emu, cd, deploymentId as string)).status).toBe('Succeeded');
    const { deploymentId: second } = await cd.send(
      new CreateDeploymentCommand({
        ...base,
        revision: revision(appSpec({ ...spec, current: '2', target: '1' })),
        overrideAlarmConfiguration: {
          enabled: true,
          ignorePollAlarmFailure: false,
          alarms: [{ name: 'never-created' }],
        },
      }),
    );
    const info = await waitForDeployment(emu, cd, second as string);
    expect(info.status).toBe('Stopped');
    expect(info.errorInformation?.code).toBe('ALARM_ACTIVE');
  });
});

describe('StopDeployment', () => {
  it('with rollback: Pending, then Stopped/MANUAL_STOP, alias restored; a repeat says Succeeded', async () => {
    seedRelease(emu, { config: 'CodeDeployDefault.LambdaCanary10Percent30Minutes' });
    const id = await createDeployment(cd, { ...base, spec });
    await until(emu, async () =>
      Object.keys((await alias()).weights).length > 0 ? true : undefined,
    );
    const stop = await cd.send(
      new StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: true }),
    );
    expect(stop.status).toBe('Pending');
    const info = await waitForDeployment(emu, cd, id);
    expect(info.status).toBe('Stopped');
    expect(info.errorInformation?.code).toBe('MANUAL_STOP');
    expect((await rollbackOf(info)).status).toBe('Succeeded');
    expect(await alias()).toEqual({ version: '1', weights: {} });
    const again = await cd.send(new StopDeploymentCommand({ deploymentId: id }));
    expect(again.status).toBe('Succeeded');
  });

  it('without rollback the alias stays weighted and the next deployment fails validation', async () => {
    seedRelease(emu, {
      config: 'CodeDeployDefault.LambdaCanary10Percent30Minutes',
      autoRollback: { enabled: true, events: ALL_ROLLBACK_EVENTS },
    });
    const id = await createDeployment(cd, { ...base, spec });
    await until(emu, async () =>
      Object.keys((await alias()).weights).length > 0 ? true : undefined,
    );
    await cd.send(new StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: false }));
    const info = await waitForDeployment(emu, cd, id);
    expect(info.status).toBe('Stopped');
    expect(info.rollbackInfo).toBeUndefined();
    expect(await alias()).toEqual({ version: '1', weights: { '2': 0.1 } });
    const next = await createDeployment(cd, { ...base, spec });
    const failed = await waitForDeployment(emu, cd, next);
    expect(failed.status).toBe('Failed');
    expect(failed.errorInformation?.code).toBe('INVALID_LAMBDA_CONFIGURATION');
  });

  it('a completed deployment cannot be stopped', async () => {
    seedRelease(emu);
    const id = await createDeployment(cd, { ...base, spec });
    await waitForDeployment(emu, cd, id);
    await expectAwsError(
      cd.send(new StopDeploymentCommand({ deploymentId: id })),
      'DeploymentAlreadyCompletedException',
      400,
      'The deployment is already complete.',
    );
  });
});

describe('group and AppSpec validation', () => {
  it('one active deployment per group: DeploymentLimitExceededException names the active one', async () => {
    seedRelease(emu);
    const busy = emu.startDeployment(
      'app',
      'dg',
      'orders',
      'live',
      '1',
      '2',
      'CodeDeployDefault.LambdaCanary10Percent30Minutes',
    );
    const e = await expectAwsError(
      cd.send(new CreateDeploymentCommand({ ...base, revision: revision(appSpec(spec)) })),
      'DeploymentLimitExceededException',
      400,
      `The Deployment Group 'dg' already has an active Deployment '${busy}'`,
    );
    expect(
      /(?:is already deploying|already has an active Deployment) '(d-\w+)'/.exec(e.message)?.[1],
    ).toBe(busy);
  });

  it('Current == Target fails INVALID_LAMBDA_CONFIGURATION with no detail', async () => {
    seedRelease(emu, { config: 'CodeDeployDefault.LambdaCanary10Percent5Minutes' });
    const id = await createDeployment(cd, {
      ...base,
      spec: { ...spec, current: '1', target: '1' },
    });
    const info = await waitForDeployment(emu, cd, id);
    expect(info.status).toBe('Failed');
    expect(info.errorInformation).toEqual({
      code: 'INVALID_LAMBDA_CONFIGURATION',
      message: INVALID_CONFIG,
    });
  });

  it('alias not on CurrentVersion fails with the detail suffix', async () => {
    seedRelease(emu, { versions: 3 });
    const id = await createDeployment(cd, {
      ...base,
      spec: { ...spec, current: '2', target: '3' },
    });
    const info = await waitForDeployment(emu, cd, id);
    expect(info.errorInformation).toEqual({
      code: 'INVALID_LAMBDA_CONFIGURATION',
      message: `${INVALID_CONFIG} The Lambda function alias version does not match the current version in AppSpec file.`,
    });
    expect(emu.aliasHistory('orders', 'live')).toHaveLength(1);
  });

  it('a rollback that itself fails leaves the alias weighted', async () => {
    seedRelease(emu, {
      config: 'CodeDeployDefault.LambdaCanary10Percent30Minutes',
      alarms: ['orders-errors'],
      autoRollback: { enabled: true, events: ALL_ROLLBACK_EVENTS },
    });
    emu.setAlarm('orders-errors', 'OK');
    emu.failNextRollback();
    const id = await createDeployment(cd, { ...base, spec });
    await until(emu, async () =>
      Object.keys((await alias()).weights).length > 0 ? true : undefined,
    );
    emu.setAlarm('orders-errors', 'ALARM');
    const info = await waitForDeployment(emu, cd, id);
    const rb = await rollbackOf(info);
    expect(rb.status).toBe('Failed');
    expect(await alias()).toEqual({ version: '1', weights: { '2': 0.1 } });
  });
});

const ROLE = 'arn:aws:iam::123456789012:role/CodeDeployServiceRole';
const CANARY = 'CodeDeployDefault.LambdaCanary10Percent5Minutes';

/** A canary deployment of the seeded group, once its 10% is on the alias. */
async function canaryAtTenPercent(): Promise<string> {
  seedRelease(emu, {
    config: CANARY,
    autoRollback: { enabled: true, events: ALL_ROLLBACK_EVENTS },
  });
  const id = await createDeployment(cd, { ...base, spec });
  await until(emu, async () =>
    Object.keys((await alias()).weights).length > 0 ? true : undefined,
  );
  return id;
}

function lifecycle(info: DeploymentInfo) {
  return emu.deployments().find((d) => d.deploymentId === info.deploymentId)?.lifecycleEvents;
}

describe('DeleteDeploymentGroup', () => {
  it('answers hooksNotCleanedUp: [] and the group is gone', async () => {
    seedRelease(emu);
    const out = await cd.send(new DeleteDeploymentGroupCommand(base));
    expect(out.hooksNotCleanedUp).toEqual([]);
    await expectAwsError(
      cd.send(new GetDeploymentGroupCommand(base)),
      'DeploymentGroupDoesNotExistException',
      400,
    );
    // A second delete finds nothing to delete (as Terraform's provider expects).
    await expectAwsError(
      cd.send(new DeleteDeploymentGroupCommand(base)),
      'DeploymentGroupDoesNotExistException',
      400,
    );
    await expectAwsError(
      createDeployment(cd, { ...base, spec }),
      'DeploymentGroupDoesNotExistException',
      400,
    );
  });

  it('refuses a missing application or names', async () => {
    seedRelease(emu);
    await expectAwsError(
      cd.send(new DeleteDeploymentGroupCommand({ ...base, applicationName: 'nope' })),
      'ApplicationDoesNotExistException',
      400,
    );
    await expectAwsError(
      cd.send(new DeleteDeploymentGroupCommand({ applicationName: 'app' } as never)),
      'DeploymentGroupNameRequiredException',
      400,
    );
    await expectAwsError(
      cd.send(new DeleteDeploymentGroupCommand({ deploymentGroupName: 'dg' } as never)),
      'ApplicationNameRequiredException',
      400,
    );
  });

  it('under a running canary: Failed, DEPLOYMENT_GROUP_MISSING, no rollback, the alias left split', async () => {
    const id = await canaryAtTenPercent();
    await cd.send(new DeleteDeploymentGroupCommand(base));
    const info = await waitForDeployment(emu, cd, id);
    expect(info.status).toBe('Failed');
    expect(info.errorInformation?.code).toBe('DEPLOYMENT_GROUP_MISSING');
    expect(info.errorInformation?.message).toContain('dg');
    expect(info.rollbackInfo).toBeUndefined();
    expect(emu.deployments()).toHaveLength(1);
    expect(lifecycle(info)?.map((e) => e.status)).toEqual(['Skipped', 'Failed', 'Skipped']);
    await emu.clock.sleep(6 * MIN); // past the canary's interval: nothing moves it on
    expect(await alias()).toEqual({ version: '1', weights: { '2': 0.1 } });
  });
});

describe('the service role does not exist (IAM_ROLE_MISSING)', () => {
  it('fails the deployment as it starts: no traffic moved, no rollback', async () => {
    seedRelease(emu, { autoRollback: { enabled: true, events: ALL_ROLLBACK_EVENTS } });
    emu.deleteRole(ROLE);
    const id = await createDeployment(cd, { ...base, spec });
    const info = await waitForDeployment(emu, cd, id);
    expect(info.status).toBe('Failed');
    expect(info.errorInformation?.code).toBe('IAM_ROLE_MISSING');
    expect(info.errorInformation?.message).toContain(ROLE);
    expect(info.rollbackInfo).toBeUndefined();
    expect(emu.aliasHistory('orders', 'live')).toHaveLength(1);
    expect(await alias()).toEqual({ version: '1', weights: {} });
  });

  it('CreateDeploymentGroup refuses a role that does not exist; reset brings every role back', async () => {
    seedRelease(emu);
    emu.deleteRole(ROLE);
    const create = (name: string) =>
      cd.send(
        new CreateDeploymentGroupCommand({
          applicationName: 'app',
          deploymentGroupName: name,
          serviceRoleArn: ROLE,
          deploymentStyle: {
            deploymentType: 'BLUE_GREEN',
            deploymentOption: 'WITH_TRAFFIC_CONTROL',
          },
        }),
      );
    await expectAwsError(create('dg2'), 'InvalidRoleException', 400, new RegExp(ROLE));
    emu.reset();
    seedRelease(emu);
    expect((await create('dg2')).deploymentGroupId).toBeDefined();
  });
});

describe('CodeDeploy fails on its side (INTERNAL_ERROR)', () => {
  it('the next deployment of the group fails as it starts; the one after runs', async () => {
    seedRelease(emu);
    emu.failDeployment({ applicationName: 'app', deploymentGroupName: 'dg' });
    const id = await createDeployment(cd, { ...base, spec });
    const info = await waitForDeployment(emu, cd, id);
    expect(info.status).toBe('Failed');
    expect(info.errorInformation?.code).toBe('INTERNAL_ERROR');
    expect(info.startTime).toBeDefined();
    expect(await alias()).toEqual({ version: '1', weights: {} });
    const next = await createDeployment(cd, { ...base, spec });
    expect((await waitForDeployment(emu, cd, next)).status).toBe('Succeeded');
  });

  it('a running canary fails afterMs later; the group’s DEPLOYMENT_FAILURE rollback restores the alias', async () => {
    const id = await canaryAtTenPercent();
    const at = emu.clock.now();
    emu.failDeployment({ afterMs: 2 * MIN });
    const info = await waitForDeployment(emu, cd, id);
    expect(info.status).toBe('Failed');
    expect(info.errorInformation?.code).toBe('INTERNAL_ERROR');
    const end = emu.deployments().find((d) => d.deploymentId === id)?.completeTimeMs ?? 0;
    // The clock runs on between the two reads: allow a few emulated seconds.
    expect(end - at).toBeGreaterThanOrEqual(2 * MIN);
    expect(end - at).toBeLessThan(2 * MIN + 10_000);
    const rbId = info.rollbackInfo?.rollbackDeploymentId as string;
    expect((await waitForDeployment(emu, cd, rbId)).status).toBe('Succeeded');
    expect(await alias()).toEqual({ version: '1', weights: {} });
  });

  it('a fault for another group waits for that group', async () => {
    seedRelease(emu);
    emu.failDeployment({ applicationName: 'app', deploymentGroupName: 'other' });
    const id = await createDeployment(cd, { ...base, spec });
    expect((await waitForDeployment(emu, cd, id)).status).toBe('Succeeded');
    const { deploymentInfo } = await cd.send(new GetDeploymentCommand({ deploymentId: id }));
    expect(deploymentInfo?.errorInformation).toBeUndefined();
  });
});
