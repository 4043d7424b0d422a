// The CodeDeploy deployment engine for the Lambda compute platform, on the scaled clock.
//
//   Created ─(1 s)→ InProgress: validate AppSpec + alias, check alarms
//     → BeforeAllowTraffic hook → AllowTraffic (steps of the config) → AfterAllowTraffic hook
//     → Succeeded
//   failures → Failed; alarms / StopDeployment → Stopped; then an automatic rollback
//   deployment (creator codeDeployRollback) when configured.
//
// Every transition happens at an exact emulated time (the time it was scheduled for), so
// alias history timestamps fall on k·interval. A timer drives the engine; every API call
// also advances it first, so answers are always consistent with the clock.
// See docs/aws-semantics.md#lifecycle-hooks, #alarms-and-rollback and #deployment-configurations.
import type { Clock } from '../clock.ts';
import type { LambdaModel } from '../lambda/model.ts';
import { ApiError, deploymentId, sha256Hex } from '../util.ts';
import { appSpecDocument, parseLambdaAppSpec } from './appspec.ts';
import { invalidConfig, MESSAGES } from './errors.ts';
import { snapshot } from './shapes.ts';
import type {
  AlarmConfiguration,
  AlarmState,
  AutoRollbackConfiguration,
  DeploymentRecord,
  EngineHost,
  HookBehaviour,
  HookEvent,
  HookExecution,
  ImposedFailure,
  LambdaAppSpec,
  LifecycleEventRecord,
  RollbackEvent,
  TrafficRoutingConfig,
} from './types.ts';

export const HOOK_TIMEOUT_MS = 3600_000;
export const DEFAULT_HOOK_DELAY_MS = 1000;

/** Emulated durations of the engine's own steps (adjustable by tests). */
export interface EngineTiming {
  /** Created → InProgress (default 1000). */
  deploymentStartMs: number;
  /** StopDeployment → Stopped (default 1000). */
  stopMs: number;
  /** Created → Succeeded of a rollback deployment (default 2000). */
  rollbackMs: number;
}

/** A deployment CodeDeploy will fail on its side (the `failDeployment` control). */
export interface DeploymentFault {
  /** Only deployments of this application / group (default: any). */
  applicationName?: string;
  deploymentGroupName?: string;
  /** Emulated ms after the deployment starts (or, if it runs already, after now); default 0. */
  afterMs?: number;
}

export const DEFAULT_TIMING: Readonly<EngineTiming> = {
  deploymentStartMs: 1000,
  stopMs: 1000,
  rollbackMs: 2000,
};
const ACTIVE: ReadonlySet<string> = new Set(['Created', 'Queued', 'InProgress', 'Baking', 'Ready']);

/** Traffic steps of a routing config: canary X/Y, linear X/Y, all-at-once (docs/aws-semantics.md#deployment-configurations). */
export function trafficSteps(r: TrafficRoutingConfig): { offsetMs: number; percent: number }[] {
  const minute = 60_000;
  if (r.type === 'TimeBasedCanary') {
    const { canaryPercentage: x, canaryInterval: y } = r.timeBasedCanary;
    return [
      { offsetMs: 0, percent: x },
      { offsetMs: y * minute, percent: 100 },
    ];
  }
  if (r.type === 'TimeBasedLinear') {
    const { linearPercentage: x, linearInterval: y } = r.timeBasedLinear;
    const n = Math.ceil(100 / x);
    const steps: { offsetMs: number; percent: number }[] = [];
    for (let k = 0; k < n; k++)
      steps.push({ offsetMs: k * y * minute, percent: Math.min(100, (k + 1) * x) });
    return steps;
  }
  return [{ offsetMs: 0, percent: 100 }];
}
export class DeploymentEngine {
  readonly #clock: Clock;
  readonly #lambda: LambdaModel;
  readonly #host: EngineHost;
  readonly #region: string;
  readonly #deployments = new Map<string, DeploymentRecord>();
  readonly #executions = new Map<string, HookExecution>();
  readonly #alarms = new Map<string, { state: AlarmState; since: number }>();
  readonly #hooks = new Map<string, HookBehaviour>();
  #alarmSource: (name: string) => { state: AlarmState; since: number } | undefined = () =>
    undefined;
  #failNextRollback = false;
  /** Faults waiting for the next deployment they match. */
  #faults: DeploymentFault[] = [];
  #timing = { ...DEFAULT_TIMING };
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(clock: Clock, lambda: LambdaModel, host: EngineHost, region: string) {
    this.#clock = clock;
    this.#lambda = lambda;
    this.#host = host;
    this.#region = region;
  }

  reset(): void {
    this.#deployments.clear();
    this.#executions.clear();
    this.#alarms.clear();
    this.#hooks.clear();
    this.#failNextRollback = false;
    this.#faults = [];
    this.#timing = { ...DEFAULT_TIMING };
    this.#unschedule();
  }

