// The control operations of control/api.ts, carried out on the emulator's world. Queries
// advance the engine first so what they report matches the clock.
import { appSpecDocument } from '../codedeploy/appspec.ts';
import { snapshot } from '../codedeploy/shapes.ts';
import type { DeploymentInfoLike } from '../codedeploy/types.ts';
import type { World } from '../registry.ts';
import type { EmulatorServer } from '../server.ts';
import { sha256Hex } from '../util.ts';
import type { ControlApi, DeploymentGroupOptions, RemoteExtras } from './api.ts';

const DEFAULT_LAMBDA_CONFIG = 'CodeDeployDefault.LambdaCanary10Percent30Minutes';

type Controls = ControlApi & RemoteExtras;

export function createControls(w: World, server: () => EmulatorServer): Controls {
  return {
    reset() {
      w.regions.reset();
      w.s3.reset();
      w.sts.reset();
      w.iam.reset();
      w.oidc.reset();
      server().reset();
    },
    ...lambdaControls(w),
    ...s3Controls(w),
    ...credentialControls(w),
    ...codeDeployControls(w),
    ...cloudWatchControls(w),
    ...serverControls(w, server),
  };
}

type LambdaControls = Pick<
  Controls,
  | 'createFunction'
  | 'setFunctionBehaviour'
  | 'updateCodeOutOfBand'
  | 'setAlias'
  | 'getAlias'
  | 'aliasHistory'
  | 'versions'
  | 'invocations'
>;

function lambdaControls({ lambda, engine }: World): LambdaControls {
  return {
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
  };
}

type S3Controls = Pick<Controls, 'createBucket' | 's3Object'>;

function s3Controls({ s3, region }: World): S3Controls {
  return {
    createBucket(name, opts = {}) {
      s3.createBucket({
        name,
        region: opts.region ?? region,
        versioning: opts.versioning ?? false,
      });
    },
    s3Object(bucket, key) {
      return s3.view(bucket, key);
    },
  };
}

type ServerControls = Pick<
  Controls,
  'injectFault' | 'clearFaults' | 'onCall' | 'deployments' | 'state' | 'calls' | 'clock'
>;

type CredentialControls = Pick<
  Controls,
  | 'configureRole'
  | 'expireCredentials'
  | 'sessions'
  | 'assumeCalls'
  | 'setOidc'
  | 'oidcEnv'
  | 'oidcTokens'
>;

function credentialControls({ sts, oidc }: World): CredentialControls {
  return {
    configureRole: (spec) => sts.configureRole(spec),
    expireCredentials: (accessKeyId, at) => sts.expire(accessKeyId, at),
    sessions: () => sts.sessions(),
    assumeCalls: () => [...sts.assumeCalls],
    setOidc(o) {
      if (o.subject !== undefined) oidc.subject = o.subject;
      if (o.lifetimeMs !== undefined) oidc.lifetimeMs = o.lifetimeMs;
    },
    oidcEnv: (baseUrl) => oidc.env(baseUrl),
    oidcTokens: () => oidc.issued.map(({ sub, aud, exp }) => ({ sub, aud, exp })),
  };
}

type CloudWatchControls = Pick<Controls, 'setTraffic' | 'setVersionBehaviour' | 'metricAlarms'>;

function cloudWatchControls({ cloudwatch }: World): CloudWatchControls {
  return {
    setTraffic(fn, alias, spec) {
      cloudwatch.setTraffic(fn, alias, spec ?? undefined);
    },
    setVersionBehaviour(fn, version, behaviour) {
      cloudwatch.setVersionBehaviour(fn, version, behaviour);
    },
    metricAlarms() {
      return cloudwatch.alarms().map((a) => ({
        name: a.config.AlarmName,
        state: a.state,
        stateReason: a.stateReason,
      }));
    },
  };
}

type CodeDeployControls = Omit<
  Controls,
  | keyof LambdaControls
  | keyof S3Controls
  | keyof ServerControls
  | keyof CloudWatchControls
  | keyof CredentialControls
  | 'reset'
>;

function codeDeployControls({
  accountId,
  iam,
  lambda,
  codedeploy,
  engine,
  regions,
  cloudwatch,
}: World): CodeDeployControls {
  const defaultRole = `arn:aws:iam::${accountId}:role/CodeDeployServiceRole`;
  return {
    createApplication(name, computePlatform = 'Lambda') {
      codedeploy.createApplication({ applicationName: name, computePlatform });
    },
    createDeploymentGroup(app, group, o: DeploymentGroupOptions = {}) {
      codedeploy.createDeploymentGroup(
        groupInput(app, group, o, defaultRole),
        o.managedRolePolicy ?? false,
      );
    },
    deleteDeploymentGroup(app, group) {
      codedeploy.deleteDeploymentGroup({ applicationName: app, deploymentGroupName: group });
    },
    deleteRole(arn) {
      iam.delete(arn);
    },
    failDeployment(fault = {}) {
      engine.failDeployment(fault);
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
      // The alarm CodeDeploy polls is a CloudWatch alarm: DescribeAlarms sees the same state.
      cloudwatch.setManualAlarm(name, state);
    },
    setHook(functionName, b) {
      if (!lambda.hasFunction(functionName)) lambda.createFunction({ name: functionName });
      engine.setHook(lambda.resolveName(functionName) ?? functionName, b);
    },
    failNextRollback() {
      engine.failNextRollback();
    },
    setTiming(t) {
      regions.setTiming(t);
    },
    startDeployment(app, group, fn, alias, current, target, configName) {
      if (!codedeploy.hasApplication(app))
        codedeploy.createApplication({ applicationName: app, computePlatform: 'Lambda' });
      if (!codedeploy.groupRecord(app, group)) {
        codedeploy.createDeploymentGroup({
          applicationName: app,
          deploymentGroupName: group,
          serviceRoleArn: defaultRole,
          deploymentConfigName: configName ?? DEFAULT_LAMBDA_CONFIG,
        });
      }
      const g = codedeploy.groupRecord(app, group);
      const name =
        configName ??
        (g && codedeploy.configPlatform(g.deploymentConfigName) === 'Lambda'
          ? g.deploymentConfigName
          : DEFAULT_LAMBDA_CONFIG);
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
  };
}

function serverControls(w: World, server: () => EmulatorServer): ServerControls {
  const { clock, lambda, codedeploy, engine, region, regions } = w;
  return {
    injectFault(f) {
      server().injectFault(f);
    },
    clearFaults() {
      server().clearFaults();
    },
    onCall(t) {
      server().onCall(t);
    },
    deployments(): DeploymentInfoLike[] {
      engine.advance();
      return engine.all().map((d) => snapshot(d));
    },
    state() {
      engine.advance();
      return {
        clock: { now: clock.now(), scale: clock.scale },
        region,
        regions: regions.names(),
        lambda: { functions: lambda.state() },
        codedeploy: codedeploy.state(),
        engine: engine.state(),
        iam: w.iam.state(),
        faults: server().faults(),
        triggers: server().triggers(),
        calls: [...server().calls],
      };
    },
    calls() {
      return [...server().calls];
    },
    clock() {
      return { now: clock.now(), scale: clock.scale };
    },
  };
}

/** CreateDeploymentGroup's input for the options a test gives (blue/green, as SAM makes it). */
function groupInput(
  app: string,
  group: string,
  o: DeploymentGroupOptions,
  defaultRole: string,
): Record<string, unknown> {
  const alarms = o.alarms ?? [];
  return {
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
    deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
  };
}
