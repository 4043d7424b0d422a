// Thin Lambda adapter: SDK calls in, plain data out. 404s become `undefined`.
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  type CreateFunctionRequest,
  type FunctionConfiguration,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  type LambdaClient,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type UpdateFunctionConfigurationRequest,
} from '@aws-sdk/client-lambda';
import type { Architecture, ConfigFields, CurrentConfig } from '../function-config/index.ts';
import { orUndefined } from './errors.ts';

const NOT_FOUND = 'ResourceNotFoundException';
/** Lambda's longest function timeout (15 minutes), plus a minute for the round trip. */
const INVOKE_TIMEOUT_MS = 16 * 60_000;
/** A direct upload of up to 50 MB: 5 minutes is 170 KB/s. */
const UPLOAD_TIMEOUT_MS = 5 * 60_000;

export interface FunctionState {
  arn: string;
  version: string;
  codeSha256: string;
  revisionId: string;
  state?: string;
  stateReason?: string;
  stateReasonCode?: string;
  lastUpdateStatus?: string;
  lastUpdateStatusReason?: string;
  lastUpdateStatusReasonCode?: string;
  /** `Runtime` (absent for container images). */
  runtime?: string;
  /** Lambda Managed Instances: the capacity provider the function runs on. */
  capacityProviderArn?: string;
  /** A durable function (DurableConfig is set; it can only be set at creation). */
  durable?: boolean;
  /** TenancyConfig.TenantIsolationMode (`PER_TENANT`): every invoke needs a tenant id. */
  tenantIsolation?: string;
  packageType?: string;
  role?: string;
  /** SnapStart's OptimizationStatus (`On` once a SnapStart version is ready). */
  optimizationStatus?: string;
  /** From GetFunction's Code, for image functions. */
  imageUri?: string;
}

export interface AliasInfo {
  arn: string;
  version: string;
  weights: Record<string, number>;
  revisionId: string;
}

export type NewCode =
  | { zipFile: Uint8Array }
  | { s3Bucket: string; s3Key: string; s3ObjectVersion?: string }
  | { imageUri: string };

/** What CreateFunction needs besides the configuration fields. */
export interface NewFunction {
  code: NewCode;
  packageType: 'Zip' | 'Image';
  architecture?: Architecture;
  fields: ConfigFields;
}

export interface InvokeResult {
  statusCode: number;
  functionError?: string;
  payload: string;
}

function toFunctionState(c: FunctionConfiguration | undefined, imageUri?: string): FunctionState {
  return {
    arn: c?.FunctionArn ?? '',
    version: c?.Version ?? '',
    codeSha256: c?.CodeSha256 ?? '',
    revisionId: c?.RevisionId ?? '',
    state: c?.State,
    stateReason: c?.StateReason,
    stateReasonCode: c?.StateReasonCode,
    lastUpdateStatus: c?.LastUpdateStatus,
    lastUpdateStatusReason: c?.LastUpdateStatusReason,
    lastUpdateStatusReasonCode: c?.LastUpdateStatusReasonCode,
    runtime: c?.Runtime,
    capacityProviderArn:
      c?.CapacityProviderConfig?.LambdaManagedInstancesCapacityProviderConfig?.CapacityProviderArn,
    durable: c?.DurableConfig ? true : undefined,
    tenantIsolation: c?.TenancyConfig?.TenantIsolationMode,
    packageType: c?.PackageType,
    role: c?.Role,
    optimizationStatus: c?.SnapStart?.OptimizationStatus,
    imageUri,
  };
}

function codeInput(code: NewCode) {
  if ('zipFile' in code) return { ZipFile: code.zipFile };
  if ('imageUri' in code) return { ImageUri: code.imageUri };
  return { S3Bucket: code.s3Bucket, S3Key: code.s3Key, S3ObjectVersion: code.s3ObjectVersion };
}

function toAlias(a: {
  AliasArn?: string;
  FunctionVersion?: string;
  RevisionId?: string;
  RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> };
}): AliasInfo {
  return {
    arn: a.AliasArn ?? '',
    version: a.FunctionVersion ?? '',
    weights: { ...(a.RoutingConfig?.AdditionalVersionWeights ?? {}) },
    revisionId: a.RevisionId ?? '',
  };
}

export class LambdaApi {
  private readonly getClient: () => LambdaClient;
  signal?: AbortSignal;
  /** A client, or how to get it when first needed (clients.ts builds them lazily). */
  constructor(client: LambdaClient | (() => LambdaClient), signal?: AbortSignal) {
    this.getClient = typeof client === 'function' ? client : () => client;
    this.signal = signal;
  }

  get client(): LambdaClient {
    return this.getClient();
  }

  private get opts() {
    return { abortSignal: this.signal };
  }

  /** $LATEST, through GetFunction (100 req/s quota against 15 for the rest). */
  async getFunction(fn: string): Promise<FunctionState | undefined> {
    const out = await orUndefined(
      this.client.send(new GetFunctionCommand({ FunctionName: fn }), this.opts),
      NOT_FOUND,
    );
    return out && toFunctionState(out.Configuration, out.Code?.ImageUri);
  }

  async getVersion(fn: string, version: string): Promise<FunctionState | undefined> {
    const out = await orUndefined(
      this.client.send(
        new GetFunctionConfigurationCommand({ FunctionName: fn, Qualifier: version }),
        this.opts,
      ),
      NOT_FOUND,
    );
    return out && toFunctionState(out);
  }

