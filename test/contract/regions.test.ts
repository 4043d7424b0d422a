// Regions through the unmodified SDK clients: one endpoint serves every region, each region
// its own state, chosen by the region a request is signed for (docs/aws-semantics.md#regions).
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  PutMetricAlarmCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  BatchGetDeploymentsCommand,
  BatchGetDeploymentTargetsCommand,
  CodeDeployClient,
  GetApplicationCommand,
  GetDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import {
  GetAliasCommand,
  GetFunctionCommand,
  LambdaClient,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectEmulator, type Emulator, startEmulator } from '../emulator/index.ts';
import {
  ALL_ROLLBACK_EVENTS,
  awsError,
  createDeployment,
  credentials,
  expectAwsError,
  lambdaMinuteSum,
  seedRelease,
  until,
  waitForDeployment,
} from './helpers.ts';

const EAST = 'us-east-1';
const WEST = 'us-west-2';

interface RegionClients {
  lambda: LambdaClient;
  cd: CodeDeployClient;
  cw: CloudWatchClient;
  s3: S3Client;
}

let emu: Emulator;
const clients: Record<string, RegionClients> = {};

function clientsIn(region: string): RegionClients {
  const cfg = { endpoint: emu.url, region, credentials, maxAttempts: 1 };
  return {
    lambda: new LambdaClient(cfg),
    cd: new CodeDeployClient(cfg),
    cw: new CloudWatchClient(cfg),
    s3: new S3Client({ ...cfg, forcePathStyle: true }),
  };
}

// 1 emulated minute = 50 real ms.
beforeAll(async () => {
  emu = await startEmulator({ timeScale: 1200 });
  for (const r of [EAST, WEST]) clients[r] = clientsIn(r);
});
afterAll(async () => {
  for (const c of Object.values(clients)) for (const client of Object.values(c)) client.destroy();
  await emu.close();
});
beforeEach(() => emu.reset());

const east = () => clients[EAST] as RegionClients;
const west = () => clients[WEST] as RegionClients;
const spec = { fn: 'orders', alias: 'live', current: '1', target: '2' };
const base = { applicationName: 'app', deploymentGroupName: 'dg' };

async function aliasIn(c: RegionClients, fn = 'orders') {
  const a = await c.lambda.send(new GetAliasCommand({ FunctionName: fn, Name: 'live' }));
  return { version: a.FunctionVersion, weights: a.RoutingConfig?.AdditionalVersionWeights ?? {} };
}

