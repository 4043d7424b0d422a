// Lambda (REST-JSON, API version 2015-03-31): state and operations.
// Behaviour follows ../../../shared/aws-semantics.md §0.2 and §6. Where the spec marks a
// behaviour [unverified] the stricter reading is modelled and a comment says so.
import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from './clock.ts';
import { ApiError, isRecord, lambdaTimestamp, sha256Base64, uuid } from './util.ts';

export type PackageType = 'Zip' | 'Image';

type CodeSource =
  | { kind: 'zip' }
  | { kind: 's3'; bucket: string; key: string; objectVersion?: string }
  | { kind: 'image'; uri: string };

interface CodeState {
  sha256: string;
  size: number;
  source: CodeSource;
}

interface PendingUpdate {
  completesAt: number;
  failure?: { reason: string; code: string };
  /** RevisionId $LATEST gets when the update finishes (spec 6.1: it moves again). */
  finalRevisionId: string;
}

interface LatestState {
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
}

interface VersionRecord {
  version: string;
  code: CodeState;
  description: string;
  role: string;
  architectures: string[];
  revisionId: string;
  /** The $LATEST RevisionId this version was cut from (PublishVersion's no-change rule). */
  fromLatestRevisionId: string;
  lastModified: number;
  activeAt: number;
  active: boolean;
}

export interface AliasHistoryEntry {
  at: number;
  version: string;
  weights: Record<string, number>;
}

interface AliasRecord {
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
  /** What Invoke answers. */
  invoke?: { functionError?: string; errorType?: string; payload?: string };
}

export interface InvocationRecord {
  at: number;
  functionName: string;
  version: string;
  qualifier?: string;
  payload: string;
  source: 'api' | 'codedeploy';
  invocationType: string;
}

interface FunctionRecord {
  name: string;
  packageType: PackageType;
  runtime: string;
  handler: string;
  timeout: number;
  memorySize: number;
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
}

export interface LambdaRoute {
  operation: string;
  functionName: string;
  aliasName?: string;
}

