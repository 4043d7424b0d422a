// The CodeDeploy emulator's records and the shapes they share (no behaviour here).

export type DeploymentStatus = 'Created' | 'InProgress' | 'Succeeded' | 'Failed' | 'Stopped';
export type HookEvent = 'BeforeAllowTraffic' | 'AfterAllowTraffic';
export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export type RollbackEvent =
  | 'DEPLOYMENT_FAILURE'
  | 'DEPLOYMENT_STOP_ON_ALARM'
  | 'DEPLOYMENT_STOP_ON_REQUEST';

export interface AlarmConfiguration {
  enabled: boolean;
  ignorePollAlarmFailure: boolean;
  alarms: { name: string }[];
}

export interface AutoRollbackConfiguration {
  enabled: boolean;
  events: string[];
}

export type TrafficRoutingConfig =
  | { type: 'AllAtOnce' }
  | {
      type: 'TimeBasedCanary';
      timeBasedCanary: { canaryPercentage: number; canaryInterval: number };
    }
  | {
      type: 'TimeBasedLinear';
      timeBasedLinear: { linearPercentage: number; linearInterval: number };
    };

/** What the engine needs to know about a deployment group (owned by resources.ts). */
export interface GroupView {
  serviceRoleArn: string;
  alarmConfiguration: AlarmConfiguration;
  autoRollbackConfiguration: AutoRollbackConfiguration;
  managedRolePolicy: boolean;
}

export interface EngineHost {
  group(app: string, group: string): GroupView | undefined;
  routing(configName: string): TrafficRoutingConfig | undefined;
  /** Whether the IAM role exists (a deployment needs its group's service role). */
  roleExists(arn: string): boolean;
}

/**
 * CodeDeploy failing a deployment on its own side (group deleted, internal error) at `at`;
 * `rollback`: whether the group's DEPLOYMENT_FAILURE rollback may follow.
 */
export interface ImposedFailure {
  at: number;
  error: { code: string; message: string };
  rollback: boolean;
}

export interface HookBehaviour {
  result: 'Succeeded' | 'Failed' | 'never';
  /** Emulated ms after the invocation at which the hook reports (default 1000). */
  afterMs?: number;
}

export interface LifecycleEventRecord {
  lifecycleEventName: string;
  status: 'Pending' | 'InProgress' | 'Succeeded' | 'Failed' | 'Skipped';
  startTime?: number;
  endTime?: number;
}

export interface HookExecution {
  id: string;
  deploymentId: string;
  event: HookEvent;
  functionName: string;
  startedAt: number;
  deadline: number;
  /** Scheduled self-report of the hook behaviour. */
  reportAt?: number;
  reportStatus?: 'Succeeded' | 'Failed';
  /** The reported result, applied at resultAt. */
  result?: 'Succeeded' | 'Failed';
  resultAt?: number;
  open: boolean;
}

export interface LambdaAppSpec {
  functionName: string;
  alias: string;
  currentVersion: string;
  targetVersion: string;
  hooks: Partial<Record<HookEvent, string>>;
}

export type Phase = 'created' | 'hook' | 'traffic' | 'rb-start' | 'rb-shift' | 'rb-done' | 'done';

export interface DeploymentRecord {
  deploymentId: string;
  applicationName: string;
  deploymentGroupName: string;
  deploymentConfigName: string;
  description?: string;
  creator: 'user' | 'codeDeployRollback';
  status: DeploymentStatus;
  errorInformation?: { code: string; message: string };
  createTime: number;
  startTime?: number;
  completeTime?: number;
  /** API-shaped revision (content is never returned). */
  revision: Record<string, unknown>;
  content: string;
  autoRollbackConfiguration: AutoRollbackConfiguration;
  autoRollbackOverridden: boolean;
  overrideAlarmConfiguration?: AlarmConfiguration;
  rollbackInfo?: {
    rollbackDeploymentId?: string;
    rollbackTriggeringDeploymentId?: string;
    rollbackMessage?: string;
  };
  deploymentStatusMessages: string[];
  spec?: LambdaAppSpec;
  /** Passed validation at start: only then can a rollback restore anything. */
  validated: boolean;
  lifecycleEvents: LifecycleEventRecord[];
  targetStatus: 'Pending' | 'InProgress' | 'Succeeded' | 'Failed';
  targetUpdatedAt: number;
  /** Percentage of traffic on the target version. */
  weight: number;
  phase: Phase;
  phaseAt: number;
  steps: { offsetMs: number; percent: number }[];
  stepIndex: number;
  trafficStart: number;
  hook?: HookExecution;
  stop?: { requestedAt: number; completeAt: number; rollback: boolean | undefined };
  stoppedByRequest: boolean;
  failRollback: boolean;
  imposed?: ImposedFailure;
}

/**
 * A snapshot of a deployment for tests. Timestamps are epoch SECONDS with a fraction, as
 * GetDeployment reports them (unlike CallRecord.at / AliasHistoryEntry.at, which are
 * emulated epoch milliseconds like clock.now()).
 */
export interface DeploymentInfoLike {
  id: string;
  deploymentId: string;
  applicationName: string;
  deploymentGroupName: string;
  deploymentConfigName: string;
  description?: string;
  status: DeploymentStatus;
  errorInformation?: { code: string; message: string };
  creator: 'user' | 'codeDeployRollback';
  rollbackInfo?: {
    rollbackDeploymentId?: string;
    rollbackTriggeringDeploymentId?: string;
    rollbackMessage?: string;
  };
  createTime: number;
  startTime?: number;
  completeTime?: number;
  /** The same instant in emulated epoch ms (tests that measure how soon the end was seen). */
  completeTimeMs?: number;
  functionName?: string;
  alias?: string;
  currentVersion?: string;
  targetVersion?: string;
  hooks?: Partial<Record<HookEvent, string>>;
  targetWeight: number;
  lifecycleEvents: {
    lifecycleEventName: string;
    status: string;
    startTime?: number;
    endTime?: number;
  }[];
  autoRollbackConfiguration: AutoRollbackConfiguration;
  overrideAlarmConfiguration?: AlarmConfiguration;
}

export type ComputePlatform = 'Server' | 'Lambda' | 'ECS';

export interface ApplicationRecord {
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

export interface ConfigRecord {
  deploymentConfigId: string;
  deploymentConfigName: string;
  computePlatform: ComputePlatform;
  createTime: number;
  trafficRoutingConfig?: TrafficRoutingConfig;
  minimumHealthyHosts?: { type: string; value: number };
  predefined: boolean;
}
