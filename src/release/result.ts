// The data that flows out of a release: progress events while it runs, one ReleaseResult at
// the end. The log and the job summary both render these; neither talks to AWS.

export type ReleaseStatus =
  | 'succeeded'
  | 'failed'
  | 'stopped'
  | 'skipped'
  | 'created'
  | 'started'
  | 'planned';

/** An alias as Lambda reports it: the main version plus AdditionalVersionWeights (0..1). */
export interface AliasState {
  version: string;
  weights: Record<string, number>;
}

/** One observed point of the traffic split: the share of the alias's traffic on the new version. */
export interface TrafficPoint {
  /** epoch milliseconds */
  at: number;
  newPercent: number;
}

export type HookName = 'BeforeAllowTraffic' | 'AfterAllowTraffic';

export interface HookResult {
  hook: HookName;
  functionName: string;
  /** CodeDeploy's lifecycle event status: Pending | InProgress | Succeeded | Failed | Skipped | Unknown */
  status: string;
}

/** Why a release did not succeed, in CodeDeploy's words where it gave some. */
export interface Cause {
  /** CodeDeploy's errorInformation.code (HOOK_EXECUTION_FAILURE, ALARM_ACTIVE, ...) or our own code (TIMEOUT, SMOKE_TEST_FAILED, ...). */
  code?: string;
  message: string;
  /** Alarms named in an ALARM_ACTIVE message. */
  alarms?: string[];
  /** The hook whose lifecycle event failed (its function is in ReleaseResult.hooks). */
  failedHook?: HookName;
}

export interface StrategyInfo {
  /** What the user wrote, e.g. `Canary10Percent5Minutes` or `canary 25% 15m`. */
  input: string;
  /** In words, e.g. "canary: 10% for 5 minutes, then the rest". */
  description: string;
  /** The CodeDeploy deployment config used (absent for `direct`). */
  configName?: string;
  direct: boolean;
}

/** Where the released version came from, for promotions between stages. */
export type Origin = { kind: 'published' } | { kind: 'version' } | { kind: 'alias'; alias: string };

/** The plan as a person reads it: kept in the result, shown by dry runs and the summary. */
export interface PlanSummary {
  /** Each change the release would make, in order, in words. */
  steps: string[];
  /** How long traffic shifting takes by the strategy, in minutes (0 for all-at-once / direct). */
  shiftMinutes: number;
  /** How long the action would wait for the deployment, in minutes. */
  timeoutMinutes: number;
}

/** What a note is about: the failure message picks the ones a person must act on by kind. */
export type NoteKind =
  /** A preflight warning (also logged as one). */
  | 'warning'
  /** Dry run: the version number new code would get. */
  | 'predicted-version'
  /** The alias already points at the version: nothing to release. */
  | 'nothing-new'
  /** The rollback deployment had not ended when we stopped following it. */
  | 'rollback-unfinished'
  /** The rollback deployment ended other than Succeeded. */
  | 'rollback-failed'
  /** The alias is left split between versions. */
  | 'traffic-split'
  /** The alias is on one version, but not the previous one. */
  | 'alias-elsewhere'
  /** AWS could not be reached for a while during the watch, which rode it out. */
  | 'lost-contact';

export interface Note {
  kind: NoteKind;
  text: string;
}

export interface ReleaseResult {
  status: ReleaseStatus;
  region: string;
  functionName: string;
  functionArn?: string;
  alias: string;
  aliasArn?: string;
  /** The version released (or that would be). */
  version?: string;
  /** The version the alias pointed at before; absent on a first release. */
  previousVersion?: string;
  codeSha256?: string;
  /** In words: "zip file app.zip", "$LATEST as it stands", "version 7", ... */
  source: string;
  origin: Origin;
  strategy: StrategyInfo;
  deploymentId?: string;
  rollbackDeploymentId?: string;
  /** True only when the alias was read back on the previous version with no weights. */
  rolledBack: boolean;
  /** epoch milliseconds */
  startedAt: number;
  endedAt: number;
  timeline: TrafficPoint[];
  hooks: HookResult[];
  cause?: Cause;
  /** The alias as last read back from Lambda. */
  finalAlias?: AliasState;
  /** Set for dry runs (and kept for real runs: what was planned). */
  plan?: PlanSummary;
  /** Extra facts worth showing a person (warnings, what to do next). */
  notes: Note[];
}

export type ProgressEvent =
  | { kind: 'phase'; name: string }
  | { kind: 'info'; message: string }
  | { kind: 'warning'; message: string }
  | { kind: 'retry'; operation: string; reason: string; attempt: number; delayMs: number }
  | { kind: 'deployment-created'; deploymentId: string; consoleUrl: string }
  | { kind: 'status'; deploymentId: string; status: string }
  | { kind: 'traffic'; newVersion: string; oldVersion: string; newPercent: number }
  | { kind: 'hook'; hook: HookName; functionName: string; status: string };

export type ProgressSink = (event: ProgressEvent) => void;
