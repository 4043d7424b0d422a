// Lambda's model: functions, $LATEST and its updates, published versions, aliases and
// invocations, with the rules AWS applies to them (docs/aws-semantics.md#lambda-updates-and-versions
// and #aliases). The wire side is api.ts. Where the doc marks a behaviour unverified, the
// stricter reading is modelled and a comment says so.
import type { Clock } from '../clock.ts';
import { ApiError, isRecord, sha256Base64, uuid } from '../util.ts';
import { copySettings, type FunctionSettings, settingsFields } from './config.ts';
import { conflict, invalidParam, notFound, validation } from './errors.ts';
import { kindSettings, readyState, versionStartMs } from './kinds.ts';

export type PackageType = 'Zip' | 'Image';

export type CodeSource =
  | { kind: 'zip' }
  | { kind: 's3'; bucket: string; key: string; objectVersion?: string }
  | { kind: 'image'; uri: string };

export interface CodeState {
  sha256: string;
  size: number;
  source: CodeSource;
}

export interface PendingUpdate {
  completesAt: number;
  failure?: { reason: string; code: string };
  /** RevisionId $LATEST gets when the update finishes (docs/aws-semantics.md#lambda-updates-and-versions: it moves again). */
  finalRevisionId: string;
}

export interface LatestState {
  code: CodeState;
  revisionId: string;
  lastModified: number;
  lastUpdateStatus: 'Successful' | 'Failed' | 'InProgress';
  lastUpdateStatusReason?: string;
  lastUpdateStatusReasonCode?: string;
  update?: PendingUpdate;
  description: string;
  role: string;
  architectures: string[];
  settings: FunctionSettings;
  /**
   * Pending after CreateFunction until `activeAt`; updates and publishes are refused meanwhile.
   * Then Active, or ActiveNonInvocable for good on a capacity-provider function (kinds.ts).
   */
  state: 'Pending' | 'Active' | 'ActiveNonInvocable';
  activeAt: number;
}

export interface VersionRecord {
  version: string;
  code: CodeState;
  description: string;
  role: string;
  architectures: string[];
  revisionId: string;
  /** The $LATEST RevisionId this version was cut from (PublishVersion's no-change rule). */
  fromLatestRevisionId: string;
  lastModified: number;
  settings: FunctionSettings;
  activeAt: number;
  active: boolean;
  /** Set when the version ended Failed (a SnapStart snapshot that could not be made). */
  failed?: { reason: string; code: string };
  /** Set while Pending: it ends Failed with this at `activeAt`. */
  willFail?: { reason: string; code: string };
  /** SnapStart ApplyOn PublishedVersions: OptimizationStatus On once Active. */
  snapStart: boolean;
}

export interface VersionSummary {
  version: string;
  codeSha256: string;
  description: string;
  state: string;
  role: string;
  architectures: string[];
  /** FunctionConfiguration's configuration fields (Runtime, MemorySize, Environment, ...). */
  configuration: Record<string, unknown>;
}

export interface AliasHistoryEntry {
  at: number;
  version: string;
  weights: Record<string, number>;
}

export interface AliasRecord {
  name: string;
  functionVersion: string;
  description: string;
  weights: Record<string, number>;
  revisionId: string;
  history: AliasHistoryEntry[];
}

export interface FunctionBehaviour {
  /** Emulated ms an UpdateFunctionCode stays InProgress (default 2000). */
  updateDelayMs?: number;
  /** LastUpdateStatusReason: the next update ends Failed with it (one shot). */
  updateFailure?: string;
  /** LastUpdateStatusReasonCode of that failure (default InternalError). */
  updateFailureCode?: string;
  /** Emulated ms a newly published version stays in State Pending (default 0). */
  publishPendingMs?: number;
  /** Emulated ms a SnapStart version stays Pending while its snapshot is made (default 180000). */
  snapStartMs?: number;
  /** StateReason: the next SnapStart version ends Failed with it (one shot). */
  snapStartFailure?: string;
  /** Emulated ms a function created by CreateFunction stays Pending (default 1000). */
  createPendingMs?: number;
  /** What Invoke answers. */
  invoke?: { functionError?: string; errorType?: string; payload?: string };
  /**
   * The next `times` (default 1) invokes of a version answer this SnapStart error instead of
   * running (docs/aws-semantics.md "SnapStart invoke errors").
   */
  snapStartInvokeError?: { error: SnapStartInvokeError; times?: number };
  /**
   * The State Lambda reports instead of the modelled one, for states this emulator does not
   * reach by itself (Deleting, a state added after this was written): on $LATEST, or on every
   * version numbered `fromVersion` or higher.
   */
  reportState?: {
    on: '$LATEST' | 'versions';
    state: string;
    reasonCode?: string;
    reason?: string;
    fromVersion?: number;
  };
}

