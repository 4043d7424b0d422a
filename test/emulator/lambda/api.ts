// Lambda's wire side (REST-JSON, API version 2015-03-31; docs/aws-semantics.md#lambda-wire-protocol):
// the routes, each operation's request handling, and its answer.
import type { IncomingHttpHeaders } from 'node:http';
import type { S3Model } from '../s3/model.ts';
import type { AwsRequest, HttpResult, ServiceApi, ServiceCall } from '../service.ts';
import { ApiError, accessDeniedMessage, isRecord, sha256Base64, uuid } from '../util.ts';
import { applySettings, checkSettings } from './config.ts';
import { createFunction } from './create.ts';
import {
  conflict,
  invalidParam,
  lambdaErrorResponse,
  precondition,
  updateInProgress,
  validation,
} from './errors.ts';
import { checkInvokeOfKind, checkUpdateOfKind, takeSnapStartError, tenantOf } from './kinds.ts';
import { type CodeState, type FunctionRecord, imageCode, type LambdaModel } from './model.ts';
import { checkUpdateRuntime } from './runtimes.ts';
import { readS3Code } from './s3-code.ts';
import { aliasConfig, latestConfig, qualifiedConfig, versionConfig } from './shapes.ts';

export interface LambdaRoute {
  operation: string;
  functionName: string;
  aliasName?: string;
}

const ALIAS_NAME = /^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$/;
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
  if (seg[0] !== '2015-03-31' || seg[1] !== 'functions') return undefined;
  if (seg.length === 2 && method.toUpperCase() === 'POST')
    return { operation: 'CreateFunction', functionName: '' };
  if (seg[2] === undefined) return undefined;
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
  'CreateFunction',
  'UpdateFunctionCode',
  'UpdateFunctionConfiguration',
  'PublishVersion',
  'CreateAlias',
  'UpdateAlias',
  'DeleteAlias',
  'Invoke',
]);

/** Lambda's REST paths start with an API version date (2015-03-31 for everything used here). */
const LAMBDA_PATH = /^\/20\d\d-\d\d-\d\d\//;

export class LambdaApi implements ServiceApi {
  readonly #m: LambdaModel;
  /** Where S3Bucket/S3Key code is read from (the S3 service's buckets). */
  readonly #s3: S3Model;

  constructor(model: LambdaModel, s3: S3Model) {
    this.#m = model;
    this.#s3 = s3;
  }

  /** Lambda's requests: no X-Amz-Target, a versioned path (S3 takes the other REST paths). */
  claims(req: AwsRequest): boolean {
    return req.target === undefined && LAMBDA_PATH.test(req.url.pathname);
  }

  route(req: AwsRequest): ServiceCall {
    const route = routeLambda(req.method, req.url.pathname);
    const operation = route?.operation ?? 'Unknown';
    return {
      operation,
      mutating: LAMBDA_MUTATING.has(operation),
      ...(route
        ? { resource: route.functionName }
        : {
            error: new ApiError(
              404,
              'UnknownOperationException',
              `Unknown operation ${req.method} ${req.url.pathname}`,
            ),
          }),
      run: () => {
        if (!route) throw new ApiError(404, 'UnknownOperationException', 'Unknown operation');
        return this.handle(route, req.url.searchParams, req.headers, req.body);
      },
    };
  }

  errorResponse(e: ApiError): HttpResult {
    return lambdaErrorResponse(e);
  }

  unauthenticated(): ApiError {
    return new ApiError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  }