export interface HttpResult {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

const NAME_PATTERN =
  /^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$/;
const ALIAS_NAME = /^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$/;
const VERSION_PATTERN = /^(\$LATEST|[0-9]+)$/;
const DEFAULT_UPDATE_DELAY_MS = 2000;
const MAX_ZIP_BYTES = 50 * 1024 * 1024;

/** Match a Lambda REST path to an operation. */
export function routeLambda(method: string, path: string): LambdaRoute | undefined {
  const raw = path.split('/').filter((s) => s.length > 0);
  let seg: string[];
  try {
    seg = raw.map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
  if (seg[0] !== '2015-03-31' || seg[1] !== 'functions' || seg[2] === undefined) return undefined;
  const functionName = seg[2];
  const sub = seg[3];
  const m = method.toUpperCase();
  if (seg.length === 3 && m === 'GET') return { operation: 'GetFunction', functionName };
  if (seg.length === 4) {
    if (sub === 'configuration' && m === 'GET')
      return { operation: 'GetFunctionConfiguration', functionName };
    if (sub === 'configuration' && m === 'PUT')
      return { operation: 'UpdateFunctionConfiguration', functionName };
    if (sub === 'code' && m === 'PUT') return { operation: 'UpdateFunctionCode', functionName };
    if (sub === 'versions' && m === 'POST') return { operation: 'PublishVersion', functionName };
    if (sub === 'versions' && m === 'GET')
      return { operation: 'ListVersionsByFunction', functionName };
    if (sub === 'aliases' && m === 'POST') return { operation: 'CreateAlias', functionName };
    if (sub === 'aliases' && m === 'GET') return { operation: 'ListAliases', functionName };
    if (sub === 'invocations' && m === 'POST') return { operation: 'Invoke', functionName };
  }
  if (seg.length === 5 && sub === 'aliases' && seg[4] !== undefined) {
    const aliasName = seg[4];
    if (m === 'GET') return { operation: 'GetAlias', functionName, aliasName };
    if (m === 'PUT') return { operation: 'UpdateAlias', functionName, aliasName };
    if (m === 'DELETE') return { operation: 'DeleteAlias', functionName, aliasName };
  }
  return undefined;
}

export const LAMBDA_MUTATING = new Set([
  'UpdateFunctionCode',
  'UpdateFunctionConfiguration',
  'PublishVersion',
  'CreateAlias',
  'UpdateAlias',
  'DeleteAlias',
  'Invoke',
]);

// Error constructors with AWS's status codes and texts (spec §0.2, §6).
const notFound = (message: string) => new ApiError(404, 'ResourceNotFoundException', message);
const invalidParam = (message: string) =>
  new ApiError(400, 'InvalidParameterValueException', message);
const conflict = (message: string) => new ApiError(409, 'ResourceConflictException', message);
const precondition = () =>
  new ApiError(
    412,
    'PreconditionFailedException',
    'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
  );
const validation = (value: string, member: string, constraint: string) =>
  new ApiError(
    400,
    'ValidationException',
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`,
  );

export class LambdaService {
  readonly #clock: Clock;
  readonly region: string;
  readonly accountId: string;
  #functions = new Map<string, FunctionRecord>();

  constructor(clock: Clock, region: string, accountId: string) {
    this.#clock = clock;
    this.region = region;
    this.accountId = accountId;
  }

  reset(): void {
    this.#functions.clear();
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

  #fn(raw: string): { fn: FunctionRecord; qualifier?: string } {
    const { name, qualifier } = this.parseName(raw);
    const fn = this.#functions.get(name);
    if (!fn) throw notFound(`Function not found: ${this.functionArn(name)}`);
    this.#settle(fn);
    return qualifier === undefined ? { fn } : { fn, qualifier };
  }

  #unqualified(raw: string): FunctionRecord {
    const { fn, qualifier } = this.#fn(raw);
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
      if (!v.active && now >= v.activeAt) {
        v.active = true;
        v.revisionId = uuid();
      }
    }
  }

  // ------------------------------------------------------------------ representations

  #codeFields(fn: FunctionRecord, code: CodeState): Record<string, unknown> {
    return { CodeSha256: code.sha256, CodeSize: code.size, PackageType: fn.packageType };
  }

  #latestConfig(fn: FunctionRecord, arnQualifier?: string): Record<string, unknown> {
    const l = fn.latest;
    const cfg: Record<string, unknown> = {
      FunctionName: fn.name,
      FunctionArn: this.functionArn(fn.name, arnQualifier),
      ...this.#runtimeFields(fn),
      Role: l.role,
      ...this.#codeFields(fn, l.code),
      Description: l.description,
      Timeout: fn.timeout,
      MemorySize: fn.memorySize,
      LastModified: lambdaTimestamp(l.lastModified),
      Version: '$LATEST',
      TracingConfig: { Mode: 'PassThrough' },
      RevisionId: l.revisionId,
      State: 'Active',
      LastUpdateStatus: l.lastUpdateStatus,
      Architectures: [...l.architectures],
      EphemeralStorage: { Size: 512 },
      SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
      LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${fn.name}` },
    };
    if (l.lastUpdateStatusReason !== undefined)
      cfg['LastUpdateStatusReason'] = l.lastUpdateStatusReason;
    if (l.lastUpdateStatusReasonCode !== undefined)
      cfg['LastUpdateStatusReasonCode'] = l.lastUpdateStatusReasonCode;
    return cfg;
  }

  #versionConfig(
    fn: FunctionRecord,
    v: VersionRecord,
    arnQualifier?: string,
  ): Record<string, unknown> {
    const cfg: Record<string, unknown> = {
      FunctionName: fn.name,
      FunctionArn: this.functionArn(fn.name, arnQualifier ?? v.version),
      ...this.#runtimeFields(fn),
      Role: v.role,
      ...this.#codeFields(fn, v.code),
      Description: v.description,
      Timeout: fn.timeout,
      MemorySize: fn.memorySize,
      LastModified: lambdaTimestamp(v.lastModified),
      Version: v.version,
      TracingConfig: { Mode: 'PassThrough' },
      RevisionId: v.revisionId,
      State: v.active ? 'Active' : 'Pending',
      LastUpdateStatus: 'Successful',
      Architectures: [...v.architectures],
      EphemeralStorage: { Size: 512 },
      SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
      LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${fn.name}` },
    };
    if (!v.active) {
      cfg['StateReason'] = 'The function is being created.';
      cfg['StateReasonCode'] = 'Creating';
    }
    return cfg;
  }

  #runtimeFields(fn: FunctionRecord): Record<string, unknown> {
    return fn.packageType === 'Zip' ? { Runtime: fn.runtime, Handler: fn.handler } : {};
  }

  #aliasConfig(fn: FunctionRecord, a: AliasRecord): Record<string, unknown> {
    const out: Record<string, unknown> = {
      AliasArn: this.functionArn(fn.name, a.name),
      Name: a.name,
      FunctionVersion: a.functionVersion,
      Description: a.description,
      RevisionId: a.revisionId,
    };
    if (Object.keys(a.weights).length > 0)
      out['RoutingConfig'] = { AdditionalVersionWeights: { ...a.weights } };
    return out;
  }

  /** The configuration a qualifier designates ($LATEST, a version or an alias). */
  #qualifiedConfig(fn: FunctionRecord, qualifier: string | undefined): Record<string, unknown> {
    if (qualifier === undefined) return this.#latestConfig(fn);
    if (qualifier === '$LATEST') return this.#latestConfig(fn, '$LATEST');
    if (/^[0-9]+$/.test(qualifier)) {
      const v = fn.versions.find((x) => x.version === qualifier);
      if (!v) throw notFound(`Function not found: ${this.functionArn(fn.name, qualifier)}`);
      return this.#versionConfig(fn, v);
    }
    const a = fn.aliases.get(qualifier);
    if (!a) throw notFound(`Function not found: ${this.functionArn(fn.name, qualifier)}`);
    if (a.functionVersion === '$LATEST') return this.#latestConfig(fn, qualifier);
    const v = fn.versions.find((x) => x.version === a.functionVersion);
    if (!v) throw notFound(`Function not found: ${this.functionArn(fn.name, qualifier)}`);
    return this.#versionConfig(fn, v, qualifier);
  }

  #qualifier(nameQualifier: string | undefined, query: URLSearchParams): string | undefined {
    const q = query.get('Qualifier') ?? undefined;
    if (q !== undefined && nameQualifier !== undefined && q !== nameQualifier) {
      throw invalidParam(
        'The derived qualifier from the function name does not match the specified qualifier.',
      );
    }
    const out = q ?? nameQualifier;
    if (out !== undefined && !/^(|[a-zA-Z0-9$_-]+)$/.test(out)) {
      throw validation(
        out,
        'qualifier',
        'Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)',
      );
    }
    return out;
  }

  // ------------------------------------------------------------------ HTTP dispatch

  handle(
    route: LambdaRoute,
    query: URLSearchParams,
    headers: IncomingHttpHeaders,
    body: Buffer,
  ): HttpResult {
    switch (route.operation) {
      case 'GetFunction':
        return this.#getFunction(route.functionName, query);
      case 'GetFunctionConfiguration': {
        const { fn, qualifier } = this.#fn(route.functionName);
        return json(200, this.#qualifiedConfig(fn, this.#qualifier(qualifier, query)));
      }
      case 'UpdateFunctionCode':
        return this.#updateFunctionCode(route.functionName, parseJsonBody(body));
      case 'UpdateFunctionConfiguration':
        return this.#updateFunctionConfiguration(route.functionName, parseJsonBody(body));
      case 'PublishVersion':
        return this.#publishVersion(route.functionName, parseJsonBody(body));
      case 'ListVersionsByFunction':
        return this.#listVersions(route.functionName, query);
      case 'CreateAlias':
        return this.#createAlias(route.functionName, parseJsonBody(body));
      case 'ListAliases':
        return this.#listAliases(route.functionName, query);
      case 'GetAlias': {
        const fn = this.#unqualified(route.functionName);
        return json(200, this.#aliasConfig(fn, this.#alias(fn, route.aliasName ?? '', 'get')));
      }
      case 'UpdateAlias':
        return this.#updateAlias(route.functionName, route.aliasName ?? '', parseJsonBody(body));
      case 'DeleteAlias': {
        const fn = this.#unqualified(route.functionName);
        const a = this.#alias(fn, route.aliasName ?? '', 'delete');
        fn.aliases.delete(a.name);
        return { status: 204 };
      }
      case 'Invoke':
        return this.#invoke(route.functionName, query, headers, body);
      default:
        throw new ApiError(404, 'UnknownOperationException', 'Unknown operation');
    }
  }

  #getFunction(raw: string, query: URLSearchParams): HttpResult {
    const { fn, qualifier } = this.#fn(raw);
    const cfg = this.#qualifiedConfig(fn, this.#qualifier(qualifier, query));
    const code: Record<string, unknown> =
      fn.packageType === 'Image'
        ? {
            RepositoryType: 'ECR',
            ImageUri: this.#imageUriOf(fn, String(cfg['Version'])),
            ResolvedImageUri: `${this.#imageUriOf(fn, String(cfg['Version'])).split(/[:@]/)[0]}@sha256:${Buffer.from(String(cfg['CodeSha256']), 'base64').toString('hex')}`,
          }
        : {
            RepositoryType: 'S3',
            Location: `https://awslambda-${this.region}-tasks.s3.${this.region}.amazonaws.com/snapshots/${this.accountId}/${fn.name}-${uuid()}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=600`,
          };
    return json(200, { Configuration: cfg, Code: code, Tags: {} });
  }

  #imageUriOf(fn: FunctionRecord, version: string): string {
    const code =
      version === '$LATEST' ? fn.latest.code : fn.versions.find((v) => v.version === version)?.code;
    return code?.source.kind === 'image' ? code.source.uri : '';
  }

  #updateFunctionCode(raw: string, body: Record<string, unknown>): HttpResult {
    const fn = this.#unqualified(raw);
    const arn = this.functionArn(fn.name);
    const zip = body['ZipFile'];
    const s3Bucket = body['S3Bucket'];
    const s3Key = body['S3Key'];
    const image = body['ImageUri'];
    const sources = [zip != null, s3Bucket != null || s3Key != null, image != null].filter(Boolean);
    if (sources.length === 0) throw invalidParam('Please provide a source for function code.');
    if (sources.length > 1)
      throw invalidParam(
        'Please provide only one source for function code (ZipFile, S3 or ImageUri).',
      );
    if (fn.packageType === 'Image' && image == null)
      throw invalidParam(
        'Please provide ImageUri when updating a function with packageType Image.',
      );
    if (fn.packageType === 'Zip' && image != null)
      throw invalidParam(
        "Please don't provide ImageUri when updating a function with packageType Zip.",
      );
    let code: CodeState;
    if (zip != null) {
      if (typeof zip !== 'string') throw invalidParam('ZipFile must be base64-encoded.');
      const bytes = Buffer.from(zip, 'base64');
      if (bytes.length > MAX_ZIP_BYTES) {
        throw new ApiError(
          413,
          'RequestEntityTooLargeException',
          'Request must be smaller than 69905067 bytes for the UpdateFunctionCode operation',
        );
      }
      // A zip archive starts with a local file header (PK\x03\x04) or, when empty, with the
      // end-of-central-directory record (PK\x05\x06).
      if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
        throw invalidParam(
          'Could not unzip uploaded file. Please check your file, then try to upload again.',
        );
      }
      code = { sha256: sha256Base64(bytes), size: bytes.length, source: { kind: 'zip' } };
    } else if (image != null) {
      code = imageCode(String(image));
    } else {
      if (typeof s3Bucket !== 'string' || typeof s3Key !== 'string' || !s3Bucket || !s3Key)
        throw invalidParam('Please provide both S3Bucket and S3Key.');
      const ov = typeof body['S3ObjectVersion'] === 'string' ? body['S3ObjectVersion'] : undefined;
      code = s3Code(s3Bucket, s3Key, ov);
    }
    let architectures = fn.latest.architectures;
    const arch = body['Architectures'];
    if (arch !== undefined) {
      if (
        !Array.isArray(arch) ||
        arch.length !== 1 ||
        (arch[0] !== 'x86_64' && arch[0] !== 'arm64')
      ) {
        throw validation(
          JSON.stringify(arch),
          'architectures',
          'Member must have length less than or equal to 1',
        );
      }
      architectures = [arch[0]];
    }
    if (fn.latest.update) {
      throw conflict(
        `The operation cannot be performed at this time. An update is in progress for resource: ${arn}`,
      );
    }
    const rev = body['RevisionId'];
    if (typeof rev === 'string' && rev !== fn.latest.revisionId) throw precondition();
    if (body['DryRun'] === true) {
      return json(200, { ...this.#latestConfig(fn), CodeSha256: code.sha256, CodeSize: code.size });
    }
    const now = this.#clock.now();
    const b = fn.behaviour;
    const failure =
      b.updateFailure !== undefined
        ? { reason: b.updateFailure, code: b.updateFailureCode ?? 'InternalError' }
        : undefined;
    b.updateFailure = undefined;
    b.updateFailureCode = undefined;
    fn.latest.code = code;
    fn.latest.architectures = [...architectures];
    const update = this.#beginUpdate(fn, now, failure);
    if (body['Publish'] === true) {
      const v = this.#newVersion(fn, now, fn.latest.description, update.finalRevisionId);
      // The version only becomes Active once the update has finished.
      v.activeAt = Math.max(v.activeAt, update.completesAt);
      v.active = false;
      return json(200, this.#versionConfig(fn, v));
    }
    return json(200, this.#latestConfig(fn));
  }

  #beginUpdate(
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

  /** Minimal UpdateFunctionConfiguration (Description, Role, Timeout, MemorySize): it counts as a change of $LATEST. */
  #updateFunctionConfiguration(raw: string, body: Record<string, unknown>): HttpResult {
    const fn = this.#unqualified(raw);
    if (fn.latest.update) {
      throw conflict(
        `The operation cannot be performed at this time. An update is in progress for resource: ${this.functionArn(fn.name)}`,
      );
    }
    const rev = body['RevisionId'];
    if (typeof rev === 'string' && rev !== fn.latest.revisionId) throw precondition();
    if (typeof body['Description'] === 'string') fn.latest.description = body['Description'];
    if (typeof body['Role'] === 'string') fn.latest.role = body['Role'];
    if (typeof body['Timeout'] === 'number') fn.timeout = body['Timeout'];
    if (typeof body['MemorySize'] === 'number') fn.memorySize = body['MemorySize'];
    this.#beginUpdate(fn, this.#clock.now());
    return json(200, this.#latestConfig(fn));
  }

  #newVersion(
    fn: FunctionRecord,
    now: number,
    description: string,
    fromRevision: string,
  ): VersionRecord {
    const pending = fn.behaviour.publishPendingMs ?? 0;
    const v: VersionRecord = {
      version: String(fn.nextVersion++),
      code: { ...fn.latest.code },
      description,
      role: fn.latest.role,
      architectures: [...fn.latest.architectures],
      revisionId: uuid(),
      fromLatestRevisionId: fromRevision,
      lastModified: now,
      activeAt: now + Math.max(0, pending),
      active: pending <= 0,
    };
    fn.versions.push(v);
    return v;
  }

  #publishVersion(raw: string, body: Record<string, unknown>): HttpResult {
    const fn = this.#unqualified(raw);
    const arn = this.functionArn(fn.name);
    if (fn.latest.update) {
      throw conflict(
        `The operation cannot be performed at this time. An update is in progress for resource: ${arn}`,
      );
    }
    if (fn.latest.lastUpdateStatus === 'Failed') {
      // [unverified] Publishing after a failed update: modelled strictly as a conflict.
      throw conflict(
        `The operation cannot be performed at this time. The last update of resource ${arn} failed: ${fn.latest.lastUpdateStatusReason ?? ''}`,
      );
    }
    const rev = body['RevisionId'];
    if (typeof rev === 'string' && rev !== fn.latest.revisionId) throw precondition();
    const sha = body['CodeSha256'];
    if (typeof sha === 'string' && sha !== fn.latest.code.sha256) {
      throw invalidParam(
        `CodeSHA256 (${sha}) is different from current CodeSHA256 in $LATEST (${fn.latest.code.sha256}). Please try again with the CodeSHA256 in $LATEST.`,
      );
    }
    const last = fn.versions.at(-1);
    if (last && last.fromLatestRevisionId === fn.latest.revisionId) {
      // No update of $LATEST since the last publish: AWS returns that version (still 201).
      return json(201, this.#versionConfig(fn, last));
    }
    const description =
      typeof body['Description'] === 'string' ? body['Description'] : fn.latest.description;
    const v = this.#newVersion(fn, this.#clock.now(), description, fn.latest.revisionId);
    return json(201, this.#versionConfig(fn, v));
  }

  #listVersions(raw: string, query: URLSearchParams): HttpResult {
    const fn = this.#unqualified(raw);
    const items = [this.#latestConfig(fn), ...fn.versions.map((v) => this.#versionConfig(fn, v))];
    const { page, next } = paginate(items, query, 50);
    return json(200, { Versions: page, ...(next ? { NextMarker: next } : {}) });
  }

  #listAliases(raw: string, query: URLSearchParams): HttpResult {
    const fn = this.#unqualified(raw);
    const fv = query.get('FunctionVersion');
    const items = [...fn.aliases.values()]
      .filter((a) => fv === null || a.functionVersion === fv)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((a) => this.#aliasConfig(fn, a));
    const { page, next } = paginate(items, query, 50);
    return json(200, { Aliases: page, ...(next ? { NextMarker: next } : {}) });
  }

  #alias(fn: FunctionRecord, name: string, op: 'get' | 'update' | 'delete'): AliasRecord {
    const a = fn.aliases.get(name);
    if (!a) {
      const arn = this.functionArn(fn.name, name);
      // GetAlias: "Cannot find alias arn: ..." (spec 6.4). Update/Delete: [unverified]
      // wording; DeleteAlias of a missing alias is modelled strictly as 404.
      throw notFound(op === 'get' ? `Cannot find alias arn: ${arn}` : `Alias not found: ${arn}`);
    }
    return a;
  }

  #checkVersion(fn: FunctionRecord, version: unknown): string {
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

  /** Routing rules of spec 6.4. Returns the weights to store. */
  #checkRouting(
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

  #createAlias(raw: string, body: Record<string, unknown>): HttpResult {
    const fn = this.#unqualified(raw);
    const name = body['Name'];
    if (
      typeof name !== 'string' ||
      name.length < 1 ||
      name.length > 128 ||
      !ALIAS_NAME.test(name)
    ) {
      throw validation(
        String(name),
        'name',
        'Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)',
      );
    }
    const version = this.#checkVersion(fn, body['FunctionVersion']);
    if (fn.aliases.has(name))
      throw conflict(`Alias already exists: ${this.functionArn(fn.name, name)}`);
    const weights = this.#checkRouting(fn, version, body['RoutingConfig']);
    const a = this.#putAlias(fn, name, version, weights, this.#clock.now());
    if (typeof body['Description'] === 'string') a.description = body['Description'];
    return json(201, this.#aliasConfig(fn, a));
  }

  #updateAlias(raw: string, name: string, body: Record<string, unknown>): HttpResult {
    const fn = this.#unqualified(raw);
    const a = this.#alias(fn, name, 'update');
    const rev = body['RevisionId'];
    if (typeof rev === 'string' && rev !== a.revisionId) throw precondition();
    const version =
      body['FunctionVersion'] === undefined
        ? a.functionVersion
        : this.#checkVersion(fn, body['FunctionVersion']);
    // RoutingConfig: omitted keeps the weights, {AdditionalVersionWeights:{}} clears them.
    const weights =
      body['RoutingConfig'] === undefined
        ? this.#checkRouting(fn, version, { AdditionalVersionWeights: a.weights })
        : this.#checkRouting(fn, version, body['RoutingConfig']);
    if (typeof body['Description'] === 'string') a.description = body['Description'];
    this.#putAlias(fn, name, version, weights, this.#clock.now());
    return json(200, this.#aliasConfig(fn, a));
  }

  #putAlias(
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

  #invoke(
    raw: string,
    query: URLSearchParams,
    headers: IncomingHttpHeaders,
    body: Buffer,
  ): HttpResult {
    const { fn, qualifier: nq } = this.#fn(raw);
    const qualifier = this.#qualifier(nq, query);
    const type = headerValue(headers, 'x-amz-invocation-type') ?? 'RequestResponse';
    if (type !== 'RequestResponse' && type !== 'Event' && type !== 'DryRun') {
      throw validation(
        type,
        'invocationType',
        'Member must satisfy enum value set: [Event, RequestResponse, DryRun]',
      );
    }
    const version = this.#resolveInvokeVersion(fn, qualifier);
    const payload = body.toString('utf8');
    if (payload.length > 0) {
      try {
        JSON.parse(payload);
      } catch (e) {
        throw new ApiError(
          400,
          'InvalidRequestContentException',
          `Could not parse request body into json: Could not parse payload into json: ${(e as Error).message}`,
        );
      }
    }
    if (type === 'DryRun') return { status: 204 };
    this.recordInvocation(fn.name, version, payload, 'api', type, qualifier);
    if (type === 'Event') return { status: 202 };
    const b = fn.behaviour.invoke;
    const h: Record<string, string> = { 'X-Amz-Executed-Version': version };
    if (b?.functionError !== undefined) {
      h['X-Amz-Function-Error'] = 'Unhandled';
      return {
        status: 200,
        headers: h,
        body: JSON.stringify({ errorMessage: b.functionError, errorType: b.errorType ?? 'Error' }),
      };
    }
    return { status: 200, headers: h, body: b?.payload ?? 'null' };
  }

  #resolveInvokeVersion(fn: FunctionRecord, qualifier: string | undefined): string {
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
      if (!v.active) {
        throw conflict(
          'The operation cannot be performed at this time. The function is currently in the following state: Pending',
        );
      }
    }
    return version;
  }

  // ------------------------------------------------------------------ programmatic API

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
      runtime: 'nodejs22.x',
      handler: 'index.handler',
      timeout: 3,
      memorySize: 128,
      latest: {
        code: codeFor(undefined),
        revisionId: uuid(),
        lastModified: now,
        lastUpdateStatus: 'Successful',
        description: '',
        role,
        architectures: ['x86_64'],
      },
      versions: [],
      nextVersion: 1,
      aliases: new Map(),
      behaviour: {},
      invocations: [],
    };
    this.#functions.set(spec.name, fn);
    for (let i = 1; i <= n; i++) {
      // Versions 1..n-1 carry distinct code; version n is cut from $LATEST as it stands,
      // so publishing again without an update returns version n.
      if (i < n) {
        fn.latest.code = codeFor(i);
        fn.latest.revisionId = uuid();
        this.#newVersion(fn, now, `version ${i}`, fn.latest.revisionId);
      } else {
        fn.latest.code = codeFor(undefined);
        fn.latest.revisionId = uuid();
        this.#newVersion(fn, now, `version ${i}`, fn.latest.revisionId);
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

  hasFunction(raw: string): boolean {
    try {
      this.#fn(raw);
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

  setBehaviour(name: string, b: FunctionBehaviour): void {
    const fn = this.#get(name);
    fn.behaviour = { ...fn.behaviour, ...b };
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
    const v = this.#checkVersion(fn, version);
    const w = this.#checkRouting(fn, v, { AdditionalVersionWeights: weights ?? {} });
    this.#putAlias(fn, alias, v, w, at ?? this.#clock.now());
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
      return this.#fn(raw).fn;
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

  aliasHistory(fnName: string, alias: string): AliasHistoryEntry[] {
    const a = this.#lookup(fnName)?.aliases.get(alias);
    return a
      ? a.history.map((h) => ({ at: h.at, version: h.version, weights: { ...h.weights } }))
      : [];
  }

  versions(fnName: string): { version: string; codeSha256: string; description: string }[] {
    const fn = this.#lookup(fnName);
    if (!fn) return [];
    return fn.versions.map((v) => ({
      version: v.version,
      codeSha256: v.code.sha256,
      description: v.description,
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
        },
        versions: fn.versions.map((v) => ({
          version: v.version,
          codeSha256: v.code.sha256,
          description: v.description,
          revisionId: v.revisionId,
          fromLatestRevisionId: v.fromLatestRevisionId,
          state: v.active ? 'Active' : 'Pending',
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

function imageCode(uri: string): CodeState {
  // <account>.dkr.ecr.<region>.amazonaws.com/<repo>(:tag|@sha256:digest)
  if (!/^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/[a-z0-9._\-/]+([:@].+)?$/.test(uri)) {
    throw invalidParam(`Source image ${uri} is not valid. Provide a valid source image.`);
  }
  return { sha256: sha256Base64(`image:${uri}`), size: 0, source: { kind: 'image', uri } };
}

function s3Code(bucket: string, key: string, objectVersion?: string): CodeState {
  // The emulator has no S3: the "object" is derived from its coordinates, deterministically.
  const id = `s3://${bucket}/${key}${objectVersion ? `?versionId=${objectVersion}` : ''}`;
  const digest = sha256Base64(id);
  const size = 1024 + (Buffer.from(digest, 'base64').readUInt32BE(0) % 1_000_000);
  return {
    sha256: digest,
    size,
    source: { kind: 's3', bucket, key, ...(objectVersion ? { objectVersion } : {}) },
  };
}

function paginate<T>(
  items: T[],
  query: URLSearchParams,
  maxPage: number,
): { page: T[]; next?: string } {
  const marker = query.get('Marker');
  const maxRaw = query.get('MaxItems');
  let max = maxPage;
  if (maxRaw !== null) {
    const n = Number(maxRaw);
    if (!Number.isInteger(n) || n < 1 || n > 10000) {
      throw validation(maxRaw, 'maxItems', 'Member must have value greater than or equal to 1');
    }
    max = Math.min(n, maxPage);
  }
  let start = 0;
  if (marker !== null && marker !== '') {
    const n = Number(marker);
    if (!Number.isInteger(n) || n < 0 || n > items.length)
      throw invalidParam(`Invalid marker: ${marker}`);
    start = n;
  }
  const page = items.slice(start, start + max);
  const end = start + page.length;
  return end < items.length ? { page, next: String(end) } : { page };
}

function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ApiError(
      400,
      'InvalidRequestContentException',
      'Could not parse request body into json',
    );
  }
  if (!isRecord(v))
    throw new ApiError(400, 'InvalidRequestContentException', 'Request body must be a JSON object');
  return v;
}

function json(status: number, body: unknown): HttpResult {
  return { status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Render an ApiError the way Lambda sends it. */
export function lambdaErrorResponse(err: ApiError): HttpResult {
  // ResourceNotFoundException and ServiceException carry a capital `Message` (spec §0.2).
  const capital = err.code === 'ResourceNotFoundException' || err.code === 'ServiceException';
  const type = err.status >= 500 ? 'Service' : 'User';
  const body: Record<string, unknown> = {
    Type: type,
    [capital ? 'Message' : 'message']: err.message,
    ...err.extra,
  };
  if (err.code === 'ValidationException') {
    delete body['Type'];
  }
  return {
    status: err.status,
    headers: { 'Content-Type': 'application/json', 'X-Amzn-ErrorType': err.code, ...err.headers },
    body: JSON.stringify(body),
  };
}