  setTiming(t: Partial<EngineTiming>): void {
    for (const [k, v] of Object.entries(t)) {
      if (typeof v !== 'number' || !(v >= 0)) throw new Error(`invalid timing ${k}: ${String(v)}`);
    }
    this.#timing = { ...this.#timing, ...t };
  }

  close(): void {
    this.#closed = true;
    this.#unschedule();
  }

  // ------------------------------------------------------------------ test controls

  setAlarm(name: string, state: AlarmState): void {
    const prev = this.#alarms.get(name);
    if (prev?.state !== state) this.#alarms.set(name, { state, since: this.#clock.now() });
    // No synchronous check: CodeDeploy notices at its next poll (the next tick), so alarms
    // set together are reported together.
    this.#schedule();
  }

  alarmState(name: string): AlarmState | undefined {
    return this.#alarms.get(name)?.state;
  }

  /** Where the state of an alarm no test set comes from (the emulated CloudWatch). */
  useAlarmSource(source: (name: string) => { state: AlarmState; since: number } | undefined): void {
    this.#alarmSource = source;
  }

  setHook(functionName: string, b: HookBehaviour): void {
    this.#hooks.set(functionName, { ...b });
  }

  failNextRollback(): void {
    this.#failNextRollback = true;
  }

  /**
   * CodeDeploy fails a deployment on its side (INTERNAL_ERROR): the one of a matching group
   * running now, or else the next one created. Code from the API model; the message and
   * whether a rollback follows are [unverified] (docs/aws-semantics.md#failures-on-codedeploys-side).
   */
  failDeployment(f: DeploymentFault = {}): void {
    if (f.afterMs !== undefined && !(f.afterMs >= 0))
      throw new Error(`invalid afterMs: ${String(f.afterMs)}`);
    this.advance(); // a deployment due to end before now is not running
    const running = this.all().find(
      (d) => d.creator === 'user' && d.phase !== 'done' && matches(f, d),
    );
    if (running) this.#impose(running, internalError(f));
    else this.#faults.push({ ...f });
    this.#schedule();
  }

  /**
   * DeleteDeploymentGroup: its running deployments fail at once, with no rollback
   * (docs/aws-semantics.md#deletedeploymentgroup).
   */
  groupDeleted(app: string, group: string): void {
    const now = this.#clock.now();
    for (const d of this.#deployments.values()) {
      if (d.applicationName !== app || d.deploymentGroupName !== group || d.phase === 'done')
        continue;
      // [unverified] code from the API model, message the emulator's; with no group there is
      // no rollback configuration, so none runs (the stricter reading).
      d.imposed = {
        at: now,
        error: {
          code: 'DEPLOYMENT_GROUP_MISSING',
          message: `The deployment failed because the deployment group ${group} of application ${app} was deleted.`,
        },
        rollback: false,
      };
    }
    this.#schedule();
  }

