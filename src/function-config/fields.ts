// Every UpdateFunctionConfiguration field the action sets, with its shape (Lambda's API model:
// types, enums, lengths, patterns) and the dedicated input that also sets it, if any.
import {
  checkDescription,
  checkHandler,
  checkRole,
  checkRuntime,
  checkVariables,
} from './checks.ts';
import {
  ARN_OR_EMPTY,
  EFS_ACCESS_POINT_ARN,
  EPHEMERAL_STORAGE_MB,
  LOG_GROUP,
  MAX_CONCURRENCY_PER_ENVIRONMENT,
  MAX_LAYERS,
  MEMORY_GIB_PER_VCPU,
  MEMORY_MB,
  MOUNT_PATH,
  TIMEOUT_SECONDS,
} from './limits.ts';
import type { Shape } from './shape.ts';
import type { ConfigField } from './types.ts';

const str = (max: number, extra: Partial<Extract<Shape, { t: 'string' }>> = {}): Shape => ({
  t: 'string',
  max,
  ...extra,
});
const strings = (max: number, itemMax: number): Shape => ({ t: 'list', of: str(itemMax), max });
const ANY_ARN = str(2048, { pattern: ARN_OR_EMPTY, forms: 'Valid: an ARN, or `""` to remove it.' });

export const FIELD_SHAPES: Readonly<Record<ConfigField, Shape>> = {
  Role: { t: 'string', check: checkRole },
  Handler: { t: 'string', check: checkHandler },
  Description: { t: 'string', check: checkDescription },
  Timeout: { t: 'int', ...TIMEOUT_SECONDS },
  MemorySize: { t: 'int', ...MEMORY_MB },
  Runtime: { t: 'string', check: checkRuntime },
  VpcConfig: {
    t: 'object',
    fields: {
      SubnetIds: strings(16, 1024),
      SecurityGroupIds: strings(5, 1024),
      Ipv6AllowedForDualStack: { t: 'bool' },
    },
  },
  Environment: {
    t: 'object',
    fields: { Variables: { t: 'strings', check: checkVariables } },
    required: ['Variables'],
  },
  DeadLetterConfig: { t: 'object', fields: { TargetArn: ANY_ARN } },
  KMSKeyArn: ANY_ARN,
  TracingConfig: {
    t: 'object',
    fields: { Mode: { t: 'enum', values: ['Active', 'PassThrough'] } },
  },
  // The layer ARNs themselves are checked with the function's region (parse.ts).
  Layers: { t: 'list', of: str(140), max: MAX_LAYERS },
  FileSystemConfigs: {
    t: 'list',
    max: 1,
    of: {
      t: 'object',
      fields: {
        Arn: str(200, { pattern: EFS_ACCESS_POINT_ARN, forms: 'Valid: an EFS access point ARN.' }),
        LocalMountPath: str(160, { pattern: MOUNT_PATH, forms: 'Valid: `/mnt/<name>`.' }),
      },
      required: ['Arn', 'LocalMountPath'],
    },
  },
  ImageConfig: {
    t: 'object',
    fields: {
      EntryPoint: strings(1500, 1024),
      Command: strings(1500, 1024),
      WorkingDirectory: str(1000),
    },
  },
  EphemeralStorage: {
    t: 'object',
    fields: { Size: { t: 'int', ...EPHEMERAL_STORAGE_MB } },
    required: ['Size'],
  },
  SnapStart: {
    t: 'object',
    fields: { ApplyOn: { t: 'enum', values: ['PublishedVersions', 'None'] } },
  },
  LoggingConfig: {
    t: 'object',
    fields: {
      LogFormat: { t: 'enum', values: ['JSON', 'Text'] },
      ApplicationLogLevel: {
        t: 'enum',
        values: ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'],
      },
      SystemLogLevel: { t: 'enum', values: ['DEBUG', 'INFO', 'WARN'] },
      LogGroup: str(512, { pattern: LOG_GROUP, forms: 'Valid: a CloudWatch Logs group name.' }),
    },
  },
  CapacityProviderConfig: {
    t: 'object',
    fields: {
      LambdaManagedInstancesCapacityProviderConfig: {
        t: 'object',
        fields: {
          CapacityProviderArn: str(2048, {
            pattern: /^arn:aws[a-zA-Z-]*:lambda:/,
            forms: 'Valid: a Lambda capacity provider ARN.',
          }),
          PerExecutionEnvironmentMaxConcurrency: { t: 'int', ...MAX_CONCURRENCY_PER_ENVIRONMENT },
          ExecutionEnvironmentMemoryGiBPerVCpu: { t: 'number', ...MEMORY_GIB_PER_VCPU },
        },
        required: ['CapacityProviderArn'],
      },
    },
    required: ['LambdaManagedInstancesCapacityProviderConfig'],
  },
  DurableConfig: {
    t: 'object',
    fields: {
      KMSKeyArn: ANY_ARN,
      RetentionPeriodInDays: { t: 'int', min: 1, max: 90 },
      ExecutionTimeout: { t: 'int', min: 1, max: 31_622_400 },
    },
  },
  // CreateFunction only: preflight refuses it on a function that exists with another value.
  TenancyConfig: {
    t: 'object',
    fields: { TenantIsolationMode: { t: 'enum', values: ['PER_TENANT'] } },
    required: ['TenantIsolationMode'],
  },
};

export const CONFIG_FIELDS = Object.keys(FIELD_SHAPES) as ConfigField[];

/** The dedicated input for a field: setting both is refused. */
export const DEDICATED_INPUT: Partial<Record<ConfigField, string>> = {
  Runtime: 'runtime',
  Handler: 'handler',
  MemorySize: 'memory-size',
  Timeout: 'function-timeout',
  Environment: 'environment',
  Layers: 'layers',
  Description: 'function-description',
  EphemeralStorage: 'ephemeral-storage',
  Role: 'execution-role',
};

/** Request fields that are not configuration, with where they belong instead. */
export const NOT_CONFIGURATION: Readonly<Record<string, string>> = {
  FunctionName: 'the function is `function-name`',
  RevisionId: 'the action sends the revision it read, so a concurrent change is refused',
  Architectures:
    'it is not an UpdateFunctionConfiguration field; use the `architectures` input (it rides on UpdateFunctionCode)',
};
