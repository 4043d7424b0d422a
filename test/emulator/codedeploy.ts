// CodeDeploy (AWS JSON 1.1, CodeDeploy_20141006): applications, deployment groups,
// deployment configs and the deployment API. Deployments themselves run in engine.ts.
// Spec references (§) are to ../../../shared/aws-semantics.md. Error messages that the
// spec does not quote are the emulator's wording; clients must not match on them.
import type { Clock } from './clock.ts';
import {
  type AlarmConfiguration,
  type AutoRollbackConfiguration,
  type DeploymentEngine,
  type DeploymentRecord,
  type EngineHost,
  type GroupView,
  parseLambdaAppSpec,
  type TrafficRoutingConfig,
} from './engine.ts';
import { ApiError, epochSeconds, isRecord, sha256Hex, stableUuid, uuid } from './util.ts';

export type ComputePlatform = 'Server' | 'Lambda' | 'ECS';

interface ApplicationRecord {
  applicationId: string;
  applicationName: string;
  createTime: number;
  computePlatform: ComputePlatform;
}

export interface GroupRecord extends GroupView {
  deploymentGroupId: string;
  applicationName: string;
  deploymentGroupName: string;
  deploymentConfigName: string;
  deploymentStyle: { deploymentType: string; deploymentOption: string };
}

interface ConfigRecord {
  deploymentConfigId: string;
  deploymentConfigName: string;
  computePlatform: ComputePlatform;
  createTime: number;
  trafficRoutingConfig?: TrafficRoutingConfig;
  minimumHealthyHosts?: { type: string; value: number };
  predefined: boolean;
}

export const CODEDEPLOY_MUTATING = new Set([
  'CreateApplication',
  'CreateDeploymentGroup',
  'CreateDeploymentConfig',
  'CreateDeployment',
  'StopDeployment',
  'PutLifecycleEventHookExecutionStatus',
  'ContinueDeployment',
]);

const canary = (p: number, i: number): TrafficRoutingConfig => ({
  type: 'TimeBasedCanary',
  timeBasedCanary: { canaryPercentage: p, canaryInterval: i },
});
const linear = (p: number, i: number): TrafficRoutingConfig => ({
  type: 'TimeBasedLinear',
  timeBasedLinear: { linearPercentage: p, linearInterval: i },
});

/** The 9 predefined Lambda configs exactly as spec §1.1 lists them. */
export const PREDEFINED_LAMBDA_CONFIGS: Record<string, TrafficRoutingConfig> = {
  'CodeDeployDefault.LambdaCanary10Percent5Minutes': canary(10, 5),
  'CodeDeployDefault.LambdaCanary10Percent10Minutes': canary(10, 10),
  'CodeDeployDefault.LambdaCanary10Percent15Minutes': canary(10, 15),
  'CodeDeployDefault.LambdaCanary10Percent30Minutes': canary(10, 30),
  'CodeDeployDefault.LambdaLinear10PercentEvery1Minute': linear(10, 1),
  'CodeDeployDefault.LambdaLinear10PercentEvery2Minutes': linear(10, 2),
  'CodeDeployDefault.LambdaLinear10PercentEvery3Minutes': linear(10, 3),
  'CodeDeployDefault.LambdaLinear10PercentEvery10Minutes': linear(10, 10),
  'CodeDeployDefault.LambdaAllAtOnce': { type: 'AllAtOnce' },
};

const PREDEFINED_OTHER: Omit<ConfigRecord, 'deploymentConfigId' | 'createTime' | 'predefined'>[] = [
  {
    deploymentConfigName: 'CodeDeployDefault.OneAtATime',
    computePlatform: 'Server',
    minimumHealthyHosts: { type: 'HOST_COUNT', value: 1 },
  },
  {
    deploymentConfigName: 'CodeDeployDefault.HalfAtATime',
    computePlatform: 'Server',
    minimumHealthyHosts: { type: 'FLEET_PERCENT', value: 50 },
  },
  {
    deploymentConfigName: 'CodeDeployDefault.AllAtOnce',
    computePlatform: 'Server',
    minimumHealthyHosts: { type: 'HOST_COUNT', value: 0 },
  },
  {
    deploymentConfigName: 'CodeDeployDefault.ECSAllAtOnce',
    computePlatform: 'ECS',
    trafficRoutingConfig: { type: 'AllAtOnce' },
  },
  {
    deploymentConfigName: 'CodeDeployDefault.ECSLinear10PercentEvery1Minutes',
    computePlatform: 'ECS',
    trafficRoutingConfig: linear(10, 1),
  },
  {
    deploymentConfigName: 'CodeDeployDefault.ECSLinear10PercentEvery3Minutes',
    computePlatform: 'ECS',
    trafficRoutingConfig: linear(10, 3),
  },
  {
    deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent5Minutes',
    computePlatform: 'ECS',
    trafficRoutingConfig: canary(10, 5),
  },
  {
    deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent15Minutes',
    computePlatform: 'ECS',
    trafficRoutingConfig: canary(10, 15),
  },
];