describe('state per region', () => {
  it('a function, an application and an alarm made in us-west-2 exist there only, with its ARNs', async () => {
    const w = emu.inRegion(WEST);
    w.createFunction({ name: 'orders', versions: 1, aliases: { live: '1' } });
    w.createApplication('app');
    await west().cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'orders-errors',
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    );

    const fn = await west().lambda.send(new GetFunctionCommand({ FunctionName: 'orders' }));
    expect(fn.Configuration?.FunctionArn).toBe(
      `arn:aws:lambda:${WEST}:123456789012:function:orders`,
    );
    const alias = await west().lambda.send(
      new GetAliasCommand({ FunctionName: 'orders', Name: 'live' }),
    );
    expect(alias.AliasArn).toBe(`arn:aws:lambda:${WEST}:123456789012:function:orders:live`);
    const alarms = await west().cw.send(new DescribeAlarmsCommand({}));
    expect(alarms.MetricAlarms?.map((a) => a.AlarmArn)).toEqual([
      `arn:aws:cloudwatch:${WEST}:123456789012:alarm:orders-errors`,
    ]);
    await west().cd.send(new GetApplicationCommand({ applicationName: 'app' }));

    await expectAwsError(
      east().lambda.send(new GetFunctionCommand({ FunctionName: 'orders' })),
      'ResourceNotFoundException',
      404,
    );
    await expectAwsError(
      east().cd.send(new GetApplicationCommand({ applicationName: 'app' })),
      'ApplicationDoesNotExistException',
      400,
    );
    expect((await east().cw.send(new DescribeAlarmsCommand({}))).MetricAlarms).toEqual([]);
    // The control API reads each region's own state.
    expect(emu.getAlias('orders', 'live')).toBeUndefined();
    expect(w.getAlias('orders', 'live')?.version).toBe('1');
    expect(w.metricAlarms().map((a) => a.name)).toEqual(['orders-errors']);
    expect(emu.metricAlarms()).toEqual([]);
  });

  it("the call log records each call's region", async () => {
    emu.inRegion(WEST).createFunction({ name: 'orders' });
    await west().lambda.send(new GetFunctionCommand({ FunctionName: 'orders' }));
    await awsError(east().lambda.send(new GetFunctionCommand({ FunctionName: 'orders' })));
    expect(emu.calls.map((c) => [c.region, c.operation, c.status])).toEqual([
      [WEST, 'GetFunction', 200],
      [EAST, 'GetFunction', 404],
    ]);
  });

  it("a fault can be limited to one region, and answers in that region's words", async () => {
    for (const r of [EAST, WEST]) emu.inRegion(r).createFunction({ name: 'orders' });
    emu.injectFault({ service: 'lambda', region: WEST, kind: 'throttle' });
    await east().lambda.send(new GetFunctionCommand({ FunctionName: 'orders' }));
    await expectAwsError(
      west().lambda.send(new GetFunctionCommand({ FunctionName: 'orders' })),
      'TooManyRequestsException',
      429,
    );
    emu.clearFaults();
    emu.injectFault({ kind: 'denied' });
    const denied = await awsError(
      west().lambda.send(new GetFunctionCommand({ FunctionName: 'orders' })),
    );
    expect(denied.message).toContain(
      `on resource: arn:aws:lambda:${WEST}:123456789012:function:orders because`,
    );
    const cdDenied = await awsError(
      west().cd.send(new GetApplicationCommand({ applicationName: 'app' })),
    );
    expect(cdDenied.message).toContain(`arn:aws:codedeploy:${WEST}:123456789012:deploymentgroup:*`);
  });

  it("a trigger's named args may name the region its operation acts on", async () => {
    for (const r of [EAST, WEST])
      emu.inRegion(r).createFunction({ name: 'orders', versions: 2, aliases: { live: '1' } });
    emu.onCall({
      service: 'lambda',
      operation: 'GetAlias',
      op: 'setAlias',
      args: { fn: 'orders', alias: 'live', version: '2', region: WEST },
    });
    expect((await aliasIn(west())).version).toBe('2');
    expect((await aliasIn(east())).version).toBe('1');
  });

  it("alias traffic becomes metrics of the function's own region", async () => {
    for (const r of [EAST, WEST])
      emu.inRegion(r).createFunction({ name: 'orders', versions: 1, aliases: { live: '1' } });
    emu.inRegion(WEST).setTraffic('orders', 'live', { requestsPerMinute: 100 });
    const start = emu.clock.now();
    await emu.clock.sleep(3 * 60_000);
    const invocations = async (c: RegionClients) => {
      const out = await c.cw.send(
        new GetMetricDataCommand({
          StartTime: new Date(start - 60_000),
          EndTime: new Date(emu.clock.now()),
          MetricDataQueries: [{ Id: 'm', MetricStat: lambdaMinuteSum('Invocations', 'orders') }],
        }),
      );
      return (out.MetricDataResults?.[0]?.Values ?? []).reduce((a, b) => a + b, 0);
    };
    expect(await invocations(west())).toBeGreaterThanOrEqual(100);
    expect(await invocations(east())).toBe(0);
  });

  it('over HTTP, `?region=` or a `region` key names the region; a malformed name is refused', async () => {
    const remote = connectEmulator(emu.url, { region: WEST });
    await remote.createFunction({ name: 'orders', versions: 1, aliases: { live: '1' } });
    expect((await aliasIn(west())).version).toBe('1');
    const res = await fetch(`${emu.url}/__emulator/getAlias`, {
      method: 'POST',
      body: JSON.stringify({ fn: 'orders', alias: 'live', region: WEST }),
    });
    expect(((await res.json()) as { result: { version: string } }).result.version).toBe('1');
    expect(await connectEmulator(emu.url).getAlias('orders', 'live')).toBeUndefined();
    await expect(connectEmulator(emu.url, { region: 'moon' }).versions('orders')).rejects.toThrow(
      'invalid region "moon": expected a name like us-west-2',
    );
  });
});

