// `codedeploy-role`: a first release creates the CodeDeploy application and deployment group
// it needs, after every check has passed, and the next release deploys through them.
import { describe, expect, it } from 'vitest';
import type { CodeDeployService } from '../../src/release/deps.ts';
import { emulatorForFile } from './emulator.ts';
import { APP, codeDir, depsFor, FN, GROUP, mutating, runRelease } from './harness.ts';

const emu = await emulatorForFile();

const ROLE = 'arn:aws:iam::123456789012:role/service-role/CodeDeployForLambda';

interface GroupState {
  applicationName: string;
  deploymentGroupName: string;
  serviceRoleArn: string;
  deploymentStyle: unknown;
  alarmConfiguration: { enabled: boolean; alarms: { name: string }[] };
  autoRollbackConfiguration: { enabled: boolean; events: string[] };
}

function codedeployState(): {
  applications: { applicationName: string; computePlatform: string }[];
  deploymentGroups: GroupState[];
} {
  return (emu.state() as { codedeploy: never }).codedeploy;
}

describe('codedeploy-role', () => {
  it('creates the missing application and group, deploys through them, then canaries the next release', async () => {
    emu.createFunction({ name: FN, code: 'v1', versions: 1, aliases: { live: '1' } });
    emu.setAlarm('orders-errors', 'OK');
    const first = await runRelease(emu, {
      'code-dir': codeDir('v2'),
      strategy: 'AllAtOnce',
      'codedeploy-role': ROLE,
      alarms: 'orders-errors',
    });
    expect(first.result.cause).toBeUndefined();
    expect(first.result.status).toBe('succeeded');
    expect(first.result.created).toEqual([
      { kind: 'codedeploy-application', name: APP },
      { kind: 'deployment-group', name: GROUP },
    ]);
    expect(first.result.notes.find((n) => n.kind === 'created')?.text).toContain(
      `Created CodeDeploy application ${APP} and deployment group ${GROUP}`,
    );
    const ops = mutating(first.calls);
    expect(ops.indexOf('CreateApplication')).toBeLessThan(ops.indexOf('CreateDeploymentGroup'));
    expect(ops.indexOf('CreateDeploymentGroup')).toBeLessThan(ops.indexOf('CreateDeployment'));
    const state = codedeployState();
    expect(state.applications).toMatchObject([{ applicationName: APP, computePlatform: 'Lambda' }]);
    expect(state.deploymentGroups).toMatchObject([
      {
        deploymentGroupName: GROUP,
        serviceRoleArn: ROLE,
        deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
        alarmConfiguration: { enabled: true, alarms: [{ name: 'orders-errors' }] },
        autoRollbackConfiguration: {
          enabled: true,
          events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM', 'DEPLOYMENT_STOP_ON_REQUEST'],
        },
      },
    ]);
    expect(emu.getAlias(FN, 'live')).toEqual({ version: '2', weights: {} });

    const next = await runRelease(emu, {
      'code-dir': codeDir('v3'),
      strategy: 'Canary10Percent5Minutes',
      'codedeploy-role': ROLE,
    });
    expect(next.result.status).toBe('succeeded');
    expect(next.result.created).toBeUndefined();
    expect(mutating(next.calls)).not.toContain('CreateDeploymentGroup');
    expect(next.result.timeline.map((p) => p.newPercent)).toEqual([10, 100]);
  });

  it('auto-rollback: false makes a group without automatic rollback; only the group when the application exists', async () => {
    emu.createFunction({ name: FN, code: 'v1', versions: 1, aliases: { live: '1' } });
    emu.createApplication(APP, 'Lambda');
    const run = await runRelease(emu, {
      'code-dir': codeDir('v2'),
      strategy: 'AllAtOnce',
      'codedeploy-role': ROLE,
      'auto-rollback': 'false',
    });
    expect(run.result.status).toBe('succeeded');
    expect(run.result.created).toEqual([{ kind: 'deployment-group', name: GROUP }]);
    expect(mutating(run.calls)).not.toContain('CreateApplication');
    expect(codedeployState().deploymentGroups[0]).toMatchObject({
      alarmConfiguration: { enabled: false },
      autoRollbackConfiguration: { enabled: false },
    });
  });

  it('a dry run lists what it would create and creates nothing', async () => {
    emu.createFunction({ name: FN, code: 'v1', versions: 1, aliases: { live: '1' } });
    const run = await runRelease(emu, {
      'code-dir': codeDir('v2'),
      'codedeploy-role': ROLE,
      'dry-run': 'true',
    });
    expect(run.result.status).toBe('planned');
    expect(mutating(run.calls)).toEqual([]);
    expect(run.result.plan?.steps).toEqual(
      expect.arrayContaining([
        `Create CodeDeploy application ${APP} (compute platform Lambda)`,
        expect.stringMatching(
          new RegExp(
            `^Create deployment group ${GROUP} \\(blue/green with traffic control, service role ${ROLE.replace(/\//g, '\\/')}, no alarms, automatic rollback on failure, alarm and stop\\)$`,
          ),
        ),
      ]),
    );
    expect(codedeployState().applications).toEqual([]);
  });

  it('a first release that creates the alias creates the group too, for the next release', async () => {
    emu.createFunction({ name: FN, code: 'v1' });
    const run = await runRelease(emu, { 'code-dir': codeDir('v2'), 'codedeploy-role': ROLE });
    expect(run.result.status).toBe('created');
    expect(run.result.created?.map((c) => c.kind)).toEqual([
      'codedeploy-application',
      'deployment-group',
    ]);
    expect(emu.deployments()).toEqual([]);
  });

  it('without it, a missing application stays an error naming the input, and nothing changes', async () => {
    emu.createFunction({ name: FN, code: 'v1', versions: 1, aliases: { live: '1' } });
    const run = await runRelease(emu, { 'code-dir': codeDir('v2') });
    expect(run.result.status).toBe('failed');
    expect(run.result.cause?.code).toBe('APPLICATION_NOT_FOUND');
    expect(run.result.cause?.message).toContain('give `codedeploy-role`');
    expect(mutating(run.calls)).toEqual([]);
  });

  it('nothing is created when another check fails (a missing hook)', async () => {
    emu.createFunction({ name: FN, code: 'v1', versions: 1, aliases: { live: '1' } });
    const run = await runRelease(emu, {
      'code-dir': codeDir('v2'),
      'codedeploy-role': ROLE,
      'before-traffic-hook': 'CodeDeployHook_missing',
    });
    expect(run.result.cause?.code).toBe('HOOK_NOT_FOUND');
    expect(mutating(run.calls)).toEqual([]);
  });
});