export type SnapStartInvokeError =
  | 'SnapStartNotReadyException'
  | 'SnapStartTimeoutException'
  | 'SnapStartException'
  | 'SnapStartRegenerationFailureException';

export interface InvocationRecord {
  at: number;
  functionName: string;
  version: string;
  qualifier?: string;
  payload: string;
  source: 'api' | 'codedeploy';
  invocationType: string;
  /** X-Amz-Tenant-Id, when the invoke carried one. */
  tenantId?: string;
}

export interface FunctionRecord {
  name: string;
  packageType: PackageType;
  latest: LatestState;
  versions: VersionRecord[];
  nextVersion: number;
  aliases: Map<string, AliasRecord>;
  behaviour: FunctionBehaviour;
  invocations: InvocationRecord[];
}

export interface CreateFunctionSpec {
  name: string;
  /** Bytes of $LATEST's code (for Image functions: the image URI). */
  code?: string;
  role?: string;
  /** Publish this many versions with distinct code; the last one equals $LATEST. */
  versions?: number;
  aliases?: Record<string, string | { version: string; weights?: Record<string, number> }>;
  packageType?: PackageType;
  /** Runtime of a zip function (default nodejs22.x). */
  runtime?: string;
  /** Lambda Managed Instances: the function runs on this capacity provider (kinds.ts). */
  capacityProviderArn?: string;
  /** A durable function (DurableConfig set at creation). */
  durable?: boolean;
  /** Tenant isolation mode PER_TENANT (TenancyConfig set at creation). */
  tenantIsolation?: boolean;
  /** SnapStart ApplyOn PublishedVersions: new versions are Pending while the snapshot is made. */
  snapStart?: boolean;
}

const NAME_PATTERN =
  /^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$/;
const VERSION_PATTERN = /^(\$LATEST|[0-9]+)$/;
const DEFAULT_UPDATE_DELAY_MS = 2000;
/** About 3 minutes observed for a SnapStart snapshot (docs/aws-semantics.md "Readiness"). */
const DEFAULT_SNAPSTART_MS = 180_000;
export const DEFAULT_CREATE_PENDING_MS = 1000;

export class LambdaModel {
  readonly #clock: Clock;
  readonly region: string;
  readonly accountId: string;
  #functions = new Map<string, FunctionRecord>();
  #preset = new Map<string, FunctionBehaviour>();

  constructor(clock: Clock, region: string, accountId: string) {
    this.#clock = clock;
    this.region = region;
    this.accountId = accountId;
  }

  reset(): void {
    this.#functions.clear();
    this.#preset.clear();
  }

  /** Emulated epoch ms. */
  now(): number {
    return this.#clock.now();
  }

  functionArn(name: string, qualifier?: string): string {
    const base = `arn:aws:lambda:${this.region}:${this.accountId}:function:${name}`;
    return qualifier === undefined ? base : `${base}:${qualifier}`;
  }

  // ------------------------------------------------------------------ name resolution

