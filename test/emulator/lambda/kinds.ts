// The kinds of function Lambda added in 2025 and the rules that come with them
// (docs/aws-semantics.md "Lambda in 2026: function kinds"):
// - Managed Instances (CapacityProviderConfig): $LATEST is ActiveNonInvocable for good and is
//   never invoked; a published version is Pending while its execution environments start;
//   an unqualified invoke runs the published version (NoPublishedVersionException before one).
// - Durable functions (DurableConfig): set at creation only; never invoked unqualified.
// - Tenant isolation (TenancyConfig): set at creation only; every invoke names a tenant.
// - SnapStart invoke errors, one shot or a few, set by a test.
// Where AWS does not say, the stricter behaviour is modelled and marked [unverified].
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError, isRecord } from '../util.ts';
import { defaultSettings, type FunctionSettings } from './config.ts';
import { invalidParam, validation } from './errors.ts';
import type { CreateFunctionSpec, FunctionRecord, SnapStartInvokeError } from './model.ts';

/** Emulated ms a capacity-provider version stays Pending by default (AWS: up to 15 minutes). */
const DEFAULT_VERSION_START_MS = 90_000;

const capacityProvider = (s: FunctionSettings): Record<string, unknown> | undefined => {
  const c = s.other['CapacityProviderConfig'];
  const mi = isRecord(c) ? c['LambdaManagedInstancesCapacityProviderConfig'] : undefined;
  return isRecord(mi) ? mi : undefined;
};

export const hasCapacityProvider = (s: FunctionSettings): boolean =>
  capacityProvider(s) !== undefined;
const isDurable = (s: FunctionSettings): boolean => s.other['DurableConfig'] !== undefined;
const isTenantIsolated = (s: FunctionSettings): boolean => s.other['TenancyConfig'] !== undefined;

/** The state $LATEST settles in once created. */
export function readyState(s: FunctionSettings): 'Active' | 'ActiveNonInvocable' {
  return hasCapacityProvider(s) ? 'ActiveNonInvocable' : 'Active';
}

/** How long a new version stays Pending when the test has not said. */
export function versionStartMs(s: FunctionSettings): number {
  return hasCapacityProvider(s) ? DEFAULT_VERSION_START_MS : 0;
}

/** A control-op function's configuration, with the kind it asks for. */
export function kindSettings(spec: CreateFunctionSpec): FunctionSettings {
  const s = defaultSettings();
  if (spec.runtime) s.runtime = spec.runtime;
  if (spec.snapStart) s.snapStart = 'PublishedVersions';
  if (spec.capacityProviderArn)
    s.other['CapacityProviderConfig'] = {
      LambdaManagedInstancesCapacityProviderConfig: {
        CapacityProviderArn: spec.capacityProviderArn,
      },
    };
  if (spec.durable)
    s.other['DurableConfig'] = { ExecutionTimeout: 86_400, RetentionPeriodInDays: 14 };
  if (spec.tenantIsolation) s.other['TenancyConfig'] = { TenantIsolationMode: 'PER_TENANT' };
  return s;
}

/** CapacityProviderConfig's ranges, as the API model states them. */
export function checkCapacityProviderConfig(body: Record<string, unknown>): void {
  const c = body['CapacityProviderConfig'];
  if (c === undefined) return;
  const mi = isRecord(c) ? c['LambdaManagedInstancesCapacityProviderConfig'] : undefined;
  if (!isRecord(mi) || typeof mi['CapacityProviderArn'] !== 'string')
    throw validation(
      'null',
      'capacityProviderConfig.lambdaManagedInstancesCapacityProviderConfig.capacityProviderArn',
      'Member must not be null',
    );
  const range = (field: string, min: number, max: number) => {
    const v = mi[field];
    if (v === undefined) return;
    const member = `capacityProviderConfig.lambdaManagedInstancesCapacityProviderConfig.${field[0]!.toLowerCase()}${field.slice(1)}`;
    if (typeof v !== 'number' || v < min)
      throw validation(String(v), member, `Member must have value greater than or equal to ${min}`);
    if (v > max)
      throw validation(String(v), member, `Member must have value less than or equal to ${max}`);
  };
  range('PerExecutionEnvironmentMaxConcurrency', 1, 1600);
  range('ExecutionEnvironmentMemoryGiBPerVCpu', 2, 8);
}