describe('CodeDeploy in a region', () => {
  function seedBoth(alarms?: string[]) {
    for (const r of [EAST, WEST])
      seedRelease(emu.inRegion(r), {
        config: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
        autoRollback: { enabled: true, events: ALL_ROLLBACK_EVENTS },
        ...(alarms ? { alarms } : {}),
      });
  }

  it("a deployment in us-west-2 shifts us-west-2's alias, not us-east-1's, and is unknown in us-east-1", async () => {
    seedBoth();
    const id = await createDeployment(west().cd, { ...base, spec });
    const during = await until(emu, async () => {
      const a = await aliasIn(west());
      return Object.keys(a.weights).length > 0 ? a : undefined;
    });
    expect(during).toEqual({ version: '1', weights: { '2': 0.1 } });
    expect(await aliasIn(east())).toEqual({ version: '1', weights: {} });
    expect((await waitForDeployment(emu, west().cd, id)).status).toBe('Succeeded');
    expect(await aliasIn(west())).toEqual({ version: '2', weights: {} });
    expect(await aliasIn(east())).toEqual({ version: '1', weights: {} });
    expect(emu.aliasHistory('orders', 'live').map((h) => h.version)).toEqual(['1']);
    await expectAwsError(
      east().cd.send(new GetDeploymentCommand({ deploymentId: id })),
      'DeploymentDoesNotExistException',
      400,
    );
    expect(emu.deployments()).toEqual([]);
    expect(
      emu
        .inRegion(WEST)
        .deployments()
        .map((d) => d.id),
    ).toEqual([id]);
  });

  it("a deployment's targets name its region's alias; at most 25 target ids a call", async () => {
    seedBoth();
    const id = await createDeployment(west().cd, { ...base, spec });
    const targets = await until(emu, async () => {
      try {
        const out = await west().cd.send(
          new BatchGetDeploymentTargetsCommand({ deploymentId: id, targetIds: ['orders'] }),
        );
        return out.deploymentTargets;
      } catch {
        return undefined; // DeploymentNotStartedException while Created
      }
    });
    expect(targets.map((t) => t.lambdaTarget?.targetArn)).toEqual([
      `arn:aws:lambda:${WEST}:123456789012:function:orders:live`,
    ]);
    await expectAwsError(
      west().cd.send(
        new BatchGetDeploymentTargetsCommand({
          deploymentId: id,
          targetIds: Array.from({ length: 26 }, () => 'orders'),
        }),
      ),
      'DeploymentTargetListSizeExceededException',
      400,
    );
  });

  it("a deployment watches its own region's alarms", async () => {
    seedBoth(['orders-errors']);
    for (const r of [EAST, WEST]) emu.inRegion(r).setAlarm('orders-errors', 'OK');
    const id = await createDeployment(west().cd, { ...base, spec });
    await until(emu, async () =>
      Object.keys((await aliasIn(west())).weights).length > 0 ? true : undefined,
    );
    emu.setAlarm('orders-errors', 'ALARM'); // us-east-1's alarm of that name
    await emu.clock.sleep(60_000);
    const still = await west().cd.send(new GetDeploymentCommand({ deploymentId: id }));
    expect(still.deploymentInfo?.status).toBe('InProgress');
    emu.inRegion(WEST).setAlarm('orders-errors', 'ALARM');
    const info = await waitForDeployment(emu, west().cd, id);
    expect(info.status).toBe('Stopped');
    expect(info.errorInformation?.code).toBe('ALARM_ACTIVE');
    const rb = info.rollbackInfo?.rollbackDeploymentId as string;
    expect((await waitForDeployment(emu, west().cd, rb)).status).toBe('Succeeded');
    expect(await aliasIn(west())).toEqual({ version: '1', weights: {} });
  });

  it('hook functions run in the deployment’s region', async () => {
    seedBoth();
    const w = emu.inRegion(WEST);
    w.setHook('CodeDeployHook_pre', { result: 'Succeeded' });
    const id = await createDeployment(west().cd, {
      ...base,
      spec: { ...spec, before: 'CodeDeployHook_pre' },
    });
    expect((await waitForDeployment(emu, west().cd, id)).status).toBe('Succeeded');
    const [pre] = w.invocations('CodeDeployHook_pre');
    expect(JSON.parse(pre?.payload ?? '{}').DeploymentId).toBe(id);
    expect(emu.invocations()).toEqual([]);
  });
});

