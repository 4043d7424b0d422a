// The data that flows out of a release: progress events while it runs, one ReleaseResult at
// the end. The log and the job summary both render these; neither talks to AWS.

import type { ConfigChange } from '../function-config/index.ts';
import type { CanaryReport } from '../gates/report.ts';

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
  /** What moved the traffic here, when the release knows it; the summary infers it otherwise. */
  event?: TrafficEvent;
}

/** Why traffic moved: a shift by the strategy, or a stop (and the rollback that follows it). */
export type TrafficEvent =
  | 'start'
  | 'shift'
  | 'alarm'
  | 'hook'
  | 'timeout'
  | 'cancel'
  | 'rollback'
  /** Someone else moved the alias (a release of several functions found it so when returning it). */
  | 'other';

export type HookName = 'BeforeAllowTraffic' | 'AfterAllowTraffic';

export interface HookResult {
  hook: HookName;
  functionName: string;
  /** CodeDeploy's lifecycle event status: Pending | InProgress | Succeeded | Failed | Skipped | Unknown */
  status: string;
  /** epoch ms: when the action first saw the hook end (the timeline's row for it). */
  seenAt?: number;
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
  /** The action's own sentence on the metric gate that stopped it: not CodeDeploy's words. */
  gate?: string;
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
  /** Where that wait comes from: `timeout-minutes`, or derived from the strategy and hooks. */
  timeoutFrom?: 'input' | 'strategy';
  /** A durable function: a rollback (or a cancel's) returns new invocations only. */
  durable?: boolean;
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
  | 'lost-contact'
  /** The action created CodeDeploy resources (`codedeploy-role`); ReleaseResult.created lists them. */
  | 'created'
  /** The deployment still runs, so its metric-gate alarms were left for CodeDeploy. */
  | 'gate-alarms-left'
  /** strategy: direct moved a split alias wholly onto the new version (ReleaseResult.clearedSplit). */
  | 'split-cleared'
  /** The configuration of $LATEST was changed (or would be, in a dry run) before publishing. */
  | 'configuration'
  /** The function did not exist and was created (`create-function`). */
  | 'created-function'
  /** A release of several functions failed elsewhere: what its one fate did to this entry. */
  | 'fate'
  /** A durable function rolled back: executions started on the new version stay on it. */
  | 'durable-executions';

/** A resource the release created for the team (`codedeploy-role`). */
export interface CreatedResource {
  kind: 'codedeploy-application' | 'deployment-group';
  name: string;
}

/** The configuration inputs' effect: what differs from $LATEST, keys only for the environment. */
export interface ConfigurationResult {
  changes: ConfigChange[];
  /** False while only planned (dry run, or a release that stopped before the update). */
  applied: boolean;
}

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
  /**
   * The alias as preflight read it: `null` when it did not exist, absent when it was not read
   * (the release failed before). The summary says "first release" only on `null` or `created`.
   */
  aliasBefore?: AliasState | null;
  codeSha256?: string;
  /** Size of the uploaded code package in bytes, when the action uploaded one. */
  codeSize?: number;
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
  /** The split a direct move cleared: the alias as it was, weights and all. */
  clearedSplit?: AliasState;
  /** What the configuration inputs changed; absent when none was given or nothing differed. */
  configuration?: ConfigurationResult;
  /** True when this release created the function (`create-function`). */
  createdFunction?: boolean;
  /** Set for dry runs (and kept for real runs: what was planned). */
  plan?: PlanSummary;
  /** Extra facts worth showing a person (warnings, what to do next). */
  notes: Note[];
  /** What the release created besides the version and alias, in the order it did. */
  created?: CreatedResource[];
  /** With `metric-gates`: each version's metrics over the release and each gate's verdict. */
  canary?: CanaryReport;
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

/** What the release's one fate did to an entry because the release failed elsewhere. */
export type Fate =
  /** The release ended before this entry's traffic moved. */
  | { kind: 'not-started' }
  /** Its running deployment was stopped with rollback. */
  | { kind: 'stopped'; restored: boolean }
  /** Its alias, which this release had moved, was pointed back at the previous version. */
  | { kind: 'returned' }
  /** Its alias was left where it is; `why` says so in words. */
  | { kind: 'left'; why: string };

/** One entry of a release: which function, its wave, and its own release. */
export interface EntryResult extends ReleaseResult {
  /** `region/function:alias` */
  key: string;
  wave: number;
  fate?: Fate;
}

/** A release of several functions (or one), one fate. */
export interface FleetResult {
  status: ReleaseStatus;
  /** True only when every alias this release moved is back on its previous version. */
  rolledBack: boolean;
  /** False for a step without `functions`: then the single-function report and outputs. */
  several: boolean;
  entries: EntryResult[];
  /** The cause that decided the release, once, with the entry it came from. */
  cause?: Cause & { entry?: string };
  /** Each wave: its number, and when it started and ended (epoch ms) once it ran. */
  waves: WaveResult[];
  bakeMinutes: number;
  startedAt: number;
  endedAt: number;
}

export interface WaveResult {
  wave: number;
  startedAt?: number;
  endedAt?: number;
  /** When the bake after it ended, and whether it ran its whole length. */
  bakeEndedAt?: number;
}