  /**
   * Resolve a FunctionName as AWS accepts it: a name, `name:qualifier`, a partial ARN
   * (`123456789012:function:name[:q]`) or a full ARN.
   */
  parseName(raw: string): { name: string; qualifier?: string } {
    const m = NAME_PATTERN.exec(raw);
    if (!m || raw.length > 170) {
      throw validation(
        raw,
        'functionName',
        'Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?',
      );
    }
    const region = m[3]?.slice(0, -1);
    const account = m[8]?.slice(0, -1);
    const name = m[10] ?? '';
    const qualifier = m[12];
    if (
      (region !== undefined && region !== this.region) ||
      (account && account !== this.accountId)
    ) {
      // Another region or account is another Lambda: nothing of ours is there.
      throw notFound(`Function not found: ${raw}`);
    }
    return qualifier === undefined ? { name } : { name, qualifier };
  }

  fn(raw: string): { fn: FunctionRecord; qualifier?: string } {
    const { name, qualifier } = this.parseName(raw);
    const fn = this.#functions.get(name);
    if (!fn) throw notFound(`Function not found: ${this.functionArn(name)}`);
    this.#settle(fn);
    return qualifier === undefined ? { fn } : { fn, qualifier };
  }

  unqualified(raw: string): FunctionRecord {
    const { fn, qualifier } = this.fn(raw);
    if (qualifier !== undefined && qualifier !== '$LATEST') {
      throw invalidParam(
        'Current operation does not support versions other than $LATEST. Please set version to $LATEST or do not set a version in your request.',
      );
    }
    return fn;
  }

