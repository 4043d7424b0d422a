// What readSettings hands on: one typed, validated Settings object.

import type { DesiredConfig } from '../function-config/index.ts';
import type { Gate } from '../gates/parse.ts';
import type { Strategy } from '../strategy.ts';
import type { CredentialSettings } from './credentials.ts';
import type { GitHubSettings } from './github.ts';

/** Where local code goes on its way to Lambda when it is too large to send directly. */
export interface S3Staging {
  bucket: string;
  /** Undefined: a key derived from the zip's SHA-256 (defaultS3Key). */
  key?: string;
}

export type Source =
  /** No code source: publish $LATEST as it stands. */
  | { kind: 'latest' }
  /**
   * `path` is resolved against the workspace; `given` is the input as written, for messages.
   * `viaS3`: `s3-bucket` was given too, so the zip is uploaded there and Lambda reads it.
   */
  | { kind: 'zip-file'; path: string; given: string; viaS3?: S3Staging }
  | { kind: 'code-dir'; path: string; given: string; viaS3?: S3Staging }
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
  /** Service role for creating a missing application / deployment group (`codedeploy-role`). */
  codedeployRole?: string;
  strategy: Strategy;
  source: Source;
  versionDescription: string;
  beforeTrafficHook?: string;
  afterTrafficHook?: string;
  alarms: string[];
  /** Deploy without alarm gating (overrideAlarmConfiguration enabled: false), e.g. to ship the fix for a firing alarm. */
  ignoreAlarms: boolean;
  autoRollback: boolean;
  /** `metric-gates`: each becomes a CloudWatch alarm CodeDeploy watches (src/gates/). */
  metricGates: Gate[];
  /** Validated JSON text. */
  smokeTestPayload?: string;
  /** `smoke-test-tenant-id`: the tenant the smoke test invokes as (tenant isolation mode). */
  smokeTestTenantId?: string;
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
  /** `github-environment`: record the release as a GitHub deployment (src/github/). */
  github?: GitHubSettings;
  /** The whole-version inputs: configuration fields, architecture, create-function. */
  config: DesiredConfig;
}

export type Env = Record<string, string | undefined>;

export type InputReader = (name: string) => string;
