// A function's configuration as Lambda keeps it (runtime, handler, memory, environment, ...):
// the checks UpdateFunctionConfiguration and CreateFunction apply to a request, and how the
// fields look in FunctionConfiguration (docs/aws-semantics.md#function-configuration).
import { ApiError, isRecord } from '../util.ts';
import { invalidParam, validation } from './errors.ts';
import { checkCapacityProviderConfig } from './kinds.ts';

export interface FunctionSettings {
  runtime: string;
  handler: string;
  timeout: number;
  memorySize: number;
  /** The whole variable set; {} when none. */
  environment: Record<string, string>;
  layers: string[];
  ephemeralStorage: number;
  tracing: string;
  snapStart: string;
  /** The other fields exactly as last given (VpcConfig, LoggingConfig, KMSKeyArn, ...). */
  other: Record<string, unknown>;
}

export function defaultSettings(): FunctionSettings {
  return {
    runtime: 'nodejs22.x',
    handler: 'index.handler',
    timeout: 3,
    memorySize: 128,
    environment: {},
    layers: [],
    ephemeralStorage: 512,
    tracing: 'PassThrough',
    snapStart: 'None',
    other: {},
  };
}

export function copySettings(s: FunctionSettings): FunctionSettings {
  return structuredClone(s);
}

/** Fields kept as given: Lambda echoes them back (shapes differ little from the request). */
const PASSED_THROUGH = [
  'VpcConfig',
  'DeadLetterConfig',
  'KMSKeyArn',
  'FileSystemConfigs',
  'ImageConfig',
  'LoggingConfig',
  'CapacityProviderConfig',
  'DurableConfig',
  'TenancyConfig',
];

// docs/aws-semantics.md#environment-variables
const RESERVED = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
]);
const ROLE = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const LAYER =
  /^arn:[a-zA-Z0-9-]+:lambda:[a-z]{2}((-gov)|(-iso[a-z]?))?-[a-z]+-\d:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+$/;

function range(
  body: Record<string, unknown>,
  field: string,
  member: string,
  min: number,
  max: number,
) {
  const v = body[field];
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isInteger(v))
    throw new ApiError(
      400,
      'InvalidRequestContentException',
      `Could not parse request body into json: ${field} is not an integer`,
    );
  if (v < min)
    throw validation(String(v), member, `Member must have value greater than or equal to ${min}`);
  if (v > max)
    throw validation(String(v), member, `Member must have value less than or equal to ${max}`);
}