describe('several groups of one application at once', () => {
  it('two deployments run together, each shifting its own alias with its own hooks and alarms', async () => {
    emu.createApplication('shop');
    for (const fn of ['api', 'worker']) {
      emu.createFunction({ name: fn, versions: 2, aliases: { live: '1' } });
      emu.createDeploymentGroup('shop', `${fn}-dg`, {
        deploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent10Minutes',
        alarms: [`${fn}-errors`],
        autoRollback: { enabled: true, events: ALL_ROLLBACK_EVENTS },
      });
      emu.setAlarm(`${fn}-errors`, 'OK');
      emu.setHook(`CodeDeployHook_${fn}`, { result: 'Succeeded' });
    }
    const start = (fn: string) =>
      createDeployment(east().cd, {
        applicationName: 'shop',
        deploymentGroupName: `${fn}-dg`,
        spec: { fn, alias: 'live', current: '1', target: '2', before: `CodeDeployHook_${fn}` },
      });
    const [api, worker] = [await start('api'), await start('worker')];
    await until(emu, async () => {
      const [a, w] = [await aliasIn(east(), 'api'), await aliasIn(east(), 'worker')];
      return a.weights['2'] === 0.1 && w.weights['2'] === 0.1 ? true : undefined;
    });
    const both = await east().cd.send(
      new BatchGetDeploymentsCommand({ deploymentIds: [api, worker] }),
    );
    expect(both.deploymentsInfo?.map((d) => [d.deploymentGroupName, d.status])).toEqual([
      ['api-dg', 'InProgress'],
      ['worker-dg', 'InProgress'],
    ]);

    emu.setAlarm('worker-errors', 'ALARM');
    const stopped = await waitForDeployment(emu, east().cd, worker);
    expect(stopped.status).toBe('Stopped');
    expect(stopped.errorInformation?.message).toMatch(/Activated alarms: <worker-errors>$/);
    expect((await waitForDeployment(emu, east().cd, api)).status).toBe('Succeeded');
    const rb = stopped.rollbackInfo?.rollbackDeploymentId as string;
    expect((await waitForDeployment(emu, east().cd, rb)).status).toBe('Succeeded');

    expect(await aliasIn(east(), 'api')).toEqual({ version: '2', weights: {} });
    expect(await aliasIn(east(), 'worker')).toEqual({ version: '1', weights: {} });
    for (const [fn, id] of [
      ['api', api],
      ['worker', worker],
    ] as const)
      expect(
        emu.invocations(`CodeDeployHook_${fn}`).map((i) => JSON.parse(i.payload).DeploymentId),
      ).toEqual([id]);
  });
});

describe('BatchGetDeployments', () => {
  async function deployments(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      emu.createFunction({ name: `fn-${i}`, versions: 2, aliases: { live: '1' } });
      ids.push(emu.startDeployment('app', `dg-${i}`, `fn-${i}`, 'live', '1', '2'));
    }
    return ids;
  }

  it('answers 25 ids; 26 are refused with BatchLimitExceededException', async () => {
    const ids = await deployments(26);
    const out = await east().cd.send(
      new BatchGetDeploymentsCommand({ deploymentIds: ids.slice(0, 25) }),
    );
    expect(out.deploymentsInfo?.map((d) => d.deploymentId)).toEqual(ids.slice(0, 25));
    await expectAwsError(
      east().cd.send(new BatchGetDeploymentsCommand({ deploymentIds: ids })),
      'BatchLimitExceededException',
      400,
    );
    expect(emu.calls.map((c) => [c.operation, c.status])).toEqual([
      ['BatchGetDeployments', 200],
      ['BatchGetDeployments', 400],
    ]);
  });

  it("leaves out ids it does not know (another region's included); a malformed id is refused", async () => {
    const [id] = await deployments(1);
    const westOnly = emu.inRegion(WEST).startDeployment('app', 'dg', 'w', 'live', '1', '2');
    const out = await east().cd.send(
      new BatchGetDeploymentsCommand({ deploymentIds: ['d-AAAAAAAAA', id as string, westOnly] }),
    );
    expect(out.deploymentsInfo?.map((d) => d.deploymentId)).toEqual([id]);
    await expectAwsError(
      east().cd.send(new BatchGetDeploymentsCommand({ deploymentIds: [id as string, 'nope'] })),
      'InvalidDeploymentIdException',
      400,
    );
    await expectAwsError(
      east().cd.send(new BatchGetDeploymentsCommand({ deploymentIds: [] })),
      'DeploymentIdRequiredException',
      400,
    );
  });
});

describe('S3: one namespace, each bucket in its region', () => {
  it("a request signed for another region than the bucket's is sent back; Lambda reads in its own region", async () => {
    emu.inRegion(WEST).createBucket('west-artifacts');
    emu.inRegion(WEST).createFunction({ name: 'orders' });
    const zip = Buffer.alloc(22);
    zip.writeUInt32LE(0x06054b50, 0); // an empty zip: the end-of-central-directory record
    const put = (c: RegionClients) =>
      c.s3.send(new PutObjectCommand({ Bucket: 'west-artifacts', Key: 'app.zip', Body: zip }));
    await expectAwsError(put(east()), 'PermanentRedirect', 301);
    expect(emu.s3Object('west-artifacts', 'app.zip')).toBeUndefined();
    await put(west());
    // A HEAD answer has no body: only the status (and x-amz-bucket-region) tell.
    const head = { Bucket: 'west-artifacts', Key: 'app.zip' };
    const moved = await awsError(east().s3.send(new HeadObjectCommand(head)));
    expect(moved.status).toBe(301);
    expect((await west().s3.send(new HeadObjectCommand(head))).ContentLength).toBe(zip.length);
    const code = { FunctionName: 'orders', S3Bucket: 'west-artifacts', S3Key: 'app.zip' };
    const updated = await west().lambda.send(new UpdateFunctionCodeCommand(code));
    expect(updated.CodeSize).toBe(zip.length);
  });
});
