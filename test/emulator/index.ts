// The AWS emulator for tests. Start it with startEmulator() and point the SDK clients
// (endpoint) or the action (AWS_ENDPOINT_URL) at `emu.url`. See README.md.
import { type Clock, ScaledClock } from './clock.ts';
import { type ControlApi, controlRegion, dispatchControl } from './control/api.ts';
import { createControls } from './control/controls.ts';
import { IamRoles } from './iam.ts';
import { OidcTokenService } from './oidc.ts';
import { Regions, regionName } from './regions.ts';
import { credentialRefusal, type Shared, serviceApis, worldIn } from './registry.ts';
import { S3Model } from './s3/model.ts';
import { type CallRecord, EmulatorServer } from './server.ts';
import { StsModel } from './sts/model.ts';
import { signingRegion } from './sts/signature.ts';

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
  /** The default region: of unsigned calls, and of control operations that name none (us-east-1). */
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
  /** The control operations acting on another region's state (docs/aws-semantics.md#regions). */
  inRegion(region: string): ControlApi;
  close(): Promise<void>;
}

function createShared(opts: EmulatorOptions): Shared {
  const region = regionName(opts.region, 'us-east-1');
  const accountId = opts.accountId ?? '123456789012';
  const clock = opts.clock ?? new ScaledClock(opts.timeScale ?? 1);
  const now = () => clock.now();
  const iam = new IamRoles();
  return {
    clock,
    accountId,
    s3: new S3Model(now),
    sts: new StsModel(now),
    iam,
    oidc: new OidcTokenService({ now }),
    regions: new Regions(clock, accountId, region, iam),
  };
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const shared = createShared(opts);
  const home = shared.regions.defaultRegion;
  let server: EmulatorServer | undefined;
  const views = new Map<string, ReturnType<typeof createControls>>();
  const controlsIn = (region: string) => {
    let view = views.get(region);
    if (!view) {
      view = createControls(worldIn(shared, regionName(region, home)), () => {
        if (!server) throw new Error('emulator not started');
        return server;
      });
      views.set(region, view);
    }
    return view;
  };
  const api = controlsIn(home);
  server = new EmulatorServer({
    clock: shared.clock,
    services: serviceApis(shared),
    regionOf: (headers, query) => signingRegion(headers, query) ?? home,
    tick: () => shared.regions.advance(),
    routes: [shared.oidc],
    refuse: (service, headers, query) => credentialRefusal(shared, service, headers, query),
    control: (op, body, _method, region) => {
      const call = controlRegion(op, body, region);
      return dispatchControl(controlsIn(call.region ?? home), op, call.body);
    },
  });
  const url = await server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1');
  const s = server;

  const { calls: _calls, clock: _clock, ...controls } = api;
  return {
    ...controls,
    url,
    region: home,
    accountId: shared.accountId,
    clock: shared.clock,
    get calls() {
      return s.calls;
    },
    inRegion(region: string) {
      const { calls: _c, clock: _k, ...view } = controlsIn(region);
      return view;
    },
    async close() {
      shared.regions.close();
      await s.close();
    },
  };
}