  readonly faults = {
    throttle: (_call: ServiceCall, f: { retryAfterSeconds?: number }) =>
      new ApiError(
        429,
        'TooManyRequestsException',
        'Rate exceeded',
        { Reason: 'CallerRateLimitExceeded' },
        { 'Retry-After': String(f.retryAfterSeconds ?? 1) },
      ),
    error500: () =>
      new ApiError(
        500,
        'ServiceException',
        'An internal error occurred (injected by the emulator).',
      ),
    // As Lambda words it for UpdateFunctionCode / PublishVersion / UpdateFunctionConfiguration
    // while LastUpdateStatus is InProgress: 409, X-Amzn-ErrorType, {"Type":"User","message"}.
    // Lambda answers an IAM refusal with 403 AccessDeniedException, naming the action.
    denied: (call: ServiceCall) =>
      new ApiError(
        403,
        'AccessDeniedException',
        accessDeniedMessage(
          `lambda:${call.operation}`,
          this.#m.functionArn((call.resource ?? '*').replace(/^.*:function:/, '')),
        ),
      ),
    conflict: (call: ServiceCall) => {
      const name = call.resource ?? '';
      const arn = name.startsWith('arn:')
        ? name
        : this.#m.functionArn(name.replace(/^\d{12}:function:/, ''));
      return updateInProgress(arn);
    },
  };

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