  /** Bring lazily-timed state (update completion, version activation) up to now. */
  #settle(fn: FunctionRecord): void {
    const now = this.#clock.now();
    if (fn.latest.state === 'Pending' && now >= fn.latest.activeAt) {
      // Whether RevisionId moves when Pending turns Active is unverified: modelled as moving.
      fn.latest.state = readyState(fn.latest.settings);
      fn.latest.revisionId = uuid();
      fn.latest.lastUpdateStatus = 'Successful';
    }
    const u = fn.latest.update;
    if (u && now >= u.completesAt) {
      fn.latest.update = undefined;
      fn.latest.revisionId = u.finalRevisionId;
      if (u.failure) {
        fn.latest.lastUpdateStatus = 'Failed';
        fn.latest.lastUpdateStatusReason = u.failure.reason;
        fn.latest.lastUpdateStatusReasonCode = u.failure.code;
      } else {
        fn.latest.lastUpdateStatus = 'Successful';
        fn.latest.lastUpdateStatusReason = undefined;
        fn.latest.lastUpdateStatusReasonCode = undefined;
      }
    }
    for (const v of fn.versions) {
      if (!v.active && !v.failed && now >= v.activeAt) {
        if (v.willFail) v.failed = v.willFail;
        else v.active = true;
        v.willFail = undefined;
        v.revisionId = uuid();
      }
    }
  }

  // ------------------------------------------------------------------ representations

  beginUpdate(
    fn: FunctionRecord,
    now: number,
    failure?: { reason: string; code: string },
  ): PendingUpdate {
    const delay = fn.behaviour.updateDelayMs ?? DEFAULT_UPDATE_DELAY_MS;
    fn.latest.lastModified = now;
    fn.latest.revisionId = uuid();
    fn.latest.lastUpdateStatus = 'InProgress';
    // LocalStack's AWS-verified snapshots show these while an update runs.
    fn.latest.lastUpdateStatusReason = 'The function is being created.';
    fn.latest.lastUpdateStatusReasonCode = 'Creating';
    const update: PendingUpdate = {
      completesAt: now + Math.max(0, delay),
      finalRevisionId: uuid(),
      ...(failure ? { failure } : {}),
    };
    fn.latest.update = update;
    return update;
  }

  newVersion(
    fn: FunctionRecord,
    now: number,
    description: string,
    fromRevision: string,
  ): VersionRecord {
    const b = fn.behaviour;
    const snapStart = fn.latest.settings.snapStart === 'PublishedVersions';
    const pending = snapStart
      ? (b.snapStartMs ?? DEFAULT_SNAPSTART_MS)
      : (b.publishPendingMs ?? versionStartMs(fn.latest.settings));
    const willFail =
      snapStart && b.snapStartFailure !== undefined
        ? { reason: b.snapStartFailure, code: 'FunctionError' }
        : undefined;
    if (snapStart) b.snapStartFailure = undefined;
    const v: VersionRecord = {
      version: String(fn.nextVersion++),
      code: { ...fn.latest.code },
      description,
      role: fn.latest.role,
      architectures: [...fn.latest.architectures],
      revisionId: uuid(),
      fromLatestRevisionId: fromRevision,
      lastModified: now,
      settings: copySettings(fn.latest.settings),
      activeAt: now + Math.max(0, pending),
      active: pending <= 0 && !willFail,
      snapStart,
      ...(willFail ? { willFail } : {}),
    };
    fn.versions.push(v);
    return v;
  }

  alias(fn: FunctionRecord, name: string, op: 'get' | 'update' | 'delete'): AliasRecord {
    const a = fn.aliases.get(name);
    if (!a) {
      const arn = this.functionArn(fn.name, name);
      // GetAlias: "Cannot find alias arn: ..." (docs/aws-semantics.md#aliases). Update/Delete: [unverified]
      // wording; DeleteAlias of a missing alias is modelled strictly as 404.
      throw notFound(op === 'get' ? `Cannot find alias arn: ${arn}` : `Alias not found: ${arn}`);
    }
    return a;
  }

  checkVersion(fn: FunctionRecord, version: unknown): string {
    if (typeof version !== 'string' || !VERSION_PATTERN.test(version)) {
      throw validation(
        String(version),
        'functionVersion',
        'Member must satisfy regular expression pattern: (\\$LATEST|[0-9]+)',
      );
    }
    if (version !== '$LATEST' && !fn.versions.some((v) => v.version === version)) {
      throw notFound(`Function not found: ${this.functionArn(fn.name, version)}`);
    }
    return version;
  }

  /** Routing rules in docs/aws-semantics.md#aliases. Returns the weights to store. */
  checkRouting(
    fn: FunctionRecord,
    functionVersion: string,
    routing: unknown,
  ): Record<string, number> {
    if (routing === undefined || routing === null) return {};
    const weights = isRecord(routing) ? routing['AdditionalVersionWeights'] : undefined;
    if (weights === undefined || weights === null) return {};
    if (!isRecord(weights)) throw invalidParam('AdditionalVersionWeights must be a map.');
    const entries = Object.entries(weights);
    const shown = `{${entries.map(([k, v]) => `${k}=${String(v)}`).join(', ')}}`;
    if (entries.length > 1) {
      throw validation(
        shown,
        'routingConfig.additionalVersionWeights',
        'Map must have length less than or equal to 1',
      );
    }
    for (const [k, w] of entries) {
      if (!/^[0-9]+$/.test(k)) {
        throw validation(
          shown,
          'routingConfig.additionalVersionWeights',
          'Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [0-9]+]',
        );
      }
      if (typeof w !== 'number' || !(w >= 0 && w <= 1)) {
        throw validation(
          shown,
          'routingConfig.additionalVersionWeights',
          'Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0]',
        );
      }
    }
    const [entry] = entries;
    if (!entry) return {};
    if (functionVersion === '$LATEST')
      throw invalidParam('$LATEST is not supported for an alias pointing to more than 1 version');
    const [extra, weight] = entry;
    if (extra === functionVersion) {
      throw invalidParam(
        `Invalid function version ${extra}. Function version ${extra} is already included in routing configuration.`,
      );
    }
    const ev = fn.versions.find((v) => v.version === extra);
    if (!ev) throw notFound(`Function not found: ${this.functionArn(fn.name, extra)}`);
    const main = fn.versions.find((v) => v.version === functionVersion);
    if (main && main.role !== ev.role)
      throw invalidParam('Specified versions must be associated with the same execution role');
    return { [extra]: weight as number };
  }

  putAlias(
    fn: FunctionRecord,
    name: string,
    version: string,
    weights: Record<string, number>,
    at: number,
  ): AliasRecord {
    let a = fn.aliases.get(name);
    if (!a) {
      a = {
        name,
        functionVersion: version,
        description: '',
        weights: {},
        revisionId: '',
        history: [],
      };
      fn.aliases.set(name, a);
    }
    a.functionVersion = version;
    a.weights = { ...weights };
    a.revisionId = uuid();
    a.history.push({ at, version, weights: { ...weights } });
    return a;
  }

  resolveInvokeVersion(fn: FunctionRecord, qualifier: string | undefined): string {
    let version = '$LATEST';
    if (qualifier !== undefined && qualifier !== '$LATEST') {
      if (/^[0-9]+$/.test(qualifier)) {
        version = qualifier;
      } else {
        const a = fn.aliases.get(qualifier);
        if (!a) throw notFound(`Function not found: ${this.functionArn(fn.name, qualifier)}`);
        version = a.functionVersion;
        const [extra] = Object.entries(a.weights);
        if (extra && Math.random() < extra[1]) version = extra[0];
      }
    }
    if (version !== '$LATEST') {
      const v = fn.versions.find((x) => x.version === version);
      if (!v) throw notFound(`Function not found: ${this.functionArn(fn.name, version)}`);
      if (!v.active && v.snapStart && !v.failed) {
        // docs/aws-semantics.md "Readiness": invoking a version whose snapshot is not ready.
        throw new ApiError(
          409,
          'SnapStartNotReadyException',
          'Lambda is initializing your function. You can invoke the function when the state of your function is Active.',
        );
      }
      if (!v.active) {
        throw conflict(
          `The operation cannot be performed at this time. The function is currently in the following state: ${v.failed ? 'Failed' : 'Pending'}`,
        );
      }
    }
    return version;
  }

  createFunction(spec: CreateFunctionSpec): void {
    if (!/^[a-zA-Z0-9-_]{1,64}$/.test(spec.name))
      throw new Error(`invalid function name: ${spec.name}`);
    if (this.#functions.has(spec.name)) throw new Error(`function ${spec.name} already exists`);
    const packageType = spec.packageType ?? 'Zip';
    const now = this.#clock.now();
    const role = spec.role ?? `arn:aws:iam::${this.accountId}:role/${spec.name}-role`;
    const n = spec.versions ?? 0;
    const codeFor = (i: number | undefined): CodeState => {
      if (packageType === 'Image') {
        const repo = `${this.accountId}.dkr.ecr.${this.region}.amazonaws.com/${spec.name}`;
        const base = spec.code ?? `${repo}:latest`;
        return imageCode(i === undefined ? base : `${repo}:v${i}`);
      }
      const base = spec.code ?? `exports.handler = async () => 'hello from ${spec.name}';\n`;
      const bytes = i === undefined ? base : `${base}// version ${i}\n`;
      return {
        sha256: sha256Base64(bytes),
        size: Buffer.byteLength(bytes),
        source: { kind: 'zip' },
      };
    };
    const fn: FunctionRecord = {
      name: spec.name,
      packageType,
      latest: {
        code: codeFor(undefined),
        revisionId: uuid(),
        lastModified: now,
        lastUpdateStatus: 'Successful',
        description: '',
        role,
        architectures: ['x86_64'],
        settings: kindSettings(spec),
        state: 'Active',
        activeAt: now,
      },
      versions: [],
      nextVersion: 1,
      aliases: new Map(),
      behaviour: this.pendingBehaviour(spec.name),
      invocations: [],
    };
    fn.latest.state = readyState(fn.latest.settings);
    this.#functions.set(spec.name, fn);
    for (let i = 1; i <= n; i++) {
      // Versions 1..n-1 carry distinct code; version n is cut from $LATEST as it stands,
      // so publishing again without an update returns version n.
      if (i < n) {
        fn.latest.code = codeFor(i);
        fn.latest.revisionId = uuid();
        this.newVersion(fn, now, `version ${i}`, fn.latest.revisionId);
      } else {
        fn.latest.code = codeFor(undefined);
        fn.latest.revisionId = uuid();
        this.newVersion(fn, now, `version ${i}`, fn.latest.revisionId);
      }
    }
    for (const v of fn.versions) {
      v.active = true;
      v.activeAt = now;
    }
    for (const [alias, target] of Object.entries(spec.aliases ?? {})) {
      const t = typeof target === 'string' ? { version: target } : target;
      this.setAlias(spec.name, alias, t.version, t.weights);
    }
  }

  /** CreateFunction's record, already checked by the API; Pending until `activeAt`. */
  addFunction(fn: FunctionRecord): void {
    if (this.#functions.has(fn.name)) throw conflict(`Function already exist: ${fn.name}`);
    this.#functions.set(fn.name, fn);
  }

  /** 409 while the function is still being created (docs/aws-semantics.md "Readiness"). */
  checkNotPending(fn: FunctionRecord): void {
    if (fn.latest.state === 'Pending')
      throw conflict(
        'The operation cannot be performed at this time. The function is currently in the following state: Pending',
      );
  }

  hasFunction(raw: string): boolean {
    try {
      this.fn(raw);
      return true;
    } catch {
      return false;
    }
  }

  #get(name: string): FunctionRecord {
    const fn = this.#functions.get(name);
    if (!fn) throw new Error(`no function ${name}`);
    this.#settle(fn);
    return fn;
  }

  /** For a function that does not exist yet, kept until CreateFunction makes it. */
  setBehaviour(name: string, b: FunctionBehaviour): void {
    const fn = this.#functions.get(name);
    if (!fn) {
      this.#preset.set(name, { ...this.#preset.get(name), ...b });
      return;
    }
    this.#settle(fn);
    fn.behaviour = { ...fn.behaviour, ...b };
  }

  /** The behaviour set before the function existed (then forgotten). */
  pendingBehaviour(name: string): FunctionBehaviour {
    const b = this.#preset.get(name) ?? {};
    this.#preset.delete(name);
    return b;
  }

  updateCodeOutOfBand(name: string, code: string): void {
    const fn = this.#get(name);
    fn.latest.update = undefined;
    fn.latest.code =
      fn.packageType === 'Image'
        ? imageCode(code)
        : { sha256: sha256Base64(code), size: Buffer.byteLength(code), source: { kind: 'zip' } };
    fn.latest.lastModified = this.#clock.now();
    fn.latest.revisionId = uuid();
    fn.latest.lastUpdateStatus = 'Successful';
    fn.latest.lastUpdateStatusReason = undefined;
    fn.latest.lastUpdateStatusReasonCode = undefined;
  }

  /** Create or move an alias directly (validated like UpdateAlias), recording history. */
  setAlias(
    fnName: string,
    alias: string,
    version: string,
    weights?: Record<string, number>,
    at?: number,
  ): void {
    const fn = this.#get(fnName);
    const v = this.checkVersion(fn, version);
    const w = this.checkRouting(fn, v, { AdditionalVersionWeights: weights ?? {} });
    this.putAlias(fn, alias, v, w, at ?? this.#clock.now());
  }

  /** The alias as {version, weights}, or undefined. Accepts any resolvable function name. */
  getAlias(
    fnName: string,
    alias: string,
  ): { version: string; weights: Record<string, number> } | undefined {
    const fn = this.#lookup(fnName);
    const a = fn?.aliases.get(alias);
    return a ? { version: a.functionVersion, weights: { ...a.weights } } : undefined;
  }

  #lookup(raw: string): FunctionRecord | undefined {
    try {
      return this.fn(raw).fn;
    } catch {
      return undefined;
    }
  }

  resolveName(raw: string): string | undefined {
    return this.#lookup(raw)?.name;
  }

  hasVersion(fnName: string, version: string): boolean {
    const fn = this.#lookup(fnName);
    return !!fn?.versions.some((v) => v.version === version);
  }

  /** The history itself, not a copy: synthetic traffic reads it for every request it makes. */
  aliasHistoryView(fnName: string, alias: string): readonly AliasHistoryEntry[] {
    return this.#lookup(fnName)?.aliases.get(alias)?.history ?? [];
  }

  aliasHistory(fnName: string, alias: string): AliasHistoryEntry[] {
    const a = this.#lookup(fnName)?.aliases.get(alias);
    return a
      ? a.history.map((h) => ({ at: h.at, version: h.version, weights: { ...h.weights } }))
      : [];
  }

  /** Each published version with what it froze: its State and configuration as Lambda reports them. */
  versions(fnName: string): VersionSummary[] {
    const fn = this.#lookup(fnName);
    if (!fn) return [];
    return fn.versions.map((v) => ({
      version: v.version,
      codeSha256: v.code.sha256,
      description: v.description,
      state: v.failed ? 'Failed' : v.active ? 'Active' : 'Pending',
      role: v.role,
      architectures: [...v.architectures],
      configuration: settingsFields(
        v.settings,
        fn.packageType === 'Zip',
        fn.name,
        v.active && v.snapStart,
      ),
    }));
  }

  latest(
    fnName: string,
  ): { codeSha256: string; revisionId: string; lastUpdateStatus: string } | undefined {
    const fn = this.#lookup(fnName);
    return fn
      ? {
          codeSha256: fn.latest.code.sha256,
          revisionId: fn.latest.revisionId,
          lastUpdateStatus: fn.latest.lastUpdateStatus,
        }
      : undefined;
  }

  recordInvocation(
    fnName: string,
    version: string,
    payload: string,
    source: 'api' | 'codedeploy',
    invocationType = 'RequestResponse',
    qualifier?: string,
    at?: number,
    tenantId?: string,
  ): void {
    const fn = this.#lookup(fnName);
    if (!fn) return;
    fn.invocations.push({
      at: at ?? this.#clock.now(),
      functionName: fn.name,
      version,
      payload,
      source,
      invocationType,
      ...(qualifier !== undefined ? { qualifier } : {}),
      ...(tenantId !== undefined ? { tenantId } : {}),
    });
  }

  invocations(fnName?: string): InvocationRecord[] {
    const fns = fnName === undefined ? [...this.#functions.values()] : [this.#lookup(fnName)];
    return fns
      .flatMap((f) => f?.invocations ?? [])
      .sort((a, b) => a.at - b.at)
      .map((i) => ({ ...i }));
  }

  state(): unknown {
    return [...this.#functions.values()].map((fn) => {
      this.#settle(fn);
      return {
        name: fn.name,
        arn: this.functionArn(fn.name),
        packageType: fn.packageType,
        latest: {
          codeSha256: fn.latest.code.sha256,
          codeSize: fn.latest.code.size,
          codeSource: fn.latest.code.source,
          revisionId: fn.latest.revisionId,
          lastUpdateStatus: fn.latest.lastUpdateStatus,
          lastUpdateStatusReason: fn.latest.lastUpdateStatusReason,
          updateCompletesAt: fn.latest.update?.completesAt,
          role: fn.latest.role,
          state: fn.latest.state,
          settings: fn.latest.settings,
        },
        versions: fn.versions.map((v) => ({
          version: v.version,
          codeSha256: v.code.sha256,
          description: v.description,
          revisionId: v.revisionId,
          fromLatestRevisionId: v.fromLatestRevisionId,
          state: v.failed ? 'Failed' : v.active ? 'Active' : 'Pending',
          settings: v.settings,
        })),
        aliases: [...fn.aliases.values()].map((a) => ({
          name: a.name,
          version: a.functionVersion,
          weights: { ...a.weights },
          revisionId: a.revisionId,
          history: a.history,
        })),
        behaviour: fn.behaviour,
        invocations: fn.invocations,
      };
    });
  }
}

export function imageCode(uri: string): CodeState {
  // <account>.dkr.ecr.<region>.amazonaws.com/<repo>(:tag|@sha256:digest)
  if (!/^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/[a-z0-9._\-/]+([:@].+)?$/.test(uri)) {
    throw invalidParam(`Source image ${uri} is not valid. Provide a valid source image.`);
  }
  return { sha256: sha256Base64(`image:${uri}`), size: 0, source: { kind: 'image', uri } };
}