function checkEnvironment(env: unknown): Record<string, string> | undefined {
  if (env === undefined || env === null) return undefined;
  const vars = isRecord(env) ? (env['Variables'] ?? {}) : undefined;
  if (!isRecord(vars)) throw invalidParam('Environment.Variables must be a map of strings.');
  const reserved = Object.keys(vars).filter((k) => RESERVED.has(k));
  if (reserved.length > 0)
    throw invalidParam(
      `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  const bad = Object.keys(vars).find((k) => !/^[a-zA-Z]([a-zA-Z0-9_])+$/.test(k));
  if (bad !== undefined)
    throw validation(
      'sensitive value hidden',
      'environment.variables',
      'Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]',
    );
  const text = JSON.stringify(vars);
  if (Buffer.byteLength(text) > 4096)
    throw invalidParam(
      `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${text}`,
    );
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, String(v)]));
}

/** Checks a request's configuration fields as Lambda does, before anything changes. */
export function checkSettings(body: Record<string, unknown>, region: string): void {
  range(body, 'MemorySize', 'memorySize', 128, 10240);
  // The API model gives Timeout only a minimum; Lambda refuses more than 900 s. [unverified
  // wording: modelled on the model's constraint messages]
  range(body, 'Timeout', 'timeout', 1, 900);
  const eph = body['EphemeralStorage'];
  if (eph !== undefined) {
    if (!isRecord(eph)) throw invalidParam('EphemeralStorage must be an object.');
    range(eph, 'Size', 'ephemeralStorage.size', 512, 10240);
  }
  const role = body['Role'];
  if (role !== undefined && (typeof role !== 'string' || !ROLE.test(role)))
    throw validation(
      String(role),
      'role',
      'Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+',
    );
  const layers = body['Layers'];
  if (layers !== undefined) {
    if (!Array.isArray(layers) || layers.length > 5)
      throw invalidParam('Cannot reference more than 5 layers.');
    for (const l of layers) {
      if (typeof l !== 'string' || !LAYER.test(l))
        throw validation(
          String(l),
          'layers',
          'Member must satisfy constraint: [Member must satisfy regular expression pattern: (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)]',
        );
      if (l.split(':')[3] !== region)
        throw invalidParam(
          `Layers are not in the same region as the function. Layers are expected to be in region ${region}.`,
        );
    }
  }
  checkEnvironment(body['Environment']);
  checkEnum(body, 'TracingConfig', 'Mode', ['Active', 'PassThrough']);
  checkEnum(body, 'SnapStart', 'ApplyOn', ['PublishedVersions', 'None']);
  checkEnum(body, 'TenancyConfig', 'TenantIsolationMode', ['PER_TENANT']);
  checkCapacityProviderConfig(body);
}

/** An enum sub-field (`TracingConfig.Mode`), refused as the API model's constraint words it. */
function checkEnum(body: Record<string, unknown>, field: string, sub: string, values: string[]) {
  const obj = body[field];
  const v = isRecord(obj) ? obj[sub] : undefined;
  if (v === undefined || values.includes(String(v))) return;
  const member = `${field[0]!.toLowerCase()}${field.slice(1)}.${sub[0]!.toLowerCase()}${sub.slice(1)}`;
  throw validation(String(v), member, `Member must satisfy enum value set: [${values.join(', ')}]`);
}

/** Applies the fields a request gives; a field left out stays as it is. */
export function applySettings(s: FunctionSettings, body: Record<string, unknown>): void {
  if (typeof body['Runtime'] === 'string') s.runtime = body['Runtime'];
  if (typeof body['Handler'] === 'string') s.handler = body['Handler'];
  if (typeof body['Timeout'] === 'number') s.timeout = body['Timeout'];
  if (typeof body['MemorySize'] === 'number') s.memorySize = body['MemorySize'];
  const env = checkEnvironment(body['Environment']);
  if (env !== undefined) s.environment = env;
  if (Array.isArray(body['Layers'])) s.layers = body['Layers'].map(String);
  const eph = body['EphemeralStorage'];
  if (isRecord(eph) && typeof eph['Size'] === 'number') s.ephemeralStorage = eph['Size'];
  const tracing = body['TracingConfig'];
  if (isRecord(tracing) && typeof tracing['Mode'] === 'string') s.tracing = tracing['Mode'];
  const snap = body['SnapStart'];
  if (isRecord(snap) && typeof snap['ApplyOn'] === 'string') s.snapStart = snap['ApplyOn'];
  for (const f of PASSED_THROUGH) if (body[f] !== undefined) s.other[f] = structuredClone(body[f]);
}

/** The configuration fields of FunctionConfiguration. `optimized`: a ready SnapStart version. */
export function settingsFields(
  s: FunctionSettings,
  zip: boolean,
  fnName: string,
  optimized: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = zip ? { Runtime: s.runtime, Handler: s.handler } : {};
  out['Timeout'] = s.timeout;
  out['MemorySize'] = s.memorySize;
  // Lambda leaves Environment out when the function has no variables.
  if (Object.keys(s.environment).length > 0)
    out['Environment'] = { Variables: { ...s.environment } };
  if (s.layers.length > 0) out['Layers'] = s.layers.map((Arn) => ({ Arn, CodeSize: 1024 }));
  out['TracingConfig'] = { Mode: s.tracing };
  out['EphemeralStorage'] = { Size: s.ephemeralStorage };
  out['SnapStart'] = { ApplyOn: s.snapStart, OptimizationStatus: optimized ? 'On' : 'Off' };
  const o = s.other;
  const logging = isRecord(o['LoggingConfig']) ? o['LoggingConfig'] : {};
  out['LoggingConfig'] = { LogFormat: 'Text', LogGroup: `/aws/lambda/${fnName}`, ...logging };
  if (isRecord(o['VpcConfig']))
    out['VpcConfig'] = {
      SubnetIds: [],
      SecurityGroupIds: [],
      Ipv6AllowedForDualStack: false,
      ...o['VpcConfig'],
      VpcId: 'vpc-0e1a2b3c4d5e6f708',
    };
  if (o['DeadLetterConfig'] !== undefined) out['DeadLetterConfig'] = o['DeadLetterConfig'];
  if (o['KMSKeyArn']) out['KMSKeyArn'] = o['KMSKeyArn'];
  if (o['FileSystemConfigs'] !== undefined) out['FileSystemConfigs'] = o['FileSystemConfigs'];
  if (o['ImageConfig'] !== undefined)
    out['ImageConfigResponse'] = { ImageConfig: o['ImageConfig'] };
  if (o['CapacityProviderConfig'] !== undefined)
    out['CapacityProviderConfig'] = o['CapacityProviderConfig'];
  if (o['DurableConfig'] !== undefined) out['DurableConfig'] = o['DurableConfig'];
  if (o['TenancyConfig'] !== undefined) out['TenancyConfig'] = o['TenancyConfig'];
  return out;
}