  /** One routed operation. */
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
        const { fn, qualifier } = this.#m.fn(route.functionName);
        return json(200, qualifiedConfig(this.#m, fn, this.#qualifier(qualifier, query)));
      }
      case 'CreateFunction':
        return json(
          201,
          createFunction(this.#m, parseJsonBody(body), (code) =>
            codeFromBody(code, this.#s3, this.#m.region),
          ),
        );
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
        const fn = this.#m.unqualified(route.functionName);
        return json(200, aliasConfig(this.#m, fn, this.#m.alias(fn, route.aliasName ?? '', 'get')));
      }
      case 'UpdateAlias':
        return this.#updateAlias(route.functionName, route.aliasName ?? '', parseJsonBody(body));
      case 'DeleteAlias': {
        const fn = this.#m.unqualified(route.functionName);
        const a = this.#m.alias(fn, route.aliasName ?? '', 'delete');
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
    const { fn, qualifier } = this.#m.fn(raw);
    const cfg = qualifiedConfig(this.#m, fn, this.#qualifier(qualifier, query));
    const code: Record<string, unknown> =
      fn.packageType === 'Image'
        ? {
            RepositoryType: 'ECR',
            ImageUri: this.#imageUriOf(fn, String(cfg['Version'])),
            ResolvedImageUri: `${this.#imageUriOf(fn, String(cfg['Version'])).split(/[:@]/)[0]}@sha256:${Buffer.from(String(cfg['CodeSha256']), 'base64').toString('hex')}`,
          }
        : {
            RepositoryType: 'S3',
            Location: `https://awslambda-${this.#m.region}-tasks.s3.${this.#m.region}.amazonaws.com/snapshots/${this.#m.accountId}/${fn.name}-${uuid()}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=600`,
          };
    return json(200, { Configuration: cfg, Code: code, Tags: {} });
  }

  #imageUriOf(fn: FunctionRecord, version: string): string {
    const code =
      version === '$LATEST' ? fn.latest.code : fn.versions.find((v) => v.version === version)?.code;
    return code?.source.kind === 'image' ? code.source.uri : '';
  }

  #updateFunctionCode(raw: string, body: Record<string, unknown>): HttpResult {
    const fn = this.#m.unqualified(raw);
    this.#m.checkNotPending(fn);
    if (fn.packageType === 'Zip')
      checkUpdateRuntime(fn.latest.settings.runtime, undefined, this.#m.now());
    const arn = this.#m.functionArn(fn.name);
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
    const code = codeFromBody(body, this.#s3, this.#m.region);
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
      throw updateInProgress(arn);
    }
    const rev = body['RevisionId'];
    if (typeof rev === 'string' && rev !== fn.latest.revisionId) throw precondition();
    if (body['DryRun'] === true) {
      return json(200, {
        ...latestConfig(this.#m, fn),
        CodeSha256: code.sha256,
        CodeSize: code.size,
      });
    }
    const now = this.#m.now();
    const failure = this.#takeFailure(fn);
    fn.latest.code = code;
    fn.latest.architectures = [...architectures];
    const update = this.#m.beginUpdate(fn, now, failure);
    if (body['Publish'] === true) {
      const v = this.#m.newVersion(fn, now, fn.latest.description, update.finalRevisionId);
      // The version only becomes Active once the update has finished.
      v.activeAt = Math.max(v.activeAt, update.completesAt);
      v.active = false;
      return json(200, versionConfig(this.#m, fn, v));
    }
    return json(200, latestConfig(this.#m, fn));
  }

  #updateFunctionConfiguration(raw: string, body: Record<string, unknown>): HttpResult {
    const fn = this.#m.unqualified(raw);
    this.#m.checkNotPending(fn);
    checkSettings(body, this.#m.region);
    checkUpdateOfKind(fn, body);
    if (fn.packageType === 'Zip')
      checkUpdateRuntime(fn.latest.settings.runtime, body['Runtime'], this.#m.now());
    if (body['Architectures'] !== undefined)
      throw new ApiError(
        400,
        'InvalidRequestContentException',
        'Could not parse request body into json: Unrecognized field "Architectures"',
      );
    if (fn.latest.update) {
      throw updateInProgress(this.#m.functionArn(fn.name));
    }
    const rev = body['RevisionId'];
    if (typeof rev === 'string' && rev !== fn.latest.revisionId) throw precondition();
    if (typeof body['Description'] === 'string') fn.latest.description = body['Description'];
    if (typeof body['Role'] === 'string') fn.latest.role = body['Role'];
    applySettings(fn.latest.settings, body);
    // Every update moves RevisionId and counts for PublishVersion, even with identical values.
    this.#m.beginUpdate(fn, this.#m.now(), this.#takeFailure(fn));
    return json(200, latestConfig(this.#m, fn));
  }

  /** The one-shot failure set by control op for the next update. */
  #takeFailure(fn: FunctionRecord): { reason: string; code: string } | undefined {
    const b = fn.behaviour;
    const failure =
      b.updateFailure !== undefined
        ? { reason: b.updateFailure, code: b.updateFailureCode ?? 'InternalError' }
        : undefined;
    b.updateFailure = undefined;
    b.updateFailureCode = undefined;
    return failure;
  }

  #publishVersion(raw: string, body: Record<string, unknown>): HttpResult {
    const fn = this.#m.unqualified(raw);
    this.#m.checkNotPending(fn);
    const arn = this.#m.functionArn(fn.name);
    if (fn.latest.update) {
      throw updateInProgress(arn);
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
      return json(201, versionConfig(this.#m, fn, last));
    }
    const description =
      typeof body['Description'] === 'string' ? body['Description'] : fn.latest.description;
    const v = this.#m.newVersion(fn, this.#m.now(), description, fn.latest.revisionId);
    return json(201, versionConfig(this.#m, fn, v));
  }

  #listVersions(raw: string, query: URLSearchParams): HttpResult {
    const fn = this.#m.unqualified(raw);
    const items = [
      latestConfig(this.#m, fn),
      ...fn.versions.map((v) => versionConfig(this.#m, fn, v)),
    ];
    const { page, next } = paginate(items, query, 50);
    return json(200, { Versions: page, ...(next ? { NextMarker: next } : {}) });
  }

  #listAliases(raw: string, query: URLSearchParams): HttpResult {
    const fn = this.#m.unqualified(raw);
    const fv = query.get('FunctionVersion');
    const items = [...fn.aliases.values()]
      .filter((a) => fv === null || a.functionVersion === fv)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((a) => aliasConfig(this.#m, fn, a));
    const { page, next } = paginate(items, query, 50);
    return json(200, { Aliases: page, ...(next ? { NextMarker: next } : {}) });
  }

  #createAlias(raw: string, body: Record<string, unknown>): HttpResult {
    const fn = this.#m.unqualified(raw);
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
    const version = this.#m.checkVersion(fn, body['FunctionVersion']);
    if (fn.aliases.has(name))
      throw conflict(`Alias already exists: ${this.#m.functionArn(fn.name, name)}`);
    const weights = this.#m.checkRouting(fn, version, body['RoutingConfig']);
    const a = this.#m.putAlias(fn, name, version, weights, this.#m.now());
    if (typeof body['Description'] === 'string') a.description = body['Description'];
    return json(201, aliasConfig(this.#m, fn, a));
  }

  #updateAlias(raw: string, name: string, body: Record<string, unknown>): HttpResult {
    const fn = this.#m.unqualified(raw);
    const a = this.#m.alias(fn, name, 'update');
    const rev = body['RevisionId'];
    if (typeof rev === 'string' && rev !== a.revisionId) throw precondition();
    const version =
      body['FunctionVersion'] === undefined
        ? a.functionVersion
        : this.#m.checkVersion(fn, body['FunctionVersion']);
    // RoutingConfig: omitted keeps the weights, {AdditionalVersionWeights:{}} clears them.
    const weights =
      body['RoutingConfig'] === undefined
        ? this.#m.checkRouting(fn, version, { AdditionalVersionWeights: a.weights })
        : this.#m.checkRouting(fn, version, body['RoutingConfig']);
    if (typeof body['Description'] === 'string') a.description = body['Description'];
    this.#m.putAlias(fn, name, version, weights, this.#m.now());
    return json(200, aliasConfig(this.#m, fn, a));
  }

  #invoke(
    raw: string,
    query: URLSearchParams,
    headers: IncomingHttpHeaders,
    body: Buffer,
  ): HttpResult {
    const { fn, qualifier: nq } = this.#m.fn(raw);
    const qualifier = this.#qualifier(nq, query);
    const type = headerValue(headers, 'x-amz-invocation-type') ?? 'RequestResponse';
    if (type !== 'RequestResponse' && type !== 'Event' && type !== 'DryRun') {
      throw validation(
        type,
        'invocationType',
        'Member must satisfy enum value set: [Event, RequestResponse, DryRun]',
      );
    }
    const version = this.#m.resolveInvokeVersion(fn, checkInvokeOfKind(fn, qualifier, headers));
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
    const snapStartError = version === '$LATEST' ? undefined : takeSnapStartError(fn);
    if (snapStartError) throw snapStartError;
    const tenant = tenantOf(headers);
    this.#m.recordInvocation(fn.name, version, payload, 'api', type, qualifier, undefined, tenant);
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

/** The package an UpdateFunctionCode or CreateFunction body names: a zip, an image or an S3 object. */
export function codeFromBody(
  body: Record<string, unknown>,
  s3: S3Model,
  region: string,
): CodeState {
  const zip = body['ZipFile'];
  const s3Bucket = body['S3Bucket'];
  const s3Key = body['S3Key'];
  const image = body['ImageUri'];
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
    checkZip(bytes);
    return { sha256: sha256Base64(bytes), size: bytes.length, source: { kind: 'zip' } };
  } else if (image != null) {
    return imageCode(String(image));
  } else {
    if (typeof s3Bucket !== 'string' || typeof s3Key !== 'string' || !s3Bucket || !s3Key)
      throw invalidParam('Please provide both S3Bucket and S3Key.');
    const ov = typeof body['S3ObjectVersion'] === 'string' ? body['S3ObjectVersion'] : undefined;
    const bytes = readS3Code(s3, region, s3Bucket, s3Key, ov);
    checkZip(bytes);
    return {
      sha256: sha256Base64(bytes),
      size: bytes.length,
      source: { kind: 's3', bucket: s3Bucket, key: s3Key, ...(ov ? { objectVersion: ov } : {}) },
    };
  }
}

/**
 * A zip archive starts with a local file header (PK\x03\x04) or, when empty, with the
 * end-of-central-directory record (PK\x05\x06).
 */
function checkZip(bytes: Uint8Array): void {
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
    throw invalidParam(
      'Could not unzip uploaded file. Please check your file, then try to upload again.',
    );
  }
}
