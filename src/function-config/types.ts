// The function's configuration as the action wants it and as Lambda reports it, in the Lambda
// API's own field names so the adapter passes them through unchanged. Pure types.
import type { Runtime } from './runtimes.ts';

/** Where problems go: the settings collector. `message` leaves out the input's name. */
export interface Problems {
  add(input: string, message: string): void;
}

export type Architecture = 'x86_64' | 'arm64';

export interface VpcConfig {
  SubnetIds?: string[];
  SecurityGroupIds?: string[];
  Ipv6AllowedForDualStack?: boolean;
}

export interface LoggingConfig {
  LogFormat?: 'JSON' | 'Text';
  ApplicationLogLevel?: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';
  SystemLogLevel?: 'DEBUG' | 'INFO' | 'WARN';
  LogGroup?: string;
}

export interface ImageConfig {
  EntryPoint?: string[];
  Command?: string[];
  WorkingDirectory?: string;
}

export interface FileSystemConfig {
  Arn: string;
  LocalMountPath: string;
}

export interface CapacityProviderConfig {
  LambdaManagedInstancesCapacityProviderConfig: {
    CapacityProviderArn: string;
    PerExecutionEnvironmentMaxConcurrency?: number;
    ExecutionEnvironmentMemoryGiBPerVCpu?: number;
  };
}

export interface TenancyConfig {
  TenantIsolationMode: 'PER_TENANT';
}

export interface DurableConfig {
  KMSKeyArn?: string;
  RetentionPeriodInDays?: number;
  ExecutionTimeout?: number;
}

/** The UpdateFunctionConfiguration fields the action may set (FunctionName and RevisionId are the caller's). */
export interface ConfigFields {
  Role?: string;
  Handler?: string;
  Description?: string;
  Timeout?: number;
  MemorySize?: number;
  Runtime?: Runtime;
  VpcConfig?: VpcConfig;
  /** The whole set: Lambda replaces every variable. */
  Environment?: { Variables: Record<string, string> };
  DeadLetterConfig?: { TargetArn?: string };
  KMSKeyArn?: string;
  TracingConfig?: { Mode?: 'Active' | 'PassThrough' };
  /** Layer version ARNs in merge order; replaces the list. */
  Layers?: string[];
  FileSystemConfigs?: FileSystemConfig[];
  ImageConfig?: ImageConfig;
  EphemeralStorage?: { Size: number };
  SnapStart?: { ApplyOn?: 'PublishedVersions' | 'None' };
  LoggingConfig?: LoggingConfig;
  CapacityProviderConfig?: CapacityProviderConfig;
  DurableConfig?: DurableConfig;
  /** CreateFunction only (tenant isolation mode cannot change). */
  TenancyConfig?: TenancyConfig;
}

export type ConfigField = keyof ConfigFields;

export interface DesiredConfig {
  /** Only the fields the inputs set; a field not set is left as Lambda has it. */
  fields: ConfigFields;
  /** The input each field came from, for messages. */
  from: Partial<Record<ConfigField, string>>;
  /** Rides on UpdateFunctionCode / CreateFunction, not on UpdateFunctionConfiguration. */
  architecture?: Architecture;
  createFunction: boolean;
  /** True facts the log should show (e.g. a deprecated runtime); never a variable's value. */
  warnings: string[];
}

/** GetFunctionConfiguration's answer, the parts the plan compares (API field names). */
export interface CurrentConfig {
  Role?: string;
  Handler?: string;
  Description?: string;
  Timeout?: number;
  MemorySize?: number;
  Runtime?: string;
  VpcConfig?: VpcConfig & { VpcId?: string };
  Environment?: { Variables?: Record<string, string> };
  DeadLetterConfig?: { TargetArn?: string };
  KMSKeyArn?: string;
  TracingConfig?: { Mode?: string };
  Layers?: { Arn?: string }[];
  FileSystemConfigs?: FileSystemConfig[];
  ImageConfigResponse?: { ImageConfig?: ImageConfig };
  EphemeralStorage?: { Size?: number };
  SnapStart?: { ApplyOn?: string };
  LoggingConfig?: { [K in keyof LoggingConfig]?: string };
  CapacityProviderConfig?: CapacityProviderConfig;
  DurableConfig?: DurableConfig;
  TenancyConfig?: { TenantIsolationMode?: string };
  Architectures?: string[];
}