  /** Put a fault on a deployment: it fails `afterMs` after it starts, or after now if running. */
  #impose(d: DeploymentRecord, f: { afterMs: number; error: ImposedFailure['error'] }): void {
    const from = d.phase === 'created' ? d.phaseAt : this.#clock.now();
    d.imposed = { at: from + f.afterMs, error: f.error, rollback: true };
  }

  // ------------------------------------------------------------------ queries

  get(id: string): DeploymentRecord | undefined {
    return this.#deployments.get(id);
  }

  all(): DeploymentRecord[] {
    return [...this.#deployments.values()];
  }

  /** The active deployment of a group (at most one). */
  activeIn(app: string, group: string): DeploymentRecord | undefined {
    for (const d of this.#deployments.values()) {
      if (d.applicationName === app && d.deploymentGroupName === group && ACTIVE.has(d.status))
        return d;
    }
    return undefined;
  }

  lastDeployments(
    app: string,
    group: string,
  ): { attempted?: DeploymentRecord; successful?: DeploymentRecord } {
    let attempted: DeploymentRecord | undefined;
    let successful: DeploymentRecord | undefined;
    for (const d of this.#deployments.values()) {
      if (d.applicationName !== app || d.deploymentGroupName !== group) continue;
      if (!attempted || d.createTime >= attempted.createTime) attempted = d;
      if (
        d.status === 'Succeeded' &&
        (!successful || (d.completeTime ?? 0) >= (successful.completeTime ?? 0))
      )
        successful = d;
    }
    return { ...(attempted ? { attempted } : {}), ...(successful ? { successful } : {}) };
  }

  // ------------------------------------------------------------------ creation

  create(input: {
    applicationName: string;
    deploymentGroupName: string;
    deploymentConfigName: string;
    description?: string;
    revision: Record<string, unknown>;
    content: string;
    autoRollbackConfiguration: AutoRollbackConfiguration;
    autoRollbackOverridden: boolean;
    overrideAlarmConfiguration?: AlarmConfiguration;
  }): DeploymentRecord {
    const now = this.#clock.now();
    const d: DeploymentRecord = {
      deploymentId: this.#newId(),
      applicationName: input.applicationName,
      deploymentGroupName: input.deploymentGroupName,
      deploymentConfigName: input.deploymentConfigName,
      ...(input.description !== undefined ? { description: input.description } : {}),
      creator: 'user',
      status: 'Created',
      createTime: now,
      revision: input.revision,
      content: input.content,
      autoRollbackConfiguration: input.autoRollbackConfiguration,
      autoRollbackOverridden: input.autoRollbackOverridden,
      ...(input.overrideAlarmConfiguration
        ? { overrideAlarmConfiguration: input.overrideAlarmConfiguration }
        : {}),
      deploymentStatusMessages: [],
      validated: false,
      lifecycleEvents: newLifecycleEvents(),
      targetStatus: 'Pending',
      targetUpdatedAt: now,
      weight: 0,
      phase: 'created',
      phaseAt: now + this.#timing.deploymentStartMs,
      steps: [],
      stepIndex: 0,
      trafficStart: 0,
      stoppedByRequest: false,
      failRollback: false,
    };
    this.#deployments.set(d.deploymentId, d);
    const fault = this.#faults.findIndex((f) => matches(f, d));
    if (fault >= 0) this.#impose(d, internalError(this.#faults.splice(fault, 1)[0]!));
    this.#schedule();
    return d;
  }

  #newId(): string {
    for (;;) {
      const id = deploymentId();
      if (!this.#deployments.has(id)) return id;
    }
  }

  // ------------------------------------------------------------------ API operations

  /** StopDeployment (docs/aws-semantics.md#stopdeployment). */
  stop(
    id: string,
    autoRollbackEnabled: boolean | undefined,
  ): { status: string; statusMessage: string } {
    const d = this.#require(id);
    if (d.status === 'Succeeded' || d.status === 'Failed' || d.status === 'Stopped') {
      if (d.stoppedByRequest) return { status: 'Succeeded', statusMessage: 'Stopping Succeeded.' };
      throw new ApiError(
        400,
        'DeploymentAlreadyCompletedException',
        'The deployment is already complete.',
      );
    }
    if (!d.stop) {
      const now = this.#clock.now();
      d.stop = {
        requestedAt: now,
        completeAt: now + this.#timing.stopMs,
        rollback: autoRollbackEnabled,
      };
      this.#schedule();
    }
    return {
      status: 'Pending',
      statusMessage: 'Stopping Pending. Stopping to deploy revision to targets.',
    };
  }

  /**
   * PutLifecycleEventHookExecutionStatus (docs/aws-semantics.md#lifecycle-hooks). The hook behaviours call this same
   * handler when they report.
   */
  putHookStatus(id: unknown, executionId: unknown, status: unknown, at?: number): string {
    const d = this.#require(id);
    if (status !== 'Succeeded' && status !== 'Failed') {
      throw new ApiError(
        400,
        'InvalidLifecycleEventHookExecutionStatusException',
        `The lifecycle event hook execution status ${String(status)} is not valid. The hook should return Succeeded or Failed.`,
      );
    }
    if (typeof executionId !== 'string' || executionId.length === 0) {
      throw new ApiError(
        400,
        'InvalidLifecycleEventHookExecutionIdException',
        'The lifecycle event hook execution ID is required.',
      );
    }
    const ex = this.#executions.get(executionId);
    if (!ex || ex.deploymentId !== d.deploymentId) {
      throw new ApiError(
        400,
        'InvalidLifecycleEventHookExecutionIdException',
        `The lifecycle event hook execution ID ${executionId} is not valid for deployment ${d.deploymentId}.`,
      );
    }
    if (!ex.open) {
      throw new ApiError(
        400,
        'LifecycleEventAlreadyCompletedException',
        `The lifecycle event ${ex.event} of deployment ${d.deploymentId} has already completed.`,
      );
    }
    ex.open = false;
    ex.result = status;
    ex.resultAt = at ?? this.#clock.now();
    this.#schedule();
    return executionId;
  }

  #require(id: unknown): DeploymentRecord {
    if (typeof id !== 'string' || id.length === 0)
      throw new ApiError(400, 'DeploymentIdRequiredException', 'Deployment Id is required.');
    if (!/^d-[A-Z0-9]{9}$/.test(id))
      throw new ApiError(
        400,
        'InvalidDeploymentIdException',
        `Specified DeploymentId is not in the valid format: ${id}`,
      );
    const d = this.#deployments.get(id);
    if (!d)
      throw new ApiError(
        400,
        'DeploymentDoesNotExistException',
        `The deployment ${id} could not be found.`,
      );
    return d;
  }

  requireDeployment(id: unknown): DeploymentRecord {
    return this.#require(id);
  }

  // ------------------------------------------------------------------ the clockwork

  /** Process everything due up to now, then check alarms, then re-arm the timer. */
  advance(): void {
    const now = this.#clock.now();
    for (let guard = 0; guard < 1_000_000; guard++) {
      let next: DeploymentRecord | undefined;
      let nextAt = Number.POSITIVE_INFINITY;
      for (const d of this.#deployments.values()) {
        if (d.phase === 'done') continue;
        const due = this.#dueAt(d);
        if (due <= now && due < nextAt) {
          next = d;
          nextAt = due;
        }
      }
      if (!next) break;
      this.#step(next, nextAt);
    }
    for (const d of this.#deployments.values()) {
      if (d.phase !== 'done') this.#checkAlarms(d, now);
    }
    this.#schedule();
  }

  #dueAt(d: DeploymentRecord): number {
    if (d.phase === 'done') return Number.POSITIVE_INFINITY;
    return Math.min(d.imposed?.at ?? Number.POSITIVE_INFINITY, this.#ownDueAt(d));
  }

  /** When the deployment's own next step is due. */
  #ownDueAt(d: DeploymentRecord): number {
    if (d.stop) return d.stop.completeAt;
    if (d.phase === 'hook' && d.hook) {
      const ex = d.hook;
      if (ex.result !== undefined) return ex.resultAt ?? 0;
      return Math.min(ex.reportAt ?? Number.POSITIVE_INFINITY, ex.deadline);
    }
    if (d.phase === 'traffic') return d.trafficStart + (d.steps[d.stepIndex]?.offsetMs ?? 0);
    return d.phaseAt;
  }

  #schedule(): void {
    if (this.#closed) return;
    let earliest = Number.POSITIVE_INFINITY;
    let active = false;
    for (const d of this.#deployments.values()) {
      if (d.phase === 'done') continue;
      active = true;
      earliest = Math.min(earliest, this.#dueAt(d));
    }
    this.#unschedule();
    if (!active) return;
    const scale = this.#clock.scale;
    // Tick at least every emulated second (alarm polling), at most every ~5 real ms.
    const pollReal = Math.max(5, Math.min(1000 / scale, 1000));
    const untilDue = (earliest - this.#clock.now()) / scale;
    const delay = Math.max(5, Math.min(pollReal, Number.isFinite(untilDue) ? untilDue : pollReal));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.advance();
    }, delay);
    this.#timer.unref();
  }

  #unschedule(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #step(d: DeploymentRecord, t: number): void {
    if (d.imposed && t >= d.imposed.at) {
      const { error, rollback } = d.imposed;
      d.startTime ??= t;
      this.#finish(d, t, 'Failed', error, rollback ? 'DEPLOYMENT_FAILURE' : undefined);
      return;
    }
    if (d.stop && t >= d.stop.completeAt) {
      d.stoppedByRequest = true;
      // [inferred] code MANUAL_STOP (docs/aws-semantics.md#stopdeployment); the message is the emulator's wording.
      this.#finish(
        d,
        t,
        'Stopped',
        { code: 'MANUAL_STOP', message: 'The deployment was stopped by a user request.' },
        'DEPLOYMENT_STOP_ON_REQUEST',
        d.stop.rollback,
      );
      return;
    }
    if (d.phase !== 'created' && d.creator === 'user' && this.#checkAlarms(d, t)) return;
    switch (d.phase) {
      case 'created':
        this.#start(d, t);
        return;
      case 'hook':
        this.#stepHook(d, t);
        return;
      case 'traffic':
        this.#stepTraffic(d, t);
        return;
      case 'rb-start':
      case 'rb-shift':
      case 'rb-done':
        this.#stepRollback(d, t);
        return;
      default:
        d.phase = 'done';
    }
  }

  #start(d: DeploymentRecord, t: number): void {
    d.status = 'InProgress';
    d.startTime = t;
    d.targetStatus = 'InProgress';
    d.targetUpdatedAt = t;
    const roleMissing = this.#roleMissing(d);
    if (roleMissing) {
      this.#finish(d, t, 'Failed', roleMissing);
      return;
    }
    const parsed = parseLambdaAppSpec(d.content);
    if ('error' in parsed) {
      this.#finish(d, t, 'Failed', invalidConfig(parsed.error));
      return;
    }
    d.spec = parsed.spec;
    const problem = this.#validateLambda(parsed.spec);
    if (problem) {
      this.#finish(d, t, 'Failed', problem);
      return;
    }
    d.validated = true;
    if (this.#checkAlarms(d, t)) return;
    this.#enterHook(d, 'BeforeAllowTraffic', t);
  }

  /**
   * CodeDeploy acts through the group's service role: without it a deployment fails as it
   * starts, before any traffic moves (docs/aws-semantics.md#deployment-start-checks).
   * Code from the API model; the message is the emulator's ([unverified]).
   */
  #roleMissing(d: DeploymentRecord): { code: string; message: string } | undefined {
    const role = this.#host.group(d.applicationName, d.deploymentGroupName)?.serviceRoleArn;
    if (role === undefined || this.#host.roleExists(role)) return undefined;
    return {
      code: 'IAM_ROLE_MISSING',
      message: `The deployment failed because the service role ${role} of deployment group ${d.deploymentGroupName} does not exist.`,
    };
  }

  /** Start-of-deployment checks in docs/aws-semantics.md#deployment-start-checks. */
  #validateLambda(spec: LambdaAppSpec): { code: string; message: string } | undefined {
    const fnName = this.#lambda.resolveName(spec.functionName);
    if (!fnName) {
      // [unverified] text; INVALID_LAMBDA_FUNCTION for a function that does not exist.
      return {
        code: 'INVALID_LAMBDA_FUNCTION',
        message: `The deployment failed because the AWS Lambda function ${spec.functionName} could not be found.`,
      };
    }
    const alias = this.#lambda.getAlias(fnName, spec.alias);
    if (!alias) {
      // [unverified] alias missing: modelled as INVALID_LAMBDA_CONFIGURATION.
      return invalidConfig(`The Lambda function alias ${spec.alias} does not exist.`);
    }
    for (const v of [spec.currentVersion, spec.targetVersion]) {
      if (!this.#lambda.hasVersion(fnName, v)) {
        return invalidConfig(`The Lambda function version ${v} does not exist.`);
      }
    }
    // [obs] Current == Target fails with no detail suffix. Reported for canary/linear;
    // with AllAtOnce it reportedly did not fail: the stricter behaviour (fail) is modelled.
    if (spec.currentVersion === spec.targetVersion) return invalidConfig();
    if (alias.version !== spec.currentVersion) return invalidConfig(MESSAGES.aliasMismatch);
    if (Object.keys(alias.weights).length > 0) {
      // [unverified] A weighted alias makes later deployments fail (UG troubleshooting);
      // the code is most likely INVALID_LAMBDA_CONFIGURATION. Detail is emulator wording.
      return invalidConfig(
        'The Lambda function alias has an additional version routing configuration.',
      );
    }
    return undefined;
  }

  #event(d: DeploymentRecord, name: string): LifecycleEventRecord {
    let ev = d.lifecycleEvents.find((e) => e.lifecycleEventName === name);
    if (!ev) {
      ev = { lifecycleEventName: name, status: 'Pending' };
      d.lifecycleEvents.push(ev);
    }
    return ev;
  }

  /** A lifecycle event a rollback passes over. */
  #skip(d: DeploymentRecord, name: string, t: number): void {
    const ev = this.#event(d, name);
    ev.status = 'Skipped';
    ev.startTime = t;
    ev.endTime = t;
  }

  #enterHook(d: DeploymentRecord, event: HookEvent, t: number): void {
    const spec = d.spec;
    if (!spec) return;
    const ev = this.#event(d, event);
    ev.startTime = t;
    d.targetUpdatedAt = t;
    const name = spec.hooks[event];
    if (name === undefined) {
      ev.status = 'Skipped';
      ev.endTime = t;
      this.#afterHook(d, event, t);
      return;
    }
    ev.status = 'InProgress';
    const resolved = this.#lambda.resolveName(name);
    if (!resolved) {
      // [unverified] hook function missing: INVALID_LAMBDA_FUNCTION (stricter).
      this.#finish(
        d,
        t,
        'Failed',
        {
          code: 'INVALID_LAMBDA_FUNCTION',
          message: `The deployment failed because the AWS Lambda function ${name} specified for the ${event} lifecycle event could not be found.`,
        },
        'DEPLOYMENT_FAILURE',
      );
      return;
    }
    const group = this.#host.group(d.applicationName, d.deploymentGroupName);
    if (group?.managedRolePolicy && !resolved.startsWith('CodeDeployHook_')) {
      // AWSCodeDeployRoleForLambda only grants lambda:InvokeFunction on CodeDeployHook_* (docs/aws-semantics.md#lifecycle-hooks).
      this.#finish(
        d,
        t,
        'Failed',
        {
          code: 'IAM_ROLE_PERMISSIONS',
          message: `The IAM role ${group.serviceRoleArn} does not give you permission to perform operations in the following AWS service: AWSLambda. Contact your AWS administrator if you need help. If you are an AWS administrator, you can grant permissions to your users or groups by creating IAM policies.`,
        },
        'DEPLOYMENT_FAILURE',
      );
      return;
    }
    const ex: HookExecution = {
      id: executionId(),
      deploymentId: d.deploymentId,
      event,
      functionName: resolved,
      startedAt: t,
      deadline: t + HOOK_TIMEOUT_MS,
      open: true,
    };
    const b = this.#hooks.get(resolved) ?? { result: 'Succeeded' };
    if (b.result !== 'never') {
      ex.reportAt = t + Math.max(0, b.afterMs ?? DEFAULT_HOOK_DELAY_MS);
      ex.reportStatus = b.result;
    }
    this.#executions.set(ex.id, ex);
    d.hook = ex;
    d.phase = 'hook';
    // CodeDeploy invokes the hook asynchronously with PascalCase keys (docs/aws-semantics.md#lifecycle-hooks).
    this.#lambda.recordInvocation(
      resolved,
      '$LATEST',
      JSON.stringify({ DeploymentId: d.deploymentId, LifecycleEventHookExecutionId: ex.id }),
      'codedeploy',
      'Event',
      undefined,
      t,
    );
  }

  #afterHook(d: DeploymentRecord, event: HookEvent, t: number): void {
    if (event === 'BeforeAllowTraffic') this.#enterTraffic(d, t);
    else this.#succeed(d, t);
  }

  #stepHook(d: DeploymentRecord, t: number): void {
    const ex = d.hook;
    if (!ex) {
      d.phase = 'done';
      return;
    }
    const ev = this.#event(d, ex.event);
    if (ex.result !== undefined) {
      ev.endTime = t;
      d.hook = undefined;
      if (ex.result === 'Succeeded') {
        ev.status = 'Succeeded';
        this.#afterHook(d, ex.event, t);
      } else {
        ev.status = 'Failed';
        this.#finish(
          d,
          t,
          'Failed',
          { code: 'HOOK_EXECUTION_FAILURE', message: MESSAGES.hookFailure },
          'DEPLOYMENT_FAILURE',
        );
      }
      return;
    }
    if (ex.reportAt !== undefined && t >= ex.reportAt && ex.reportAt <= ex.deadline) {
      const status = ex.reportStatus ?? 'Succeeded';
      ex.reportAt = undefined;
      // The hook "calls" PutLifecycleEventHookExecutionStatus.
      try {
        this.putHookStatus(d.deploymentId, ex.id, status, t);
      } catch {
        // already completed: nothing to do
      }
      return;
    }
    if (t >= ex.deadline) {
      // No report within one hour: the event and the deployment fail (docs/aws-semantics.md#lifecycle-hooks).
      ex.open = false;
      ev.status = 'Failed';
      ev.endTime = t;
      d.hook = undefined;
      this.#finish(
        d,
        t,
        'Failed',
        { code: 'HOOK_EXECUTION_FAILURE', message: MESSAGES.hookFailure },
        'DEPLOYMENT_FAILURE',
      );
    }
  }

  #enterTraffic(d: DeploymentRecord, t: number): void {
    const ev = this.#event(d, 'AllowTraffic');
    ev.status = 'InProgress';
    ev.startTime = t;
    const routing = this.#host.routing(d.deploymentConfigName) ?? { type: 'AllAtOnce' };
    d.steps = trafficSteps(routing);
    d.stepIndex = 0;
    d.trafficStart = t;
    d.phase = 'traffic';
  }

  #stepTraffic(d: DeploymentRecord, t: number): void {
    const spec = d.spec;
    const step = d.steps[d.stepIndex];
    if (!spec || !step) {
      d.phase = 'done';
      return;
    }
    const fnName = this.#lambda.resolveName(spec.functionName);
    if (!fnName || !this.#lambda.getAlias(fnName, spec.alias)) {
      this.#finish(
        d,
        t,
        'Failed',
        invalidConfig(`The Lambda function alias ${spec.alias} does not exist.`),
        'DEPLOYMENT_FAILURE',
      );
      return;
    }
    // During a step the alias keeps FunctionVersion=current with {target: w/100};
    // at 100% FunctionVersion=target and the weights go (docs/aws-semantics.md#alias-during-a-deployment).
    if (step.percent < 100) {
      this.#lambda.setAlias(
        fnName,
        spec.alias,
        spec.currentVersion,
        { [spec.targetVersion]: step.percent / 100 },
        t,
      );
    } else {
      this.#lambda.setAlias(fnName, spec.alias, spec.targetVersion, {}, t);
    }
    d.weight = step.percent;
    d.targetUpdatedAt = t;
    d.stepIndex++;
    if (d.stepIndex >= d.steps.length) {
      const ev = this.#event(d, 'AllowTraffic');
      ev.status = 'Succeeded';
      ev.endTime = t;
      this.#enterHook(d, 'AfterAllowTraffic', t);
    }
  }

  #succeed(d: DeploymentRecord, t: number): void {
    d.status = 'Succeeded';
    d.completeTime = t;
    d.targetStatus = 'Succeeded';
    d.targetUpdatedAt = t;
    d.phase = 'done';
  }

  #rollbackConfig(d: DeploymentRecord): AutoRollbackConfiguration {
    if (d.autoRollbackOverridden) return d.autoRollbackConfiguration;
    return (
      this.#host.group(d.applicationName, d.deploymentGroupName)?.autoRollbackConfiguration ??
      d.autoRollbackConfiguration
    );
  }

  #finish(
    d: DeploymentRecord,
    t: number,
    status: 'Failed' | 'Stopped',
    error: { code: string; message: string },
    trigger?: RollbackEvent,
    forceRollback?: boolean,
  ): void {
    d.status = status;
    d.completeTime = t;
    d.errorInformation = error;
    d.targetStatus = 'Failed';
    d.targetUpdatedAt = t;
    d.phase = 'done';
    d.stop = undefined;
    for (const ev of d.lifecycleEvents) {
      if (ev.status === 'InProgress') {
        ev.status = 'Failed';
        ev.endTime = t;
      } else if (ev.status === 'Pending') {
        ev.status = 'Skipped';
      }
    }
    if (d.hook) {
      d.hook.open = false;
      d.hook = undefined;
    }
    // A rollback needs something to roll back to: only deployments that passed validation
    // ([unverified]: a deployment that failed validation never touched the alias).
    if (d.creator !== 'user' || !d.validated || trigger === undefined) return;
    const cfg = this.#rollbackConfig(d);
    const rollback = forceRollback ?? (cfg.enabled && cfg.events.includes(trigger));
    if (rollback) this.#createRollback(d, t);
  }

  #checkAlarms(d: DeploymentRecord, t: number): boolean {
    if (d.creator !== 'user' || d.status !== 'InProgress' || d.phase === 'done' || d.stop)
      return false;
    const cfg =
      d.overrideAlarmConfiguration ??
      this.#host.group(d.applicationName, d.deploymentGroupName)?.alarmConfiguration;
    if (!cfg?.enabled) return false;
    const firing: string[] = [];
    const unknown: string[] = [];
    for (const { name } of cfg.alarms) {
      const s = this.#alarms.get(name) ?? this.#alarmSource(name);
      if (!s) unknown.push(name);
      else if (s.state === 'ALARM' && s.since <= t) firing.push(name);
    }
    if (firing.length > 0) {
      this.#finish(
        d,
        t,
        'Stopped',
        {
          code: 'ALARM_ACTIVE',
          message: `${MESSAGES.alarm} ${firing.map((n) => `<${n}>`).join(' ')}`,
        },
        'DEPLOYMENT_STOP_ON_ALARM',
      );
      return true;
    }
    if (unknown.length > 0 && !cfg.ignorePollAlarmFailure) {
      // With ignorePollAlarmFailure=false a failure to read alarm state stops the deployment
      // (docs/aws-semantics.md#alarms-and-rollback). Code and wording are the emulator's ([unverified]).
      this.#finish(
        d,
        t,
        'Stopped',
        {
          code: 'ALARM_ACTIVE',
          message: `The deployment was stopped because the state of the following alarms could not be retrieved from Amazon CloudWatch: ${unknown.map((n) => `<${n}>`).join(' ')}`,
        },
        'DEPLOYMENT_STOP_ON_ALARM',
      );
      return true;
    }
    return false;
  }

  // ------------------------------------------------------------------ rollback

  #createRollback(orig: DeploymentRecord, t: number): void {
    const spec = orig.spec;
    if (!spec) return;
    const rbSpec: LambdaAppSpec = {
      functionName: spec.functionName,
      alias: spec.alias,
      currentVersion: spec.targetVersion,
      targetVersion: spec.currentVersion,
      hooks: {},
    };
    const content = JSON.stringify(appSpecDocument(rbSpec));
    const id = this.#newId();
    const rb: DeploymentRecord = {
      deploymentId: id,
      applicationName: orig.applicationName,
      deploymentGroupName: orig.deploymentGroupName,
      deploymentConfigName: orig.deploymentConfigName,
      creator: 'codeDeployRollback',
      status: 'Created',
      createTime: t,
      revision: { revisionType: 'AppSpecContent', appSpecContent: { sha256: sha256Hex(content) } },
      content,
      autoRollbackConfiguration: orig.autoRollbackConfiguration,
      autoRollbackOverridden: orig.autoRollbackOverridden,
      rollbackInfo: {
        rollbackTriggeringDeploymentId: orig.deploymentId,
        rollbackMessage: `Deployment ${id} is triggered to roll back deployment ${orig.deploymentId}.`,
      },
      deploymentStatusMessages: [],
      spec: rbSpec,
      validated: true,
      lifecycleEvents: newLifecycleEvents(),
      targetStatus: 'Pending',
      targetUpdatedAt: t,
      weight: 0,
      phase: 'rb-start',
      phaseAt: t + this.#timing.rollbackMs / 4,
      steps: [],
      stepIndex: 0,
      trafficStart: 0,
      stoppedByRequest: false,
      failRollback: this.#failNextRollback,
    };
    this.#failNextRollback = false;
    orig.rollbackInfo = {
      rollbackDeploymentId: id,
      rollbackMessage: `Deployment ${orig.deploymentId} terminated. Automatic rollback is triggered with a DeploymentId ${id}.`,
    };
    this.#deployments.set(id, rb);
  }

  /** A rollback takes about 2 emulated seconds and restores the alias to the old version. */
  #stepRollback(d: DeploymentRecord, t: number): void {
    const spec = d.spec;
    if (!spec) {
      d.phase = 'done';
      return;
    }
    if (d.phase === 'rb-start') {
      d.status = 'InProgress';
      d.startTime = t;
      d.targetStatus = 'InProgress';
      d.targetUpdatedAt = t;
      const roleMissing = this.#roleMissing(d);
      if (roleMissing) {
        this.#finish(d, t, 'Failed', roleMissing);
        return;
      }
      this.#skip(d, 'BeforeAllowTraffic', t);
      const allow = this.#event(d, 'AllowTraffic');
      allow.status = 'InProgress';
      allow.startTime = t;
      d.phase = 'rb-shift';
      d.phaseAt = t + this.#timing.rollbackMs / 2;
      return;
    }
    if (d.phase === 'rb-shift') {
      if (d.failRollback) {
        this.#finish(d, t, 'Failed', {
          code: 'THROTTLED',
          message: `The deployment failed because the number of requests by the IAM role ${this.#host.group(d.applicationName, d.deploymentGroupName)?.serviceRoleArn ?? 'arn:aws:iam::role/unknown'} exceeded the request limit for AWSLambda. Avoid retrying API requests at a high rate.`,
        });
        return;
      }
      const fnName = this.#lambda.resolveName(spec.functionName);
      const alias = fnName ? this.#lambda.getAlias(fnName, spec.alias) : undefined;
      if (!fnName || !alias) {
        this.#finish(
          d,
          t,
          'Failed',
          invalidConfig(`The Lambda function alias ${spec.alias} does not exist.`),
        );
        return;
      }
      if (alias.version !== spec.targetVersion || Object.keys(alias.weights).length > 0) {
        this.#lambda.setAlias(fnName, spec.alias, spec.targetVersion, {}, t);
      }
      d.weight = 100;
      d.targetUpdatedAt = t;
      const allow = this.#event(d, 'AllowTraffic');
      allow.status = 'Succeeded';
      allow.endTime = t;
      this.#skip(d, 'AfterAllowTraffic', t);
      d.phase = 'rb-done';
      d.phaseAt = t + this.#timing.rollbackMs / 4;
      return;
    }
    this.#succeed(d, t);
  }

  state(): unknown {
    return {
      deployments: this.all().map((d) => ({ ...snapshot(d), phase: d.phase, stop: d.stop })),
      alarms: Object.fromEntries([...this.#alarms].map(([k, v]) => [k, { ...v }])),
      hooks: Object.fromEntries([...this.#hooks].map(([k, v]) => [k, { ...v }])),
      hookExecutions: [...this.#executions.values()].map((e) => ({ ...e })),
      failNextRollback: this.#failNextRollback,
      deploymentFaults: this.#faults.map((f) => ({ ...f })),
      region: this.#region,
    };
  }
}

function matches(f: DeploymentFault, d: DeploymentRecord): boolean {
  return (
    (f.applicationName === undefined || f.applicationName === d.applicationName) &&
    (f.deploymentGroupName === undefined || f.deploymentGroupName === d.deploymentGroupName)
  );
}

/** [unverified] message: CodeDeploy's wording for INTERNAL_ERROR is not published. */
function internalError(f: DeploymentFault): { afterMs: number; error: ImposedFailure['error'] } {
  return {
    afterMs: f.afterMs ?? 0,
    error: {
      code: 'INTERNAL_ERROR',
      message: 'The deployment failed because of an internal error in AWS CodeDeploy.',
    },
  };
}

function newLifecycleEvents(): LifecycleEventRecord[] {
  return ['BeforeAllowTraffic', 'AllowTraffic', 'AfterAllowTraffic'].map((n) => ({
    lifecycleEventName: n,
    status: 'Pending' as const,
  }));
}

function executionId(): string {
  // Opaque, like AWS's base64 blobs.
  const raw = JSON.stringify({
    encryptedData: Buffer.from(crypto.getRandomValues(new Uint8Array(48))).toString('base64'),
    ivParameterSpec: Buffer.from(crypto.getRandomValues(new Uint8Array(12))).toString('base64'),
    materialSetSerial: 1,
  });
  return Buffer.from(raw).toString('base64');
}
