// How Lambda's records look on the wire: FunctionConfiguration and AliasConfiguration.
import { lambdaTimestamp } from '../util.ts';
import { notFound } from './errors.ts';
import type {
  AliasRecord,
  CodeState,
  FunctionRecord,
  LambdaModel,
  VersionRecord,
} from './model.ts';

function codeFields(fn: FunctionRecord, code: CodeState): Record<string, unknown> {
  return { CodeSha256: code.sha256, CodeSize: code.size, PackageType: fn.packageType };
}

export function latestConfig(
  m: LambdaModel,
  fn: FunctionRecord,
  arnQualifier?: string,
): Record<string, unknown> {
  const l = fn.latest;
  const cfg: Record<string, unknown> = {
    FunctionName: fn.name,
    FunctionArn: m.functionArn(fn.name, arnQualifier),
    ...runtimeFields(fn),
    Role: l.role,
    ...codeFields(fn, l.code),
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

export function versionConfig(
  m: LambdaModel,
  fn: FunctionRecord,
  v: VersionRecord,
  arnQualifier?: string,
): Record<string, unknown> {
  const cfg: Record<string, unknown> = {
    FunctionName: fn.name,
    FunctionArn: m.functionArn(fn.name, arnQualifier ?? v.version),
    ...runtimeFields(fn),
    Role: v.role,
    ...codeFields(fn, v.code),
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

function runtimeFields(fn: FunctionRecord): Record<string, unknown> {
  return fn.packageType === 'Zip' ? { Runtime: fn.runtime, Handler: fn.handler } : {};
}

export function aliasConfig(
  m: LambdaModel,
  fn: FunctionRecord,
  a: AliasRecord,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    AliasArn: m.functionArn(fn.name, a.name),
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
export function qualifiedConfig(
  m: LambdaModel,
  fn: FunctionRecord,
  qualifier: string | undefined,
): Record<string, unknown> {
  if (qualifier === undefined) return latestConfig(m, fn);
  if (qualifier === '$LATEST') return latestConfig(m, fn, '$LATEST');
  if (/^[0-9]+$/.test(qualifier)) {
    const v = fn.versions.find((x) => x.version === qualifier);
    if (!v) throw notFound(`Function not found: ${m.functionArn(fn.name, qualifier)}`);
    return versionConfig(m, fn, v);
  }
  const a = fn.aliases.get(qualifier);
  if (!a) throw notFound(`Function not found: ${m.functionArn(fn.name, qualifier)}`);
  if (a.functionVersion === '$LATEST') return latestConfig(m, fn, qualifier);
  const v = fn.versions.find((x) => x.version === a.functionVersion);
  if (!v) throw notFound(`Function not found: ${m.functionArn(fn.name, qualifier)}`);
  return versionConfig(m, fn, v, qualifier);
}