describe('codedeploy-role under a race', () => {
  /** CodeDeploy where someone else creates the application just before we do. */
  function racing(platform: 'Lambda' | 'Server') {
    const { deps } = depsFor(emu);
    const real = deps.codedeploy;
    const codedeploy: CodeDeployService = Object.assign(Object.create(real), {
      createApplication: async (name: string) => {
        emu.createApplication(name, platform);
        return real.createApplication(name);
      },
    });
    return { codedeploy };
  }

  it('an application made by someone else meanwhile is used when it is for Lambda', async () => {
    emu.createFunction({ name: FN, code: 'v1', versions: 1, aliases: { live: '1' } });
    const run = await runRelease(
      emu,
      { 'code-dir': codeDir('v2'), strategy: 'AllAtOnce', 'codedeploy-role': ROLE },
      racing('Lambda'),
    );
    expect(run.result.status).toBe('succeeded');
    expect(run.result.created).toEqual([{ kind: 'deployment-group', name: GROUP }]);
    expect(run.calls.find((c) => c.operation === 'CreateApplication')?.errorCode).toBe(
      'ApplicationAlreadyExistsException',
    );
  });

  it('one for another compute platform stops the release before any traffic moves', async () => {
    emu.createFunction({ name: FN, code: 'v1', versions: 1, aliases: { live: '1' } });
    const run = await runRelease(
      emu,
      { 'code-dir': codeDir('v2'), 'codedeploy-role': ROLE },
      racing('Server'),
    );
    expect(run.result.cause?.code).toBe('APPLICATION_NOT_LAMBDA');
    expect(mutating(run.calls)).not.toContain('CreateDeployment');
    expect(emu.getAlias(FN, 'live')).toEqual({ version: '1', weights: {} });
  });
});