  async getAlias(fn: string, alias: string): Promise<AliasInfo | undefined> {
    const out = await orUndefined(
      this.client.send(new GetAliasCommand({ FunctionName: fn, Name: alias }), this.opts),
      NOT_FOUND,
    );
    return out && toAlias(out);
  }

  /** $LATEST's configuration as GetFunctionConfiguration reports it (API field names). */
  async getConfiguration(fn: string): Promise<CurrentConfig | undefined> {
    const out = await orUndefined(
      this.client.send(new GetFunctionConfigurationCommand({ FunctionName: fn }), this.opts),
      NOT_FOUND,
    );
    return out && (out as CurrentConfig);
  }

  /** Sends only the given fields, pinned to `revisionId` (412 when $LATEST moved). */
  async updateConfiguration(
    fn: string,
    fields: ConfigFields,
    revisionId: string,
  ): Promise<FunctionState> {
    const input = { ...fields, FunctionName: fn, RevisionId: revisionId };
    const out = await this.client.send(
      new UpdateFunctionConfigurationCommand(input as UpdateFunctionConfigurationRequest),
      this.opts,
    );
    return toFunctionState(out);
  }

  /** The function, created Pending; the caller waits for Active. */
  async createFunction(fn: string, spec: NewFunction): Promise<FunctionState> {
    const input = {
      ...spec.fields,
      FunctionName: fn,
      Code: codeInput(spec.code),
      PackageType: spec.packageType,
      Architectures: spec.architecture ? [spec.architecture] : undefined,
      Publish: false,
    };
    const out = await this.client.send(
      new CreateFunctionCommand(input as CreateFunctionRequest),
      'zipFile' in spec.code ? { ...this.opts, requestTimeout: UPLOAD_TIMEOUT_MS } : this.opts,
    );
    return toFunctionState(out);
  }

  /** `architecture` rides here, not on UpdateFunctionConfiguration. */
  async updateCode(
    fn: string,
    code: NewCode,
    revisionId: string,
    architecture?: Architecture,
  ): Promise<FunctionState> {
    const out = await this.client.send(
      new UpdateFunctionCodeCommand({
        FunctionName: fn,
        RevisionId: revisionId,
        ...codeInput(code),
        ...(architecture ? { Architectures: [architecture] } : {}),
      }),
      // A 50 MB zip on a slow uplink takes longer than the clients' request timeout to send.
      'zipFile' in code ? { ...this.opts, requestTimeout: UPLOAD_TIMEOUT_MS } : this.opts,
    );
    return toFunctionState(out);
  }

  async publishVersion(
    fn: string,
    p: { codeSha256: string; revisionId: string; description: string },
  ): Promise<FunctionState> {
    const out = await this.client.send(
      new PublishVersionCommand({
        FunctionName: fn,
        CodeSha256: p.codeSha256,
        RevisionId: p.revisionId,
        Description: p.description,
      }),
      this.opts,
    );
    return toFunctionState(out);
  }

  /** The highest published version number, or 0 when none exists. */
  async latestVersionNumber(fn: string): Promise<number> {
    let max = 0;
    let marker: string | undefined;
    do {
      const out = await this.client.send(
        new ListVersionsByFunctionCommand({ FunctionName: fn, Marker: marker, MaxItems: 50 }),
        this.opts,
      );
      for (const v of out.Versions ?? []) {
        const n = Number(v.Version);
        if (Number.isInteger(n) && n > max) max = n;
      }
      marker = out.NextMarker;
    } while (marker);
    return max;
  }

  async createAlias(fn: string, alias: string, version: string): Promise<AliasInfo> {
    const out = await this.client.send(
      new CreateAliasCommand({ FunctionName: fn, Name: alias, FunctionVersion: version }),
      this.opts,
    );
    return toAlias(out);
  }

  /** Points the alias at one version and clears any weights (`{}` clears; omitting would keep them). */
  async pointAlias(
    fn: string,
    alias: string,
    version: string,
    revisionId?: string,
  ): Promise<AliasInfo> {
    const out = await this.client.send(
      new UpdateAliasCommand({
        FunctionName: fn,
        Name: alias,
        FunctionVersion: version,
        RoutingConfig: { AdditionalVersionWeights: {} },
        RevisionId: revisionId,
      }),
      this.opts,
    );
    return toAlias(out);
  }

  /** `tenantId` rides as X-Amz-Tenant-Id: a tenant-isolated function refuses an invoke without one. */
  async invoke(
    fn: string,
    qualifier: string,
    payload: string,
    tenantId?: string,
  ): Promise<InvokeResult> {
    const out = await this.client.send(
      new InvokeCommand({
        FunctionName: fn,
        Qualifier: qualifier,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(payload),
        ...(tenantId ? { TenantId: tenantId } : {}),
      }),
      // The function may run up to Lambda's 15 minutes: the clients' request timeout (which
      // abandons and retries a slow call) would cut it short and invoke it again.
      { ...this.opts, requestTimeout: INVOKE_TIMEOUT_MS },
    );
    return {
      statusCode: out.StatusCode ?? 0,
      functionError: out.FunctionError,
      payload: out.Payload ? new TextDecoder().decode(out.Payload) : '',
    };
  }
}