const LAMBDA_SUPPORT_LAUNCH = Date.UTC(2017, 10, 28);
const CONFIG_NAME = /^[A-Za-z0-9._+=,@-]{1,100}$/;
const ROLLBACK_EVENTS = new Set([
  'DEPLOYMENT_FAILURE',
  'DEPLOYMENT_STOP_ON_ALARM',
  'DEPLOYMENT_STOP_ON_REQUEST',
]);
const STATUSES = new Set([
  'Created',
  'Queued',
  'InProgress',
  'Baking',
  'Succeeded',
  'Failed',
  'Stopped',
  'Ready',
]);
/** Page size of the list operations (the emulator's choice; clients must follow nextToken). */
const PAGE = 25;
const MAX_CUSTOM_CONFIGS = 50;

const err = (code: string, message: string) => new ApiError(400, code, message);

export class CodeDeployService implements EngineHost {
  readonly #clock: Clock;
  readonly #accountId: string;
  #engine: DeploymentEngine | undefined;
  readonly #apps = new Map<string, ApplicationRecord>();
  readonly #groups = new Map<string, GroupRecord>();
  readonly #configs = new Map<string, ConfigRecord>();

  constructor(clock: Clock, accountId: string) {
    this.#clock = clock;
    this.#accountId = accountId;
    this.reset();
  }

  attach(engine: DeploymentEngine): void {
    this.#engine = engine;
  }

  get #eng(): DeploymentEngine {
    if (!this.#engine) throw new Error('engine not attached');
    return this.#engine;
  }

