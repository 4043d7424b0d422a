// What the release needs from the outside world, passed in so tests can supply their own.

import type { CloudWatchApi } from '../aws/cloudwatch-types.ts';
import type {
  CreateOutcome,
  DeploymentConfigInfo,
  DeploymentGroupInfo,
  DeploymentRequest,
  DeploymentState,
  LifecycleEvent,
  NewDeploymentGroup,
} from '../aws/codedeploy.ts';
import type {
  AliasInfo,
  FunctionState,
  InvokeResult,
  NewCode,
  NewFunction,
} from '../aws/lambda.ts';
import type { S3Api } from '../aws/s3.ts';
import type { Architecture, ConfigFields, CurrentConfig } from '../function-config/index.ts';
import type { TrafficRouting } from '../strategy.ts';
import { abortError } from './abort.ts';
import type { GateRun } from './gates.ts';
import type { ProgressSink } from './result.ts';
import type { ZipLimiter } from './zip-limiter.ts';

/** The Lambda calls the release makes (LambdaApi in production; a plain object will do). */
export interface LambdaService {
  /** $LATEST; undefined when the function does not exist. */
  getFunction(fn: string): Promise<FunctionState | undefined>;
  getVersion(fn: string, version: string): Promise<FunctionState | undefined>;
  getAlias(fn: string, alias: string): Promise<AliasInfo | undefined>;
  updateCode(
    fn: string,
    code: NewCode,
    revisionId: string,
    architecture?: Architecture,
  ): Promise<FunctionState>;
  /** $LATEST's configuration; undefined when the function does not exist. */
  getConfiguration(fn: string): Promise<CurrentConfig | undefined>;
  updateConfiguration(fn: string, fields: ConfigFields, revisionId: string): Promise<FunctionState>;
  createFunction(fn: string, spec: NewFunction): Promise<FunctionState>;
  publishVersion(
    fn: string,
    p: { codeSha256: string; revisionId: string; description: string },
  ): Promise<FunctionState>;
  latestVersionNumber(fn: string): Promise<number>;
  createAlias(fn: string, alias: string, version: string): Promise<AliasInfo>;
  pointAlias(fn: string, alias: string, version: string, revisionId?: string): Promise<AliasInfo>;
  invoke(fn: string, qualifier: string, payload: string, tenantId?: string): Promise<InvokeResult>;
}

/** The CodeDeploy calls the release makes (CodeDeployApi in production). */
export interface CodeDeployService {
  getApplication(name: string): Promise<{ computePlatform?: string } | undefined>;
  getDeploymentGroup(app: string, group: string): Promise<DeploymentGroupInfo | undefined>;
  /** Only with `codedeploy-role` (provision.ts); 'exists' when someone else made it first. */
  createApplication(name: string): Promise<CreateOutcome>;
  createDeploymentGroup(group: NewDeploymentGroup): Promise<CreateOutcome>;
  getDeploymentConfig(name: string): Promise<DeploymentConfigInfo | undefined>;
  listDeploymentConfigs(): Promise<string[]>;
  createDeploymentConfig(name: string, routing: TrafficRouting): Promise<void>;
  listActiveDeployments(app: string, group: string): Promise<string[]>;
  listDeploymentsSince(app: string, group: string, since: Date): Promise<string[]>;
  /** Returns the new deployment's id. */
  createDeployment(request: DeploymentRequest): Promise<string>;
  getDeployment(id: string): Promise<DeploymentState>;
  /** Returns 'completed' when the deployment had already ended. */
  stopDeployment(id: string, rollback: boolean): Promise<string>;
  /** undefined before the deployment has started. */
  getLambdaTarget(id: string): Promise<LifecycleEvent[] | undefined>;
}

export interface Clock {
  /** epoch milliseconds */
  now(): number;
  /** Rejects with an AbortError when the signal fires. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export type OutputName =
  | 'version'
  | 'previous-version'
  | 'deployment-id'
  | 'status'
  | 'rolled-back'
  | 'alias-arn'
  | 'function-arn'
  | 'code-sha256'
  | 'deployment-url';

/** The S3 calls the release makes (S3Api in production), for code uploaded through S3. */
export type S3Service = S3Api;

export interface ReleaseDeps {
  lambda: LambdaService;
  codedeploy: CodeDeployService;
  /** S3, made on first use: only a release with `s3-bucket` and local code needs it. */
  s3?: () => Promise<S3Service>;
  clock: Clock;
  progress: ProgressSink;
  /** Sets a step output the moment its value is known. */
  output(name: OutputName, value: string): void;
  /** Called the moment a deployment exists (the post step's backstop needs its id). */
  onDeployment?(id: string): void;
  /** CloudWatch, loaded on first use: only releases with metric gates call it. */
  cloudwatch?: () => Promise<CloudWatchApi>;
  /** Hears of the gate alarms the moment they are about to exist, and undefined once deleted. */
  onGates?(run: GateRun | undefined): void;
  /** Runs one phase (the runner shows it as a collapsible group). */
  group?<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /**
   * The deployment ended failed or stopped, or timed out, and its rollback is being followed:
   * a release of several functions stops the others of the wave now (one fate).
   */
  onFailing?(): void;
  /** Fires on cancellation: in-flight calls and sleeps are abandoned. */
  signal?: AbortSignal;
  /**
   * The bound a `code-dir` is zipped under. A release of several functions gives every one the
   * same limiter, so that zipping them together holds no more than one bound's memory.
   */
  zipLimiter?: ZipLimiter;
  /**
   * The watch's reads, when they should give up sooner than the other calls: the watch backs
   * off itself (at most poll-interval) and keeps going through an outage. Default: the above.
   */
  polling?: PollingDeps;
}

/** The watch's reads (ReleaseDeps.polling). */
export interface PollingDeps {
  lambda: Pick<LambdaService, 'getAlias'>;
  codedeploy: Pick<CodeDeployService, 'getDeployment' | 'getLambdaTarget'>;
  /** The poll schedule's jitter source, when the watches of a region share one (batched-reads.ts). */
  jitter?: () => number;
}

/** Runs one phase (the runner shows it as a collapsible group). */
export type Group = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

/** deps.group, or running the phase as it is when there is no runner to show groups. */
export function groupOf(deps: Pick<ReleaseDeps, 'group'>): Group {
  return deps.group ? (name, fn) => deps.group!(name, fn) : (_name, fn) => fn();
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortError());
      const timer = setTimeout(done, ms);
      function done() {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }
      function onAbort() {
        clearTimeout(timer);
        reject(abortError());
      }
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
