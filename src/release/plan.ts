// The plan: what preflight resolved from the settings and AWS. Every phase after preflight
// takes the plan (not the settings), so what a phase may rely on is written down here.
import type { AlarmGate } from '../aws/codedeploy.ts';
import type { AliasInfo, FunctionState } from '../aws/lambda.ts';
import type { ConfigPlan, DesiredConfig } from '../function-config/index.ts';
import type { Gate } from '../gates/parse.ts';
import type { OnEvent, Source } from '../settings/index.ts';
import type { TrafficRouting } from '../strategy.ts';
import type { HookName, PlanSummary } from './result.ts';

export interface CodeBundle {
  /**
   * The zip's bytes, read back from the run's own temporary copy when sent: a release of
   * several functions plans every entry before it uploads any, so plans hold no bytes.
   */
  zip(): Uint8Array;
  byteLength: number;
  /** base64 SHA-256, the way Lambda reports CodeSha256 */
  sha256: string;
}

/** Where local code is put in S3 for Lambda to read (`s3-bucket` with `zip-file`/`code-dir`). */
export interface S3Upload {
  bucket: string;
  key: string;
}

/** The CodeDeploy resources to create before the release needs them (`codedeploy-role`). */
export interface GroupCreation {
  /** The application is missing too (a group cannot exist without it). */
  application: boolean;
  serviceRoleArn: string;
  /** The alarms the new group watches (`alarms`). */
  alarms: string[];
  autoRollback: boolean;
}

export interface Hook {
  hook: HookName;
  functionName: string;
}

/** The CodeDeploy side of the release; absent for `strategy: direct`. */
export interface DeploymentPlan {
  application: string;
  deploymentGroup: string;
  routing: TrafficRouting;
  /** The CodeDeploy config the deployment will use. */
  configName: string;
  /** An inline strategy whose config does not exist yet and will be created. */
  createConfig: boolean;
  /** The group (and maybe the application) does not exist yet and will be created. */
  create?: GroupCreation;
  /** A deployment already active in the group. */
  activeDeploymentId?: string;
  /** It names the run, so a deployment whose id was lost can be found again. */
  description: string;
  alarmGate: AlarmGate;
  autoRollback: boolean;
  ifBusy: 'fail' | 'wait';
  /** `timeout-minutes` as given; the busy-wait message quotes it. */
  timeoutMinutesGiven?: number;
  /** false: return once the deployment has started. */
  wait: boolean;
  onTimeout: OnEvent;
}

/** The whole-version inputs against $LATEST's configuration. */
export interface ConfigurationPlan {
  desired: DesiredConfig;
  /** What differs: the UpdateFunctionConfiguration request (none when nothing differs), the architecture, the changes in words. */
  diff: ConfigPlan;
}

/** `create-function: true` and the function does not exist: CreateFunction from the code source. */
export interface FunctionCreation {
  packageType: 'Zip' | 'Image';
}

export interface Plan {
  region: string;
  /** The function as given: a name or an ARN (what the Lambda calls take). */
  functionRef: string;
  /** The function's name (AppSpec wants a name, the user may have given an ARN). */
  functionName: string;
  alias: string;
  /** $LATEST as preflight found it; undefined when the function is to be created. */
  latest?: FunctionState;
  create?: FunctionCreation;
  /** Set when any configuration input was given. */
  configuration?: ConfigurationPlan;
  /** The production alias as found, undefined on a first release. */
  current?: AliasInfo;
  /** For promotions: the version to release, already checked to exist. */
  promoted?: { version: string; config: FunctionState; fromAlias?: string };
  source: Source;
  /** Zip bytes read or built locally. */
  code?: CodeBundle;
  /** The local code goes through S3 (there when the code is uploaded). */
  s3Upload?: S3Upload;
  /** True when the local code equals $LATEST's: no upload, so no new version for the same code. */
  codeUnchanged: boolean;
  versionDescription: string;
  smokeTestPayload?: string;
  /** Lambda Managed Instances: the capacity provider (a new version takes up to 15 minutes to start). */
  capacityProviderArn?: string;
  /** A durable function: a rollback returns new invocations only. */
  durable?: boolean;
  /** `smoke-test-tenant-id`: sent with the smoke test (a tenant-isolated function needs it). */
  smokeTestTenantId?: string;
  deployment?: DeploymentPlan;
  hooks: Hook[];
  /** The alarms that can stop the deployment (the release's and the group's), by name. */
  alarms: string[];
  /** The group's own alarms (when its alarm configuration is enabled). */
  groupAlarms: string[];
  /** `metric-gates`: one alarm each, created just before the deployment. */
  metricGates: Gate[];
  timeoutMinutes: number;
  pollIntervalMs: number;
  dryRun: boolean;
  /** Dry run with new code: the number PublishVersion would give it. */
  predictedVersion?: string;
  summary: PlanSummary;
  warnings: string[];
}