  reset(): void {
    this.#apps.clear();
    this.#groups.clear();
    this.#configs.clear();
    for (const [name, trc] of Object.entries(PREDEFINED_LAMBDA_CONFIGS)) {
      this.#configs.set(name, {
        deploymentConfigId: stableUuid(name),
        deploymentConfigName: name,
        computePlatform: 'Lambda',
        createTime: LAMBDA_SUPPORT_LAUNCH,
        trafficRoutingConfig: trc,
        predefined: true,
      });
    }
    for (const c of PREDEFINED_OTHER) {
      this.#configs.set(c.deploymentConfigName, {
        ...c,
        deploymentConfigId: stableUuid(c.deploymentConfigName),
        createTime: LAMBDA_SUPPORT_LAUNCH,
        predefined: true,
      });
    }
  }

  // ------------------------------------------------------------------ EngineHost

  group(app: string, group: string): GroupView | undefined {
    return this.#groups.get(groupKey(app, group));
  }

  routing(configName: string): TrafficRoutingConfig | undefined {
    return this.#configs.get(configName)?.trafficRoutingConfig;
  }

  groupRecord(app: string, group: string): GroupRecord | undefined {
    return this.#groups.get(groupKey(app, group));
  }

  configPlatform(name: string): ComputePlatform | undefined {
    return this.#configs.get(name)?.computePlatform;
  }

  hasApplication(name: string): boolean {
    return this.#apps.has(name);
  }

  // ------------------------------------------------------------------ dispatch

  handle(operation: string, body: Record<string, unknown>): unknown {
    switch (operation) {
      case 'CreateApplication':
        return this.createApplication(body);
      case 'GetApplication':
        return { application: this.#applicationInfo(this.#app(body['applicationName'])) };
      case 'ListApplications':
        return this.#list([...this.#apps.keys()].sort(), body['nextToken'], 'applications');
      case 'CreateDeploymentGroup':
        return this.createDeploymentGroup(body);
      case 'GetDeploymentGroup':
        return this.#getDeploymentGroup(body);
      case 'ListDeploymentGroups': {
        const app = this.#app(body['applicationName']);
        const names = [...this.#groups.values()]
          .filter((g) => g.applicationName === app.applicationName)
          .map((g) => g.deploymentGroupName)
          .sort();
        return {
          applicationName: app.applicationName,
          ...this.#list(names, body['nextToken'], 'deploymentGroups'),
        };
      }
      case 'GetDeploymentConfig':
        return this.#getDeploymentConfig(body);
      case 'CreateDeploymentConfig':
        return this.createDeploymentConfig(body);
      case 'ListDeploymentConfigs':
        return this.#list([...this.#configs.keys()], body['nextToken'], 'deploymentConfigsList');
      case 'CreateDeployment':
        return { deploymentId: this.createDeployment(body).deploymentId };
      case 'GetDeployment':
        return {
          deploymentInfo: this.#eng.info(this.#eng.requireDeployment(body['deploymentId'])),
        };
      case 'BatchGetDeployments':
        return this.#batchGetDeployments(body);
      case 'StopDeployment': {
        const d = this.#eng.requireDeployment(body['deploymentId']);
        if (!this.#groups.has(groupKey(d.applicationName, d.deploymentGroupName))) {
          throw err(
            'DeploymentGroupDoesNotExistException',
            `No Deployment Group found for name: ${d.deploymentGroupName}`,
          );
        }
        const flag = body['autoRollbackEnabled'];
        return this.#eng.stop(d.deploymentId, typeof flag === 'boolean' ? flag : undefined);
      }
      case 'ContinueDeployment': {
        this.#eng.requireDeployment(body['deploymentId']);
        throw err(
          'UnsupportedActionForDeploymentTypeException',
          'ContinueDeployment is only supported for EC2/On-premises and Amazon ECS blue/green deployments.',
        );
      }
      case 'ListDeployments':
        return this.#listDeployments(body);
      case 'ListDeploymentTargets':
        return this.#listDeploymentTargets(body);
      case 'BatchGetDeploymentTargets':
        return this.#batchGetDeploymentTargets(body);
      case 'GetDeploymentTarget': {
        const d = this.#eng.requireDeployment(body['deploymentId']);
        const id = body['targetId'];
        if (typeof id !== 'string' || id === '')
          throw err('DeploymentTargetIdRequiredException', 'A deployment target ID is required.');
        const t = this.#eng.target(d, id);
        if (!t)
          throw err(
            'DeploymentTargetDoesNotExistException',
            `The deployment target ${id} does not exist.`,
          );
        return { deploymentTarget: t };
      }
      case 'PutLifecycleEventHookExecutionStatus': {
        const id = this.#eng.putHookStatus(
          body['deploymentId'],
          body['lifecycleEventHookExecutionId'],
          body['status'],
        );
        return { lifecycleEventHookExecutionId: id };
      }
      default:
        throw err(
          'UnknownOperationException',
          `The operation ${operation} is not supported by the emulator.`,
        );
    }
  }

  // ------------------------------------------------------------------ applications

  #appName(v: unknown): string {
    return requiredName(
      v,
      [
        'ApplicationNameRequiredException',
        'The minimum number of required application names was not specified.',
      ],
      [
        'InvalidApplicationNameException',
        'The application name was specified in an invalid format.',
      ],
    );
  }

  #app(v: unknown): ApplicationRecord {
    const name = this.#appName(v);
    const app = this.#apps.get(name);
    if (!app)
      throw err('ApplicationDoesNotExistException', `No application found for name: ${name}`);
    return app;
  }

  #applicationInfo(a: ApplicationRecord): Record<string, unknown> {
    return {
      applicationId: a.applicationId,
      applicationName: a.applicationName,
      createTime: epochSeconds(a.createTime),
      linkedToGitHub: false,
      computePlatform: a.computePlatform,
    };
  }

  createApplication(body: Record<string, unknown>): { applicationId: string } {
    const name = this.#appName(body['applicationName']);
    const platform = body['computePlatform'] ?? 'Server';
    if (platform !== 'Server' && platform !== 'Lambda' && platform !== 'ECS')
      throw err(
        'InvalidComputePlatformException',
        `The computePlatform is invalid: ${String(platform)}`,
      );
    if (this.#apps.has(name))
      throw err('ApplicationAlreadyExistsException', `${name} already exists in your account`);
    const app: ApplicationRecord = {
      applicationId: uuid(),
      applicationName: name,
      createTime: this.#clock.now(),
      computePlatform: platform,
    };
    this.#apps.set(name, app);
    return { applicationId: app.applicationId };
  }

  // ------------------------------------------------------------------ deployment groups

  #groupName(v: unknown): string {
    return requiredName(
      v,
      ['DeploymentGroupNameRequiredException', 'The deployment group name was not specified.'],
      [
        'InvalidDeploymentGroupNameException',
        'The deployment group name was specified in an invalid format.',
      ],
    );
  }

  #group(app: ApplicationRecord, v: unknown): GroupRecord {
    const name = this.#groupName(v);
    const g = this.#groups.get(groupKey(app.applicationName, name));
    if (!g)
      throw err(
        'DeploymentGroupDoesNotExistException',
        `No Deployment Group found for name: ${name}`,
      );
    return g;
  }

  /** An existing config by name, with CodeDeploy's errors for a malformed or unknown name. */
  #config(name: unknown): ConfigRecord {
    if (typeof name !== 'string' || !CONFIG_NAME.test(name))
      throw err(
        'InvalidDeploymentConfigNameException',
        'The deployment configuration name was specified in an invalid format.',
      );
    const c = this.#configs.get(name);
    if (!c)
      throw err(
        'DeploymentConfigDoesNotExistException',
        `No deployment configuration found for name: ${name}`,
      );
    return c;
  }

  #configFor(name: unknown, platform: ComputePlatform): ConfigRecord {
    const c = this.#config(name);
    if (c.computePlatform !== platform) {
      // [unverified] wording; a config of another compute platform is refused.
      throw err(
        'InvalidDeploymentConfigNameException',
        `The deployment configuration ${name} is for the ${c.computePlatform} compute platform, not ${platform}.`,
      );
    }
    return c;
  }

  createDeploymentGroup(
    body: Record<string, unknown>,
    managedRolePolicy = false,
  ): { deploymentGroupId: string } {
    const app = this.#app(body['applicationName']);
    const name = this.#groupName(body['deploymentGroupName']);
    const role = body['serviceRoleArn'];
    if (typeof role !== 'string' || role === '')
      throw err('RoleRequiredException', 'The role ID was not specified.');
    if (!/^arn:aws[a-zA-Z-]*:iam::\d{12}:role\/.+/.test(role))
      throw err('InvalidRoleException', 'The service role ARN was specified in an invalid format.');
    if (this.#groups.has(groupKey(app.applicationName, name)))
      throw err(
        'DeploymentGroupAlreadyExistsException',
        `The deployment group ${name} already exists for application ${app.applicationName}.`,
      );
    // Without a config the model says CodeDeployDefault.OneAtATime is used; that config is
    // for Server, so a Lambda deployment relying on it is refused at CreateDeployment.
    const configName = body['deploymentConfigName'] ?? 'CodeDeployDefault.OneAtATime';
    if (body['deploymentConfigName'] !== undefined)
      this.#configFor(configName, app.computePlatform);
    const alarmConfiguration = validateAlarmConfig(body['alarmConfiguration']) ?? {
      enabled: false,
      ignorePollAlarmFailure: false,
      alarms: [],
    };
    const autoRollbackConfiguration = validateRollbackConfig(body['autoRollbackConfiguration']) ?? {
      enabled: false,
      events: [],
    };
    let deploymentStyle = {
      deploymentType: 'BLUE_GREEN',
      deploymentOption: 'WITH_TRAFFIC_CONTROL',
    };
    const style = body['deploymentStyle'];
    if (style !== undefined) {
      if (!isRecord(style))
        throw err('InvalidDeploymentStyleException', 'The deployment style is invalid.');
      const type = style['deploymentType'] ?? 'BLUE_GREEN';
      const option = style['deploymentOption'] ?? 'WITH_TRAFFIC_CONTROL';
      if (
        app.computePlatform !== 'Server' &&
        (type !== 'BLUE_GREEN' || option !== 'WITH_TRAFFIC_CONTROL')
      ) {
        // Lambda requires blue/green with traffic control ([unverified] wording).
        throw err(
          'InvalidDeploymentStyleException',
          `The deployment style ${String(type)}/${String(option)} is not supported for the ${app.computePlatform} compute platform.`,
        );
      }
      deploymentStyle = { deploymentType: String(type), deploymentOption: String(option) };
    }
    const g: GroupRecord = {
      deploymentGroupId: uuid(),
      applicationName: app.applicationName,
      deploymentGroupName: name,
      deploymentConfigName: String(configName),
      serviceRoleArn: role,
      alarmConfiguration,
      autoRollbackConfiguration,
      deploymentStyle,
      managedRolePolicy,
    };
    this.#groups.set(groupKey(app.applicationName, name), g);
    return { deploymentGroupId: g.deploymentGroupId };
  }

  #getDeploymentGroup(body: Record<string, unknown>): unknown {
    const app = this.#app(body['applicationName']);
    const g = this.#group(app, body['deploymentGroupName']);
    const last = this.#eng.lastDeployments(g.applicationName, g.deploymentGroupName);
    const lastInfo = (d: DeploymentRecord) => ({
      deploymentId: d.deploymentId,
      status: d.status,
      ...(d.completeTime !== undefined ? { endTime: epochSeconds(d.completeTime) } : {}),
      createTime: epochSeconds(d.createTime),
    });
    return {
      deploymentGroupInfo: {
        applicationName: g.applicationName,
        deploymentGroupId: g.deploymentGroupId,
        deploymentGroupName: g.deploymentGroupName,
        deploymentConfigName: g.deploymentConfigName,
        ec2TagFilters: [],
        onPremisesInstanceTagFilters: [],
        autoScalingGroups: [],
        serviceRoleArn: g.serviceRoleArn,
        triggerConfigurations: [],
        alarmConfiguration: structuredClone(g.alarmConfiguration),
        autoRollbackConfiguration: structuredClone(g.autoRollbackConfiguration),
        deploymentStyle: { ...g.deploymentStyle },
        outdatedInstancesStrategy: 'UPDATE',
        ...(last.successful ? { lastSuccessfulDeployment: lastInfo(last.successful) } : {}),
        ...(last.attempted ? { lastAttemptedDeployment: lastInfo(last.attempted) } : {}),
        computePlatform: app.computePlatform,
        terminationHookEnabled: false,
      },
    };
  }

  // ------------------------------------------------------------------ deployment configs

  #getDeploymentConfig(body: Record<string, unknown>): unknown {
    const name = body['deploymentConfigName'];
    if (name === undefined || name === null || name === '')
      throw err(
        'DeploymentConfigNameRequiredException',
        'The deployment configuration name was not specified.',
      );
    const c = this.#config(name);
    return {
      deploymentConfigInfo: {
        deploymentConfigId: c.deploymentConfigId,
        deploymentConfigName: c.deploymentConfigName,
        ...(c.minimumHealthyHosts ? { minimumHealthyHosts: { ...c.minimumHealthyHosts } } : {}),
        createTime: epochSeconds(c.createTime),
        computePlatform: c.computePlatform,
        ...(c.trafficRoutingConfig
          ? { trafficRoutingConfig: structuredClone(c.trafficRoutingConfig) }
          : {}),
      },
    };
  }

  /** CreateDeploymentConfig with the validation of spec §1.2. */
  createDeploymentConfig(body: Record<string, unknown>): { deploymentConfigId: string } {
    const name = body['deploymentConfigName'];
    if (name === undefined || name === null || name === '')
      throw err(
        'DeploymentConfigNameRequiredException',
        'The deployment configuration name was not specified.',
      );
    if (typeof name !== 'string' || !CONFIG_NAME.test(name))
      throw err(
        'InvalidDeploymentConfigNameException',
        'The deployment configuration name was specified in an invalid format.',
      );
    if (name.startsWith('CodeDeployDefault.'))
      throw err(
        'InvalidDeploymentConfigNameException',
        'The deployment configuration name cannot start with CodeDeployDefault.',
      );
    const platform = body['computePlatform'] ?? 'Server';
    if (platform !== 'Server' && platform !== 'Lambda' && platform !== 'ECS')
      throw err(
        'InvalidComputePlatformException',
        `The computePlatform is invalid: ${String(platform)}`,
      );
    let trc: TrafficRoutingConfig | undefined;
    let mhh: { type: string; value: number } | undefined;
    if (platform === 'Server') {
      const m = body['minimumHealthyHosts'];
      if (
        !isRecord(m) ||
        (m['type'] !== 'HOST_COUNT' && m['type'] !== 'FLEET_PERCENT') ||
        typeof m['value'] !== 'number'
      )
        throw err(
          'InvalidMinimumHealthyHostValueException',
          'The minimum healthy instance value was specified in an invalid format.',
        );
      mhh = { type: m['type'], value: m['value'] };
    } else {
      if (body['minimumHealthyHosts'] !== undefined)
        throw err(
          'InvalidMinimumHealthyHostValueException',
          `minimumHealthyHosts is not supported for the ${platform} compute platform.`,
        );
      if (body['zonalConfig'] !== undefined)
        throw err(
          'InvalidZonalDeploymentConfigurationException',
          'zonalConfig is only supported for the Server compute platform.',
        );
      trc = validateTrafficRouting(body['trafficRoutingConfig']);
    }
    if (this.#configs.has(name))
      throw err(
        'DeploymentConfigAlreadyExistsException',
        `Deployment Configuration already exists with name: ${name}`,
      );
    const custom = [...this.#configs.values()].filter((c) => !c.predefined).length;
    if (custom >= MAX_CUSTOM_CONFIGS)
      throw err(
        'DeploymentConfigLimitExceededException',
        'The deployment configurations limit was exceeded.',
      );
    const c: ConfigRecord = {
      deploymentConfigId: uuid(),
      deploymentConfigName: name,
      computePlatform: platform,
      createTime: this.#clock.now(),
      ...(trc ? { trafficRoutingConfig: trc } : {}),
      ...(mhh ? { minimumHealthyHosts: mhh } : {}),
      predefined: false,
    };
    this.#configs.set(name, c);
    return { deploymentConfigId: c.deploymentConfigId };
  }

  // ------------------------------------------------------------------ deployments

  /** CreateDeployment's synchronous checks (spec §2.2, §2.3), then hand over to the engine. */
  createDeployment(body: Record<string, unknown>): DeploymentRecord {
    const app = this.#app(body['applicationName']);
    const g = this.#group(app, body['deploymentGroupName']);
    const rev = body['revision'];
    if (!isRecord(rev))
      throw err('RevisionRequiredException', 'RevisionLocation must be specified');
    const type = rev['revisionType'];
    let holder: unknown;
    if (type === 'AppSpecContent') holder = rev['appSpecContent'];
    else if (type === 'String') holder = rev['string'];
    else if (type === 'S3') {
      // The emulator has no S3: no bundle can be found there.
      throw err(
        'RevisionDoesNotExistException',
        'The named revision does not exist with the IAM user or AWS account.',
      );
    } else if (type === 'GitHub') {
      throw err(
        'InvalidRevisionException',
        'GitHub revisions are not supported for the Lambda compute platform.',
      );
    } else {
      throw err('InvalidRevisionException', `The revision type ${String(type)} is invalid.`);
    }
    if (!isRecord(holder) || typeof holder['content'] !== 'string' || holder['content'] === '')
      throw err('InvalidRevisionException', 'The AppSpec content must be specified.');
    const content = holder['content'];
    const sha = holder['sha256'];
    if (sha !== undefined && sha !== null) {
      // [unverified] A wrong sha256 is modelled as rejected (stricter). It is lowercase hex
      // of the exact content; an uppercase digest is refused too.
      if (typeof sha !== 'string' || sha !== sha256Hex(content)) {
        throw err(
          'InvalidRevisionException',
          'The SHA256 hash of the AppSpec content does not match the specified sha256 value.',
        );
      }
    }
    if (app.computePlatform !== 'Lambda') {
      throw err(
        'InvalidRevisionException',
        `The emulator runs deployments for the Lambda compute platform only; application ${app.applicationName} is ${app.computePlatform}.`,
      );
    }
    if (body['ignoreApplicationStopFailures'] === true)
      throw err(
        'InvalidIgnoreApplicationStopFailuresValueException',
        'ignoreApplicationStopFailures must be false for the Lambda compute platform.',
      );
    if (body['updateOutdatedInstancesOnly'] === true)
      throw err(
        'InvalidUpdateOutdatedInstancesOnlyValueException',
        'updateOutdatedInstancesOnly must be false for the Lambda compute platform.',
      );
    if (body['targetInstances'] !== undefined && body['targetInstances'] !== null)
      throw err(
        'InvalidTargetInstancesException',
        'targetInstances is not supported for the Lambda compute platform.',
      );
    const configName = body['deploymentConfigName'] ?? g.deploymentConfigName;
    this.#configFor(configName, 'Lambda');
    const description = body['description'];
    if (description !== undefined && typeof description !== 'string')
      throw err('InvalidInputException', 'The description must be a string.');
    // The older UG caps descriptions at 100 characters; the model has no max (stricter).
    if (typeof description === 'string' && description.length > 100)
      throw err('DescriptionTooLongException', 'The description is too long.');
    const overrideAlarm = validateAlarmConfig(body['overrideAlarmConfiguration']);
    const overrideRollback = validateRollbackConfig(body['autoRollbackConfiguration']);
    const active = this.#eng.activeIn(app.applicationName, g.deploymentGroupName);
    if (active) {
      throw err(
        'DeploymentLimitExceededException',
        `The Deployment Group '${g.deploymentGroupName}' already has an active Deployment '${active.deploymentId}'`,
      );
    }
    return this.#eng.create({
      applicationName: app.applicationName,
      deploymentGroupName: g.deploymentGroupName,
      deploymentConfigName: String(configName),
      ...(typeof description === 'string' ? { description } : {}),
      revision: {
        revisionType: type,
        [type === 'String' ? 'string' : 'appSpecContent']: { sha256: sha256Hex(content) },
      },
      content,
      autoRollbackConfiguration: overrideRollback ?? structuredClone(g.autoRollbackConfiguration),
      autoRollbackOverridden: overrideRollback !== undefined,
      ...(overrideAlarm ? { overrideAlarmConfiguration: overrideAlarm } : {}),
    });
  }

  #batchGetDeployments(body: Record<string, unknown>): unknown {
    const ids = body['deploymentIds'];
    if (!Array.isArray(ids) || ids.length === 0)
      throw err('DeploymentIdRequiredException', 'At least one deployment ID must be specified.');
    if (ids.length > 25)
      throw err(
        'BatchLimitExceededException',
        'The maximum number of names or IDs allowed for this request (25) was exceeded.',
      );
    const out: unknown[] = [];
    for (const id of ids) {
      if (typeof id !== 'string' || !/^d-[A-Z0-9]{9}$/.test(id))
        throw err(
          'InvalidDeploymentIdException',
          `Specified DeploymentId is not in the valid format: ${String(id)}`,
        );
      const d = this.#eng.get(id);
      if (d) out.push(this.#eng.info(d));
    }
    return { deploymentsInfo: out };
  }

  #listDeployments(body: Record<string, unknown>): unknown {
    const appName = body['applicationName'];
    const groupName = body['deploymentGroupName'];
    let app: ApplicationRecord | undefined;
    let group: GroupRecord | undefined;
    if (appName !== undefined || groupName !== undefined) {
      // applicationName and deploymentGroupName go together (§4.5).
      if (appName === undefined)
        throw err(
          'ApplicationNameRequiredException',
          'If deploymentGroupName is specified, applicationName must be specified too.',
        );
      app = this.#app(appName);
      if (groupName === undefined)
        throw err(
          'DeploymentGroupNameRequiredException',
          'If applicationName is specified, deploymentGroupName must be specified too.',
        );
      group = this.#group(app, groupName);
    }
    const statuses = body['includeOnlyStatuses'];
    if (statuses !== undefined) {
      if (
        !Array.isArray(statuses) ||
        statuses.some((s) => typeof s !== 'string' || !STATUSES.has(s))
      )
        throw err(
          'InvalidDeploymentStatusException',
          'The specified deployment status is invalid.',
        );
    }
    const range = body['createTimeRange'];
    const start =
      isRecord(range) && typeof range['start'] === 'number' ? range['start'] * 1000 : undefined;
    const end =
      isRecord(range) && typeof range['end'] === 'number' ? range['end'] * 1000 : undefined;
    const ids = this.#eng
      .all()
      .filter((d) => !app || d.applicationName === app.applicationName)
      .filter((d) => !group || d.deploymentGroupName === group.deploymentGroupName)
      .filter((d) => !Array.isArray(statuses) || statuses.includes(d.status))
      .filter(
        (d) =>
          (start === undefined || d.createTime >= start) &&
          (end === undefined || d.createTime <= end),
      )
      .reverse()
      .sort((a, b) => b.createTime - a.createTime)
      .map((d) => d.deploymentId);
    return this.#list(ids, body['nextToken'], 'deployments');
  }

  #listDeploymentTargets(body: Record<string, unknown>): unknown {
    const d = this.#eng.requireDeployment(body['deploymentId']);
    let ids = this.#eng.targetIds(d);
    const filters = body['targetFilters'];
    if (filters !== undefined && filters !== null) {
      if (!isRecord(filters))
        throw err('InvalidTargetFilterNameException', 'The target filter is invalid.');
      for (const [k, v] of Object.entries(filters)) {
        if (k !== 'TargetStatus' && k !== 'ServerInstanceLabel')
          throw err('InvalidTargetFilterNameException', `The target filter name ${k} is invalid.`);
        if (k === 'TargetStatus' && Array.isArray(v) && v.length > 0) {
          ids = ids.filter((id) => {
            const t = this.#eng.target(d, id);
            const lt = isRecord(t) && isRecord(t['lambdaTarget']) ? t['lambdaTarget'] : undefined;
            return lt !== undefined && v.includes(lt['status']);
          });
        }
        if (k === 'ServerInstanceLabel' && Array.isArray(v) && v.length > 0) ids = [];
      }
    }
    return this.#list(ids, body['nextToken'], 'targetIds');
  }

  #batchGetDeploymentTargets(body: Record<string, unknown>): unknown {
    const d = this.#eng.requireDeployment(body['deploymentId']);
    const ids = body['targetIds'];
    if (!Array.isArray(ids) || ids.length === 0)
      throw err('DeploymentTargetIdRequiredException', 'A deployment target ID is required.');
    if (ids.length > 25)
      throw err(
        'DeploymentTargetListSizeExceededException',
        'The maximum number of targets that can be returned is 25.',
      );
    this.#eng.targetIds(d); // DeploymentNotStartedException while Created
    const out: unknown[] = [];
    for (const id of ids) {
      if (typeof id !== 'string' || id === '')
        throw err('InvalidDeploymentTargetIdException', 'The target ID provided was not valid.');
      const t = this.#eng.target(d, id);
      if (!t)
        throw err(
          'DeploymentTargetDoesNotExistException',
          `The deployment target ${id} does not exist.`,
        );
      out.push(t);
    }
    return { deploymentTargets: out };
  }

  #list(items: string[], token: unknown, key: string): Record<string, unknown> {
    let start = 0;
    if (token !== undefined && token !== null && token !== '') {
      const n =
        typeof token === 'string'
          ? Number(Buffer.from(token, 'base64').toString('utf8'))
          : Number.NaN;
      if (!Number.isInteger(n) || n < 0 || n > items.length)
        throw err(
          'InvalidNextTokenException',
          'The next token was specified in an invalid format.',
        );
      start = n;
    }
    const page = items.slice(start, start + PAGE);
    const end = start + page.length;
    return {
      [key]: page,
      ...(end < items.length ? { nextToken: Buffer.from(String(end)).toString('base64') } : {}),
    };
  }

  state(): unknown {
    return {
      accountId: this.#accountId,
      applications: [...this.#apps.values()],
      deploymentGroups: [...this.#groups.values()],
      deploymentConfigs: [...this.#configs.values()].filter((c) => !c.predefined),
    };
  }
}

function groupKey(app: string, group: string): string {
  return `${app}\u0000${group}`;
}

/** alarmConfiguration / overrideAlarmConfiguration checks (spec §5). */
export function validateAlarmConfig(v: unknown): AlarmConfiguration | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v)) throw err('InvalidAlarmConfigException', 'The alarm configuration is invalid.');
  const raw = v['alarms'] ?? [];
  if (!Array.isArray(raw))
    throw err('InvalidAlarmConfigException', 'The alarm configuration is invalid.');
  // The model caps a group at 10 alarms; the quotas page says 50. The stricter 10 is used.
  if (raw.length > 10)
    throw err(
      'AlarmsLimitExceededException',
      'The maximum number of alarms for a deployment group (10) was exceeded.',
    );
  const names: string[] = [];
  for (const a of raw) {
    const name = isRecord(a) ? a['name'] : undefined;
    if (typeof name !== 'string' || name.length < 1 || name.length > 255)
      throw err(
        'InvalidAlarmConfigException',
        'Alarm names must be between 1 and 255 characters long.',
      );
    if (names.includes(name))
      throw err('InvalidAlarmConfigException', `The alarm ${name} is specified more than once.`);
    names.push(name);
  }
  const enabled = v['enabled'] === true;
  if (enabled && names.length === 0) {
    // [unverified] enabled with no alarm: refused (stricter).
    throw err(
      'InvalidAlarmConfigException',
      'At least one alarm must be specified when the alarm configuration is enabled.',
    );
  }
  return {
    enabled,
    ignorePollAlarmFailure: v['ignorePollAlarmFailure'] === true,
    alarms: names.map((name) => ({ name })),
  };
}

