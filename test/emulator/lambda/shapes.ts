// How Lambda's records look on the wire: FunctionConfiguration and AliasConfiguration.
import { lambdaTimestamp } from '../util.ts';
import { settingsFields } from './config.ts';
import { notFound } from './errors.ts';
import { hasCapacityProvider, reportedState } from './kinds.ts';
import type {
  AliasRecord,
  CodeState,
  FunctionRecord,
  LambdaModel,
  LatestState,
  VersionRecord,
} from './model.ts';

function codeFields(fn: FunctionRecord, code: CodeState): Record<string, unknown> {
  return { CodeSha256: code.sha256, CodeSize: code.size, PackageType: fn.packageType };
}

/** The fields $LATEST and a published version share, in FunctionConfiguration's order. */
function configuration(
  fn: FunctionRecord,
  arn: string,
  src: LatestState | VersionRecord,
  status: { version: string; state: string; lastUpdateStatus?: string; optimized: boolean },
): Record<string, unknown> {
  const { Runtime, Handler, ...settings } = settingsFields(
    src.settings,
    fn.packageType === 'Zip',
    fn.name,
    status.optimized,
  );
  return {
    FunctionName: fn.name,
    FunctionArn: arn,
    ...(Runtime === undefined ? {} : { Runtime, Handler }),
    Role: src.role,
    ...codeFields(fn, src.code),
    Description: src.description,
    LastModified: lambdaTimestamp(src.lastModified),
    Version: status.version,
    RevisionId: src.revisionId,
    State: status.state,
    ...(status.lastUpdateStatus === undefined ? {} : { LastUpdateStatus: status.lastUpdateStatus }),
    Architectures: [...src.architectures],
    ...settings,
  };
}

export function latestConfig(
  m: LambdaModel,
  fn: FunctionRecord,
  arnQualifier?: string,
): Record<string, unknown> {
  const l = fn.latest;
  const pending = l.state === 'Pending';
  const cfg = configuration(fn, m.functionArn(fn.name, arnQualifier), l, {
    version: '$LATEST',
    state: l.state,
    // A function being created has no LastUpdateStatus yet [unverified: modelled as absent].
    ...(pending ? {} : { lastUpdateStatus: l.lastUpdateStatus }),
    optimized: false,
  });
  if (pending) {
    cfg['StateReason'] = 'The function is being created.';
    cfg['StateReasonCode'] = 'Creating';
    return cfg;
  }
  if (reported(fn, '$LATEST', cfg)) return cfg;
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
  const cfg = configuration(fn, m.functionArn(fn.name, arnQualifier ?? v.version), v, {
    version: v.version,
    state: v.failed ? 'Failed' : v.active ? 'Active' : 'Pending',
    lastUpdateStatus: 'Successful',
    optimized: v.active && v.snapStart,
  });
  if (reported(fn, v.version, cfg)) return cfg;
  if (v.failed) {
    cfg['StateReason'] = v.failed.reason;
    cfg['StateReasonCode'] = v.failed.code;
  } else if (!v.active) {
    cfg['StateReason'] = v.snapStart
      ? 'Lambda is creating a snapshot of the function for SnapStart.'
      : hasCapacityProvider(v.settings)
        ? 'Lambda is starting the execution environments of the function version.'
        : 'The function is being created.';
    cfg['StateReasonCode'] = 'Creating';
  }
  return cfg;
}

/** A State a test made Lambda report (FunctionBehaviour.reportState), written into `cfg`. */
function reported(fn: FunctionRecord, version: string, cfg: Record<string, unknown>): boolean {
  const r = reportedState(fn, version);
  if (!r) return false;
  cfg['State'] = r.state;
  if (r.reason !== undefined) cfg['StateReason'] = r.reason;
  if (r.reasonCode !== undefined) cfg['StateReasonCode'] = r.reasonCode;
  return true;
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