/**
 * UpdateFunctionConfiguration: DurableConfig and TenancyConfig are creation-only, and a
 * default function cannot gain a capacity provider. [unverified wording of the first two]
 */
export function checkUpdateOfKind(fn: FunctionRecord, body: Record<string, unknown>): void {
  const s = fn.latest.settings;
  const same = (field: string) => JSON.stringify(body[field]) === JSON.stringify(s.other[field]);
  if (body['DurableConfig'] !== undefined && !same('DurableConfig'))
    throw invalidParam('DurableConfig can only be set when the function is created.');
  if (body['TenancyConfig'] !== undefined && !same('TenancyConfig'))
    throw invalidParam('TenancyConfig can only be set when the function is created.');
  if (body['CapacityProviderConfig'] !== undefined && !hasCapacityProvider(s))
    throw invalidParam("CapacityProviderConfig isn't supported for Lambda Default functions.");
}

/**
 * The invoke rules of the function's kind, before the version is resolved. Returns the
 * qualifier to run: an unqualified invoke of a capacity-provider function runs the latest
 * published version (standing in for `$LATEST.PUBLISHED`).
 */
export function checkInvokeOfKind(
  fn: FunctionRecord,
  qualifier: string | undefined,
  headers: IncomingHttpHeaders,
): string | undefined {
  const s = fn.latest.settings;
  const unqualified = qualifier === undefined || qualifier === '$LATEST';
  if (isTenantIsolated(s) && !tenantOf(headers))
    // [unverified] AWS's wording and status for an invoke without a tenant id.
    throw invalidParam(
      'The function is configured with tenant isolation mode PER_TENANT: specify a tenant id (X-Amz-Tenant-Id) to invoke it.',
    );
  if (isDurable(s) && unqualified)
    // [unverified for $LATEST] refused as the unqualified ARN is.
    throw invalidParam('You cannot invoke a durable function using an unqualified ARN.');
  if (!hasCapacityProvider(s)) return qualifier;
  if (qualifier === '$LATEST')
    throw invalidParam(
      "Functions configured with capacity provider configuration can't be invoked with $LATEST qualifier. Publish a version and invoke it.",
    );
  if (qualifier !== undefined) return qualifier;
  const published = fn.versions.at(-1);
  if (!published)
    throw new ApiError(
      400,
      'NoPublishedVersionException',
      'The function has no published version to invoke. Publish a version first.',
    );
  return published.version;
}

export function tenantOf(headers: IncomingHttpHeaders): string | undefined {
  const v = headers['x-amz-tenant-id'];
  return (Array.isArray(v) ? v[0] : v) || undefined;
}

const SNAPSTART_ERRORS: Readonly<Record<SnapStartInvokeError, [number, string]>> = {
  SnapStartNotReadyException: [
    409,
    'Lambda is initializing your function. You can invoke the function when the state of your function is Active.',
  ],
  SnapStartTimeoutException: [
    408,
    "Lambda couldn't restore the snapshot within the timeout limit.",
  ],
  SnapStartException: [400, 'Lambda could not restore the snapshot of the function.'],
  SnapStartRegenerationFailureException: [
    409,
    'Lambda could not regenerate the snapshot of the function version.',
  ],
};

/** The SnapStart error a test set for the next invokes of a version, counted down. */
export function takeSnapStartError(fn: FunctionRecord): ApiError | undefined {
  const e = fn.behaviour.snapStartInvokeError;
  if (!e) return undefined;
  const left = (e.times ?? 1) - 1;
  fn.behaviour.snapStartInvokeError = left > 0 ? { ...e, times: left } : undefined;
  const [status, message] = SNAPSTART_ERRORS[e.error];
  return new ApiError(status, e.error, message);
}

/** The State a test made Lambda report instead of the modelled one (FunctionBehaviour.reportState). */
export function reportedState(
  fn: FunctionRecord,
  version: string,
): { state: string; reasonCode?: string; reason?: string } | undefined {
  const r = fn.behaviour.reportState;
  if (!r) return undefined;
  if (r.on === '$LATEST') return version === '$LATEST' ? r : undefined;
  if (version === '$LATEST' || Number(version) < (r.fromVersion ?? 1)) return undefined;
  return r;
}
