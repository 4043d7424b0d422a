// The AWS Lambda + CodeDeploy emulator for tests. Start it with startEmulator() and point
// the SDK clients (endpoint) or the action (AWS_ENDPOINT_URL) at `emu.url`.
import { type Clock, ScaledClock } from './clock.ts';
import { CodeDeployService } from './codedeploy.ts';
import {
  type ControlApi,
  type DeploymentGroupOptions,
  dispatchControl,
  type RemoteExtras,
} from './control.ts';
import { appSpecDocument, DeploymentEngine, type DeploymentInfoLike } from './engine.ts';
import { LambdaService } from './lambda.ts';
import { type CallRecord, EmulatorServer } from './server.ts';
import { sha256Hex } from './util.ts';

export type { ControlApi, DeploymentGroupOptions, RemoteEmulator } from './control.ts';
export { connectEmulator } from './control.ts';
export type {
  DeploymentInfoLike,
  EngineTiming,
  HookBehaviour,
  TrafficRoutingConfig,
} from './engine.ts';
export type {
  AliasHistoryEntry,
  CreateFunctionSpec,
  FunctionBehaviour,
  InvocationRecord,
} from './lambda.ts';
export type { CallRecord, FaultSpec } from './server.ts';

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Emulated time runs this many times faster than real time (default 1). */
  timeScale?: number;
  region?: string;
  accountId?: string;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
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

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const region = opts.region ?? 'us-east-1';
  const accountId = opts.accountId ?? '123456789012';
  const clock = new ScaledClock(opts.timeScale ?? 1);
  const lambda = new LambdaService(clock, region, accountId);
  const codedeploy = new CodeDeployService(clock, accountId);
  const engine = new DeploymentEngine(clock, lambda, codedeploy, region);
  codedeploy.attach(engine);

  const defaultRole = `arn:aws:iam::${accountId}:role/CodeDeployServiceRole`;
  let server: EmulatorServer | undefined;
  const srv = () => {
    if (!server) throw new Error('emulator not started');
    return server;
  };

  const api: ControlApi & RemoteExtras = {
    reset() {
      engine.reset();
      lambda.reset();
      codedeploy.reset();
      srv().reset();
    },
    createFunction(spec) {
      lambda.createFunction(spec);
    },
    setFunctionBehaviour(name, b) {
      lambda.setBehaviour(name, b);
    },
    updateCodeOutOfBand(name, code) {
      lambda.updateCodeOutOfBand(name, code);
    },
    setAlias(fn, alias, version, weights) {
      lambda.setAlias(fn, alias, version, weights);
    },
    getAlias(fn, alias) {
      engine.advance();
      return lambda.getAlias(fn, alias);
    },
    aliasHistory(fn, alias) {
      engine.advance();
      return lambda.aliasHistory(fn, alias);
    },
    versions(fn) {
      return lambda.versions(fn);
    },
    invocations(fn) {
      engine.advance();
      return lambda.invocations(fn);
    },
    createApplication(name, computePlatform = 'Lambda') {
      codedeploy.createApplication({ applicationName: name, computePlatform });
    },
    createDeploymentGroup(app, group, o: DeploymentGroupOptions = {}) {
      const alarms = o.alarms ?? [];
      codedeploy.createDeploymentGroup(
        {
          applicationName: app,
          deploymentGroupName: group,
          serviceRoleArn: o.serviceRoleArn ?? defaultRole,
          ...(o.deploymentConfigName !== undefined
            ? { deploymentConfigName: o.deploymentConfigName }
            : {}),
          alarmConfiguration: {
            enabled: alarms.length > 0,
            ignorePollAlarmFailure: o.ignorePollAlarmFailure ?? false,
            alarms: alarms.map((name) => ({ name })),
          },
          ...(o.autoRollback ? { autoRollbackConfiguration: o.autoRollback } : {}),
          deploymentStyle: {
            deploymentType: 'BLUE_GREEN',
            deploymentOption: 'WITH_TRAFFIC_CONTROL',
          },
        },
        o.managedRolePolicy ?? false,
      );
    },
    createDeploymentConfig(name, routing) {
      codedeploy.createDeploymentConfig({
        deploymentConfigName: name,
        computePlatform: 'Lambda',
        trafficRoutingConfig: routing,
      });
    },
    setAlarm(name, state) {
      engine.setAlarm(name, state);
    },
    setHook(functionName, b) {
      if (!lambda.hasFunction(functionName)) lambda.createFunction({ name: functionName });
      engine.setHook(lambda.resolveName(functionName) ?? functionName, b);
    },
    failNextRollback() {
      engine.failNextRollback();
    },
    setTiming(t) {
      engine.setTiming(t);
    },
    startDeployment(app, group, fn, alias, current, target, configName) {
      if (!codedeploy.hasApplication(app))
        codedeploy.createApplication({ applicationName: app, computePlatform: 'Lambda' });
      if (!codedeploy.groupRecord(app, group)) {
        codedeploy.createDeploymentGroup({
          applicationName: app,
          deploymentGroupName: group,
          serviceRoleArn: defaultRole,
          deploymentConfigName: configName ?? 'CodeDeployDefault.LambdaCanary10Percent30Minutes',
        });
      }
      const g = codedeploy.groupRecord(app, group);
      const name =
        configName ??
        (g && codedeploy.configPlatform(g.deploymentConfigName) === 'Lambda'
          ? g.deploymentConfigName
          : 'CodeDeployDefault.LambdaCanary10Percent30Minutes');
      const content = JSON.stringify(
        appSpecDocument({
          functionName: fn,
          alias,
          currentVersion: current,
          targetVersion: target,
          hooks: {},
        }),
      );
      const d = codedeploy.createDeployment({
        applicationName: app,
        deploymentGroupName: group,
        deploymentConfigName: name,
        revision: {
          revisionType: 'AppSpecContent',
          appSpecContent: { content, sha256: sha256Hex(content) },
        },
      });
      engine.advance();
      return d.deploymentId;
    },
    injectFault(f) {
      srv().injectFault(f);
    },
    clearFaults() {
      srv().clearFaults();
    },
    deployments(): DeploymentInfoLike[] {
      engine.advance();
      return engine.all().map((d) => engine.snapshot(d));
    },
    state() {
      engine.advance();
      return {
        clock: { now: clock.now(), scale: clock.scale },
        lambda: { functions: lambda.state() },
        codedeploy: codedeploy.state(),
        engine: engine.state(),
        faults: srv().faults(),
        calls: [...srv().calls],
      };
    },
    calls() {
      return [...srv().calls];
    },
    clock() {
      return { now: clock.now(), scale: clock.scale };
    },
  };

  server = new EmulatorServer({
    clock,
    lambda,
    codedeploy,
    engine,
    control: (op, body) => dispatchControl(api, op, body),
  });
  const url = await server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1');
  const s = server;

  const { calls: _calls, clock: _clock, ...controls } = api;
  const emulator: Emulator = {
    ...controls,
    url,
    region,
    accountId,
    clock,
    get calls() {
      return s.calls;
    },
    async close() {
      engine.close();
      await s.close();
    },
  };
  return emulator;
}
