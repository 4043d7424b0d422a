// The AWS emulator for tests. Start it with startEmulator() and point the SDK clients
// (endpoint) or the action (AWS_ENDPOINT_URL) at `emu.url`. See README.md.
import { type Clock, ScaledClock } from './clock.ts';
import { CloudWatchModel } from './cloudwatch/model.ts';
import { weightsAt } from './cloudwatch/service.ts';
import { DeploymentEngine } from './codedeploy/engine.ts';
import { CodeDeployModel } from './codedeploy/resources.ts';
import { type ControlApi, dispatchControl } from './control/api.ts';
import { createControls } from './control/controls.ts';
import { LambdaModel } from './lambda/model.ts';
import { OidcTokenService } from './oidc.ts';
import { credentialRefusal, serviceApis, type World } from './registry.ts';
import { S3Model } from './s3/model.ts';
import { type CallRecord, EmulatorServer } from './server.ts';
import { StsModel } from './sts/model.ts';

export type { TrafficSpec, VersionBehaviour } from './cloudwatch/model.ts';
export type { EngineTiming } from './codedeploy/engine.ts';
export type {
  DeploymentInfoLike,
  HookBehaviour,
  TrafficRoutingConfig,
} from './codedeploy/types.ts';
export type { ControlApi, DeploymentGroupOptions, RemoteEmulator } from './control/api.ts';
export { connectEmulator } from './control/api.ts';
export type {
  AliasHistoryEntry,
  CreateFunctionSpec,
  FunctionBehaviour,
  InvocationRecord,
} from './lambda/model.ts';
export type { BucketSpec, S3ObjectView } from './s3/model.ts';
export type { CallRecord, FaultSpec, Service, TriggerSpec } from './server.ts';

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Emulated time runs this many times faster than real time (default 1). */
  timeScale?: number;
  region?: string;
  accountId?: string;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** A clock of the caller's (a benchmark's virtual one); timeScale is then ignored. */
  clock?: Clock;
}

export interface Emulator extends ControlApi {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly region: string;
  readonly accountId: string;
  readonly clock: Clock;
  /** Every AWS call received, in order (timestamps are emulated epoch ms). */
  readonly calls: CallRecord[];
  close(): Promise<void>;
}

function createWorld(opts: EmulatorOptions): World {
  const region = opts.region ?? 'us-east-1';
  const accountId = opts.accountId ?? '123456789012';
  const clock = opts.clock ?? new ScaledClock(opts.timeScale ?? 1);
  const lambda = new LambdaModel(clock, region, accountId);
  const s3 = new S3Model(() => clock.now());
  const codedeploy = new CodeDeployModel(clock, accountId);
  const engine = new DeploymentEngine(clock, lambda, codedeploy, region);
  codedeploy.attach(engine);
  const cloudwatch = new CloudWatchModel({
    now: () => clock.now(),
    aliasWeights: (fn, alias, at) => weightsAt(lambda.aliasHistory(fn, alias), at),
    region,
    accountId,
  });
  // CodeDeploy reads the state of an alarm no test set from CloudWatch, as AWS does.
  engine.useAlarmSource((name) => cloudwatch.alarmState(name));
  const now = () => clock.now();
  const sts = new StsModel(now);
  const oidc = new OidcTokenService({ now });
  return { clock, region, accountId, lambda, s3, codedeploy, engine, cloudwatch, sts, oidc };
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const world = createWorld(opts);
  let server: EmulatorServer | undefined;
  const api = createControls(world, () => {
    if (!server) throw new Error('emulator not started');
    return server;
  });
  server = new EmulatorServer({
    clock: world.clock,
    services: serviceApis(world),
    tick: () => world.engine.advance(),
    routes: [world.oidc],
    refuse: (service, headers, query) => credentialRefusal(world, service, headers, query),
    control: (op, body) => dispatchControl(api, op, body),
  });
  const url = await server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1');
  const s = server;

  const { calls: _calls, clock: _clock, ...controls } = api;
  return {
    ...controls,
    url,
    region: world.region,
    accountId: world.accountId,
    clock: world.clock,
    get calls() {
      return s.calls;
    },
    async close() {
      world.engine.close();
      await s.close();
    },
  };
}
