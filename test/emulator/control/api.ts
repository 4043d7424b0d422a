// Test control surface: the operations tests use to seed and steer the emulator, exposed
// both programmatically (see controls.ts) and over HTTP as `POST /__emulator/<op>` with a JSON
// body — either an array of positional arguments or an object of named ones. The answer is
// `{"result": ...}` (200) or `{"error": "..."}` (400). AWS never uses that path.
// README.md lists every operation with its arguments.
import type { TrafficSpec, VersionBehaviour } from '../cloudwatch/model.ts';
import type { DeploymentFault, EngineTiming } from '../codedeploy/engine.ts';
import type {
  DeploymentInfoLike,
  HookBehaviour,
  TrafficRoutingConfig,
} from '../codedeploy/types.ts';
import type { FaultSpec } from '../faults.ts';
import type {
  AliasHistoryEntry,
  CreateFunctionSpec,
  FunctionBehaviour,
  InvocationRecord,
  VersionSummary,
} from '../lambda/model.ts';
import type { S3ObjectView } from '../s3/model.ts';
import type { CallRecord } from '../server.ts';
import type { RoleSpec, Session } from '../sts/model.ts';
import type { TriggerSpec } from '../triggers.ts';

export interface DeploymentGroupOptions {
  deploymentConfigName?: string;
  alarms?: string[];
  /** Alarm polling failures are ignored (default false: an unknown alarm stops deployments). */
  ignorePollAlarmFailure?: boolean;
  autoRollback?: { enabled: boolean; events: string[] };
  /** The service role has only AWSCodeDeployRoleForLambda: hooks must be named CodeDeployHook_*. */
  managedRolePolicy?: boolean;
  serviceRoleArn?: string;
}

