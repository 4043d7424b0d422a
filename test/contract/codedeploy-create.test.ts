// CreateApplication / CreateDeploymentGroup as `codedeploy-role` uses them: through the real
// SDK client and the action's adapter, AWS's refusals, and a group a deployment can use.
import {
  type CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentGroupCommand,
  GetDeploymentGroupCommand,
} from '@aws-sdk/client-codedeploy';
import { describe, expect, it } from 'vitest';
import { CodeDeployApi } from '../../src/aws/codedeploy.ts';
import type { Emulator } from '../emulator/index.ts';
import { expectAwsError, useEmulator } from './helpers.ts';

let emu: Emulator;
let cd: CodeDeployClient;
useEmulator(600, (env) => {
  ({ emu, cd } = env);
});

const ROLE = 'arn:aws:iam::123456789012:role/CodeDeployForLambda';
const group = (o: Record<string, unknown> = {}) =>
  new CreateDeploymentGroupCommand({
    applicationName: 'app',
    deploymentGroupName: 'dg',
    serviceRoleArn: ROLE,
    ...o,
  });

describe("the adapter's creates", () => {
  it('create, then report an existing one as exists; the group is what was asked for', async () => {
    const api = new CodeDeployApi(cd);
    expect(await api.createApplication('app')).toBe('created');
    expect(await api.createApplication('app')).toBe('exists');
    expect((await api.getApplication('app'))?.computePlatform).toBe('Lambda');
    const g = {
      application: 'app',
      deploymentGroup: 'dg',
      serviceRoleArn: ROLE,
      alarms: ['errors'],
      autoRollback: true,
    };
    expect(await api.createDeploymentGroup(g)).toBe('created');
    expect(await api.createDeploymentGroup(g)).toBe('exists');
    const { deploymentGroupInfo: info } = await cd.send(
      new GetDeploymentGroupCommand({ applicationName: 'app', deploymentGroupName: 'dg' }),
    );
    expect(info).toMatchObject({
      serviceRoleArn: ROLE,
      computePlatform: 'Lambda',
      deploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce',
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      alarmConfiguration: { enabled: true, alarms: [{ name: 'errors' }] },
      autoRollbackConfiguration: { enabled: true },
    });
    emu.createFunction({ name: 'orders', versions: 2, aliases: { live: '1' } });
    const id = emu.startDeployment('app', 'dg', 'orders', 'live', '1', '2');
    expect(id).toMatch(/^d-[A-Z0-9]{9}$/);
  });
});

describe("CreateDeploymentGroup's refusals", () => {
  it('no application, no role, a malformed role, a non-Lambda style, more than 10 alarms', async () => {
    await expectAwsError(cd.send(group()), 'ApplicationDoesNotExistException', 400);
    await cd.send(
      new CreateApplicationCommand({ applicationName: 'app', computePlatform: 'Lambda' }),
    );
    await expectAwsError(
      cd.send(group({ serviceRoleArn: undefined })),
      'RoleRequiredException',
      400,
    );
    await expectAwsError(
      cd.send(group({ serviceRoleArn: 'CodeDeployRole' })),
      'InvalidRoleException',
      400,
    );
    await expectAwsError(
      cd.send(
        group({
          deploymentStyle: {
            deploymentType: 'IN_PLACE',
            deploymentOption: 'WITHOUT_TRAFFIC_CONTROL',
          },
        }),
      ),
      'InvalidDeploymentStyleException',
      400,
    );
    const alarms = Array.from({ length: 11 }, (_, i) => ({ name: `a${i}` }));
    await expectAwsError(
      cd.send(group({ alarmConfiguration: { enabled: true, alarms } })),
      'AlarmsLimitExceededException',
      400,
    );
    await expectAwsError(
      cd.send(
        new CreateApplicationCommand({
          applicationName: 'app2',
          computePlatform: 'Lambda2' as never,
        }),
      ),
      'InvalidComputePlatformException',
      400,
    );
  });
});