/** autoRollbackConfiguration checks (spec §5): enabled needs a valid, non-empty event list. */
export function validateRollbackConfig(v: unknown): AutoRollbackConfiguration | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v))
    throw err(
      'InvalidAutoRollbackConfigException',
      'The automatic rollback configuration is invalid.',
    );
  const enabled = v['enabled'] === true;
  const events = v['events'] ?? [];
  if (
    !Array.isArray(events) ||
    events.some((e) => typeof e !== 'string' || !ROLLBACK_EVENTS.has(e))
  )
    throw err(
      'InvalidAutoRollbackConfigException',
      'The automatic rollback configuration contains an invalid event.',
    );
  if (enabled && events.length === 0)
    throw err(
      'InvalidAutoRollbackConfigException',
      'At least one event must be specified when automatic rollback is enabled.',
    );
  return { enabled, events: [...new Set(events as string[])] };
}

/** trafficRoutingConfig checks (spec §1.2): ≤99% per increment, ≤2880 minutes of shifting. */
export function validateTrafficRouting(v: unknown): TrafficRoutingConfig {
  const bad = (m: string) => err('InvalidTrafficRoutingConfigurationException', m);
  if (!isRecord(v))
    throw bad('A traffic routing configuration is required for this compute platform.');
  const type = v['type'];
  const pct = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 99;
  const mins = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 1;
  if (type === 'AllAtOnce') {
    if (v['timeBasedCanary'] != null || v['timeBasedLinear'] != null)
      throw bad('AllAtOnce takes no timeBasedCanary or timeBasedLinear settings.');
    return { type: 'AllAtOnce' };
  }
  if (type === 'TimeBasedCanary') {
    const c = v['timeBasedCanary'];
    if (!isRecord(c) || v['timeBasedLinear'] != null)
      throw bad('TimeBasedCanary requires timeBasedCanary settings only.');
    const p = c['canaryPercentage'];
    const i = c['canaryInterval'];
    if (!pct(p)) throw bad('canaryPercentage must be an integer between 1 and 99.');
    if (!mins(i) || (i as number) > 2880)
      throw bad('canaryInterval must be an integer between 1 and 2880 minutes.');
    return canary(p as number, i as number);
  }
  if (type === 'TimeBasedLinear') {
    const l = v['timeBasedLinear'];
    if (!isRecord(l) || v['timeBasedCanary'] != null)
      throw bad('TimeBasedLinear requires timeBasedLinear settings only.');
    const p = l['linearPercentage'];
    const i = l['linearInterval'];
    if (!pct(p)) throw bad('linearPercentage must be an integer between 1 and 99.');
    if (!mins(i)) throw bad('linearInterval must be a positive integer number of minutes.');
    const span = (Math.ceil(100 / (p as number)) - 1) * (i as number);
    if (span > 2880)
      throw bad(
        'The time between the first and the last traffic shift cannot exceed 2880 minutes.',
      );
    return linear(p as number, i as number);
  }
  throw bad(`The traffic routing type ${String(type)} is invalid.`);
}

/** Does the content parse as a Lambda AppSpec? (exported for tests and tools) */
export function checkAppSpec(content: string): string | undefined {
  const r = parseLambdaAppSpec(content);
  return 'error' in r ? r.error : undefined;
}

/** A required name of at most 100 characters, with CodeDeploy's error for each way it is wrong. */
function requiredName(
  v: unknown,
  missing: [code: string, message: string],
  invalid: [code: string, message: string],
): string {
  if (v === undefined || v === null || v === '') throw err(...missing);
  if (typeof v !== 'string' || v.length > 100) throw err(...invalid);
  return v;
}