/** Everything a test can do to the emulator, as plain calls. */
export interface ControlApi {
  reset(): void;
  createFunction(spec: CreateFunctionSpec): void;
  setFunctionBehaviour(name: string, b: FunctionBehaviour): void;
  updateCodeOutOfBand(name: string, code: string): void;
  setAlias(fn: string, alias: string, version: string, weights?: Record<string, number>): void;
  getAlias(
    fn: string,
    alias: string,
  ): { version: string; weights: Record<string, number> } | undefined;
  aliasHistory(fn: string, alias: string): AliasHistoryEntry[];
  versions(fn: string): VersionSummary[];
  invocations(fn?: string): InvocationRecord[];
  /** A bucket; `region` defaults to the emulator's. */
  createBucket(name: string, opts?: { region?: string; versioning?: boolean }): void;
  /** The newest version of an object, or undefined. */
  s3Object(bucket: string, key: string): S3ObjectView | undefined;
  createApplication(name: string, computePlatform?: 'Lambda' | 'Server' | 'ECS'): void;
  createDeploymentGroup(app: string, group: string, opts?: DeploymentGroupOptions): void;
  /** DeleteDeploymentGroup: its running deployment fails DEPLOYMENT_GROUP_MISSING. */
  deleteDeploymentGroup(app: string, group: string): void;
  /** The IAM role no longer exists (every role exists until deleted; reset() restores them). */
  deleteRole(arn: string): void;
  /**
   * CodeDeploy fails a deployment on its side (INTERNAL_ERROR): the matching one running now,
   * or else the next one created, `afterMs` emulated ms after it starts.
   */
  failDeployment(fault?: DeploymentFault): void;
  createDeploymentConfig(
    name: string,
    routing: TrafficRoutingConfig | Record<string, unknown>,
  ): void;
  setAlarm(name: string, state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'): void;
  setHook(functionName: string, b: HookBehaviour): void;
  failNextRollback(): void;
  /** Emulated durations of deployment start, stop and rollback (reset() restores defaults). */
  setTiming(t: Partial<EngineTiming>): void;
  startDeployment(
    app: string,
    group: string,
    fn: string,
    alias: string,
    current: string,
    target: string,
    configName?: string,
  ): string;
  /** Synthetic requests a minute on `fn:alias`, split by the alias's weights; undefined stops them. */
  setTraffic(fn: string, alias: string, spec?: TrafficSpec): void;
  /** How one version's invocations behave in that traffic: error rate and durations. */
  setVersionBehaviour(fn: string, version: string, behaviour: VersionBehaviour): void;
  /** Every CloudWatch metric alarm, by name. */
  metricAlarms(): { name: string; state: string; stateReason: string }[];
  injectFault(f: FaultSpec): void;
  /** A role AssumeRoleWithWebIdentity may assume (trust: subject pattern, audience, max session). */
  configureRole(spec: RoleSpec): void;
  /** Expire issued session credentials now (or at emulated `at`); all of them unless one key is named. */
  expireCredentials(accessKeyId?: string, at?: number): void;
  /** Sessions STS issued (secrets included: test-only), expirations in emulated epoch ms. */
  sessions(): Session[];
  /** AssumeRoleWithWebIdentity calls, answered or refused. */
  assumeCalls(): { roleArn: string; durationSeconds: number; outcome: string }[];
  /** The OIDC stand-in: the token's `sub`, and its lifetime in emulated ms. */
  setOidc(o: { subject?: string; lifetimeMs?: number }): void;
  /** ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN for a job with `id-token: write`, at `baseUrl`. */
  oidcEnv(baseUrl: string): Record<string, string>;
  /** Tokens the OIDC stand-in handed out (claims only). */
  oidcTokens(): { sub: string; aud: string; exp: number }[];
  clearFaults(): void;
  /** Someone else's action when a matching call arrives (triggers.ts); `run` works in process only. */
  onCall(t: TriggerSpec): void;
  deployments(): DeploymentInfoLike[];
  state(): unknown;
}

/** Extra read-only operations available over HTTP. */
export interface RemoteExtras {
  calls(): CallRecord[];
  clock(): { now: number; scale: number };
}

/** Positional argument names of each control operation (for the named-object body form). */
export const CONTROL_ARGS: Record<keyof ControlApi | keyof RemoteExtras, string[] | 'body'> = {
  reset: [],
  createFunction: 'body',
  setFunctionBehaviour: ['name', 'behaviour'],
  updateCodeOutOfBand: ['name', 'code'],
  setAlias: ['fn', 'alias', 'version', 'weights'],
  getAlias: ['fn', 'alias'],
  aliasHistory: ['fn', 'alias'],
  versions: ['fn'],
  invocations: ['fn'],
  createBucket: ['name', 'opts'],
  s3Object: ['bucket', 'key'],
  createApplication: ['name', 'computePlatform'],
  createDeploymentGroup: ['app', 'group', 'opts'],
  deleteDeploymentGroup: ['app', 'group'],
  deleteRole: ['arn'],
  failDeployment: 'body',
  createDeploymentConfig: ['name', 'routing'],
  setAlarm: ['name', 'state'],
  setHook: ['functionName', 'behaviour'],
  failNextRollback: [],
  setTiming: 'body',
  startDeployment: ['app', 'group', 'fn', 'alias', 'current', 'target', 'configName'],
  setTraffic: ['fn', 'alias', 'spec'],
  setVersionBehaviour: ['fn', 'version', 'behaviour'],
  metricAlarms: [],
  injectFault: 'body',
  configureRole: 'body',
  expireCredentials: ['accessKeyId', 'at'],
  sessions: [],
  assumeCalls: [],
  setOidc: 'body',
  oidcEnv: ['baseUrl'],
  oidcTokens: [],
  clearFaults: [],
  onCall: 'body',
  deployments: [],
  state: [],
  calls: [],
  clock: [],
};

/**
 * The region an HTTP control call names, and its body without it: `?region=` of the URL,
 * or a `region` key of a named-object body (a *body* operation's object is the operation's
 * own, so only `?region=` names its region). Undefined: the emulator's default region.
 */
export function controlRegion(
  op: string,
  body: unknown,
  queryRegion: string | undefined,
): { region?: string; body: unknown } {
  const names = Object.hasOwn(CONTROL_ARGS, op)
    ? CONTROL_ARGS[op as keyof typeof CONTROL_ARGS]
    : 'body';
  const named = names !== 'body' && typeof body === 'object' && body !== null;
  if (!named || Array.isArray(body) || !Object.hasOwn(body, 'region'))
    return { ...(queryRegion !== undefined ? { region: queryRegion } : {}), body };
  const { region, ...rest } = body as Record<string, unknown>;
  if (queryRegion !== undefined && region !== queryRegion)
    throw new Error(
      `control ${op}: region ${String(region)} in the body, ${queryRegion} in the URL`,
    );
  return { region: String(region), body: rest };
}

/** Dispatch one HTTP control request to the programmatic surface. */
export function dispatchControl(
  target: ControlApi & RemoteExtras,
  op: string,
  body: unknown,
): unknown {
  if (!Object.hasOwn(CONTROL_ARGS, op)) {
    throw new Error(
      `unknown control operation ${op}; known: ${Object.keys(CONTROL_ARGS).join(', ')}`,
    );
  }
  const key = op as keyof typeof CONTROL_ARGS;
  const names = CONTROL_ARGS[key];
  let args: unknown[];
  if (Array.isArray(body)) args = body;
  else if (body === undefined || body === null) args = [];
  else if (names === 'body') args = [body];
  else if (typeof body === 'object') {
    const rec = body as Record<string, unknown>;
    args = names.map((n) => rec[n]);
    while (args.length > 0 && args[args.length - 1] === undefined) args.pop();
  } else args = [body];
  const fn = target[key] as (...a: unknown[]) => unknown;
  return fn.apply(target, args);
}

type Remote<T> = {
  [K in keyof T]: T[K] extends (...a: infer A) => infer R
    ? (...a: A) => Promise<Awaited<R>>
    : never;
};

/** The control surface of an emulator running elsewhere (e.g. `npm run emulator`). */
export type RemoteEmulator = Remote<ControlApi & RemoteExtras>;

/**
 * Talk to an emulator's control API over HTTP; with `region`, the regional operations act on
 * that region's state (the emulator's default region otherwise).
 */
export function connectEmulator(url: string, opts: { region?: string } = {}): RemoteEmulator {
  const base = url.replace(/\/+$/, '');
  const query = opts.region !== undefined ? `?region=${encodeURIComponent(opts.region)}` : '';
  const out: Record<string, (...a: unknown[]) => Promise<unknown>> = {};
  for (const op of Object.keys(CONTROL_ARGS)) {
    out[op] = async (...args: unknown[]) => {
      const res = await fetch(`${base}/__emulator/${op}${query}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(args),
      });
      const payload = (await res.json()) as { result?: unknown; error?: string };
      if (!res.ok) throw new Error(payload.error ?? `control ${op} failed with HTTP ${res.status}`);
      return payload.result ?? undefined;
    };
  }
  return out as unknown as RemoteEmulator;
}
