// CodeDeploy's resources: applications, deployment groups and deployment configs, with the
// synchronous checks of the operations that create them and of CreateDeployment. The
// deployments themselves run in engine.ts; the wire side is api.ts.
import type { Clock } from '../clock.ts';
import { type IamRoles, ROLE_ARN } from '../iam.ts';
import { isRecord, sha256Hex, stableUuid, uuid } from '../util.ts';
import { LAMBDA_SUPPORT_LAUNCH, PREDEFINED_LAMBDA_CONFIGS, PREDEFINED_OTHER } from './configs.ts';
import type { DeploymentEngine } from './engine.ts';
import { err } from './errors.ts';
import type {
  ApplicationRecord,
  ComputePlatform,
  ConfigRecord,
  DeploymentRecord,
  EngineHost,
  GroupRecord,
  GroupView,
  TrafficRoutingConfig,
} from './types.ts';
import {
  CONFIG_NAME,
  requiredName,
  validateAlarmConfig,
  validateRollbackConfig,
  validateTrafficRouting,
} from './validate.ts';

const MAX_CUSTOM_CONFIGS = 50;

export class CodeDeployModel implements EngineHost {
  readonly #clock: Clock;
  readonly #accountId: string;
  readonly #iam: IamRoles;
  #engine: DeploymentEngine | undefined;
  readonly #apps = new Map<string, ApplicationRecord>();
  readonly #groups = new Map<string, GroupRecord>();
  readonly #configs = new Map<string, ConfigRecord>();

  constructor(clock: Clock, accountId: string, iam: IamRoles) {
    this.#clock = clock;
    this.#accountId = accountId;
    this.#iam = iam;
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

  roleExists(arn: string): boolean {
    return this.#iam.exists(arn);
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

  applicationNames(): string[] {
    return [...this.#apps.keys()];
  }

  groupNames(app: string): string[] {
    return [...this.#groups.values()]
      .filter((g) => g.applicationName === app)
      .map((g) => g.deploymentGroupName);
  }

  configNames(): string[] {
    return [...this.#configs.keys()];
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

  requireApp(v: unknown): ApplicationRecord {
    const name = this.#appName(v);
    const app = this.#apps.get(name);
    if (!app)
      throw err('ApplicationDoesNotExistException', `No application found for name: ${name}`);
    return app;
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

  requireGroup(app: ApplicationRecord, v: unknown): GroupRecord {
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
  requireConfig(name: unknown): ConfigRecord {
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
    const c = this.requireConfig(name);
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
    const app = this.requireApp(body['applicationName']);
    const name = this.#groupName(body['deploymentGroupName']);
    const role = body['serviceRoleArn'];
    if (typeof role !== 'string' || role === '')
      throw err('RoleRequiredException', 'The role ID was not specified.');
    if (!ROLE_ARN.test(role))
      throw err('InvalidRoleException', 'The service role ARN was specified in an invalid format.');
    // CodeDeploy must be able to assume the role (docs/aws-semantics.md#creating-the-application-and-deployment-group-codedeploy-role);
    // the wording for a role that does not exist is the emulator's ([unverified]).
    if (!this.#iam.exists(role))
      throw err(
        'InvalidRoleException',
        `AWS CodeDeploy does not have the permissions required to assume the role ${role}.`,
      );
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

  /**
   * DeleteDeploymentGroup: the group goes at once; a deployment of it still running fails
   * (DEPLOYMENT_GROUP_MISSING, docs/aws-semantics.md#deletedeploymentgroup). Lambda groups
   * have no Auto Scaling hooks, so none is left behind.
   */
  deleteDeploymentGroup(body: Record<string, unknown>): { hooksNotCleanedUp: [] } {
    const app = this.requireApp(body['applicationName']);
    const g = this.requireGroup(app, body['deploymentGroupName']);
    this.#groups.delete(groupKey(app.applicationName, g.deploymentGroupName));
    this.#eng.groupDeleted(app.applicationName, g.deploymentGroupName);
    return { hooksNotCleanedUp: [] };
  }

  // ------------------------------------------------------------------ deployment configs

  /** CreateDeploymentConfig with the validation in docs/aws-semantics.md#custom-deployment-configurations. */
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

  /** CreateDeployment's synchronous checks (docs/aws-semantics.md#createdeployment), then hand over to the engine. */
  createDeployment(body: Record<string, unknown>): DeploymentRecord {
    const app = this.requireApp(body['applicationName']);
    const g = this.requireGroup(app, body['deploymentGroupName']);
    const { type, content } = revisionContent(body['revision']);
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

/** The AppSpec content of a CreateDeployment revision, checked as CodeDeploy checks it. */
function revisionContent(rev: unknown): { type: 'AppSpecContent' | 'String'; content: string } {
  if (!isRecord(rev)) throw err('RevisionRequiredException', 'RevisionLocation must be specified');
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
  return { type, content };
}
