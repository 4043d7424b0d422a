// What readSettings hands on: one typed, validated Settings object.
import type { Strategy } from '../strategy.ts';
import type { CredentialSettings } from './credentials.ts';

export type Source =
  /** No code source: publish $LATEST as it stands. */
  | { kind: 'latest' }
  /** `path` is resolved against the workspace; `given` is the input as written, for messages. */
  | { kind: 'zip-file'; path: string; given: string }
  | { kind: 'code-dir'; path: string; given: string }
  | { kind: 's3'; bucket: string; key: string; objectVersion?: string }
  | { kind: 'image'; uri: string }
  /** Promotion: release this existing published version. */
  | { kind: 'version'; version: string }
  /** Promotion: release the version another alias points at. */
  | { kind: 'from-alias'; alias: string };

export type OnEvent = 'rollback' | 'leave';

export interface Settings {
  /** The function name, or the ARN as given (unqualified). */
  functionName: string;
  alias: string;
  /** Required unless strategy is direct. */
  application?: string;
  deploymentGroup?: string;
  strategy: Strategy;
  source: Source;
  versionDescription: string;
  beforeTrafficHook?: string;
  afterTrafficHook?: string;
  alarms: string[];
  /** Deploy without alarm gating (overrideAlarmConfiguration enabled: false), e.g. to ship the fix for a firing alarm. */
  ignoreAlarms: boolean;
  autoRollback: boolean;
  /** Validated JSON text. */
  smokeTestPayload?: string;
  wait: boolean;
  /** Undefined: derived from the strategy in preflight. */
  timeoutMinutes?: number;
  pollIntervalSeconds: number;
  onTimeout: OnEvent;
  onCancel: OnEvent;
  ifBusy: 'fail' | 'wait';
  dryRun: boolean;
  summary: boolean;
  region: string;
  credentials: CredentialSettings;
}

export type Env = Record<string, string | undefined>;

export type InputReader = (name: string) => string;
