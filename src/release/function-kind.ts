// Preflight's checks for the kinds of function Lambda added in 2025: Managed Instances
// (capacity providers), durable functions and tenant isolation, plus the state $LATEST is in
// and the runtime calendar of the function's own runtime. Read-only: a refusal here comes
// before any change. See docs/aws-semantics.md "Lambda in 2026: function kinds".
import type { FunctionState } from '../aws/lambda.ts';
import { runtimeWarning } from '../function-config/runtimes.ts';
import type { Settings } from '../settings/index.ts';
import { ReleaseError } from './errors.ts';
import type { ConfigurationPlan } from './plan.ts';
import { deletingError } from './ready.ts';
import type { ReleaseResult } from './result.ts';
import { latestMeaning } from './states.ts';

/** Lambda Managed Instances: a version starts its execution environments in up to 15 minutes. */
export const MANAGED_INSTANCES_START_MINUTES = 15;

export interface FunctionKind {
  /** The capacity provider the function runs on (Lambda Managed Instances). */
  capacityProviderArn?: string;
  /** A durable function: running executions stay on the version they started on. */
  durable?: boolean;
  /** Minutes the default timeout grows by (none when `timeout-minutes` is given). */
  extraMinutes: number;
}

/** `name`: the function's name (settings may hold its ARN). */
export function checkFunctionKind(
  settings: Settings,
  name: string,
  latest: FunctionState | undefined,
  configuration: ConfigurationPlan | undefined,
  warnings: string[],
): FunctionKind {
  const fields = configuration?.desired.fields ?? {};
  if (latest && latestMeaning(latest.state) === 'final') throw deletingError(name, latest);
  if (latest) checkCreateOnly(name, latest, configuration);
  checkTenant(settings, name, latest?.tenantIsolation ?? fields.TenancyConfig?.TenantIsolationMode);
  if (latest?.tenantIsolation === undefined && !fields.TenancyConfig && settings.smokeTestTenantId)
    warnings.push(
      `\`smoke-test-tenant-id\` is set, but \`${name}\` is not in tenant isolation mode; the smoke test sends the tenant id all the same.`,
    );
  // The function's own runtime, when the inputs leave it as it is.
  const runtime = latest?.runtime;
  const runtimeNote = runtime && !fields.Runtime ? runtimeWarning(runtime) : undefined;
  if (runtimeNote) warnings.push(runtimeNote);
  const capacityProviderArn =
    latest?.capacityProviderArn ??
    fields.CapacityProviderConfig?.LambdaManagedInstancesCapacityProviderConfig.CapacityProviderArn;
  const extraMinutes =
    capacityProviderArn && settings.timeoutMinutes === undefined
      ? MANAGED_INSTANCES_START_MINUTES
      : 0;
  const durable = latest?.durable ?? fields.DurableConfig !== undefined;
  return {
    ...(capacityProviderArn ? { capacityProviderArn } : {}),
    ...(durable ? { durable } : {}),
    extraMinutes,
  };
}

/** What `function-configuration` may not change on a function that exists. */
function checkCreateOnly(
  name: string,
  latest: FunctionState,
  configuration: ConfigurationPlan | undefined,
): void {
  const request = configuration?.diff.request ?? {};
  const refuse = (field: string, why: string) => {
    throw new ReleaseError(
      'CONFIG_CREATE_ONLY',
      `\`function-configuration\` changes ${field} of \`${name}\`, but ${why} Nothing was changed. Leave ${field} as the function has it (or out of \`function-configuration\`), or create a new function with it (\`create-function\`).`,
    );
  };
  if (request.DurableConfig)
    refuse('DurableConfig', 'Lambda takes DurableConfig only when a function is created.');
  if (request.TenancyConfig)
    refuse(
      'TenancyConfig',
      'Lambda sets tenant isolation only when a function is created; it cannot change.',
    );
  if (request.CapacityProviderConfig && !latest.capacityProviderArn)
    refuse(
      'CapacityProviderConfig',
      'the function has no capacity provider, and Lambda refuses to add one to a default function ("CapacityProviderConfig isn\'t supported for Lambda Default functions").',
    );
}

/** A tenant-isolated function is invoked only with a tenant id: refuse the smoke test without one. */
function checkTenant(settings: Settings, name: string, isolation: string | undefined): void {
  if (!isolation || !settings.smokeTestPayload || settings.smokeTestTenantId) return;
  throw new ReleaseError(
    'TENANT_ID_REQUIRED',
    `\`${name}\` is in tenant isolation mode (${isolation}): Lambda invokes it only with a tenant id, so \`smoke-test-payload\` needs \`smoke-test-tenant-id\`. Nothing was changed. Set \`smoke-test-tenant-id\` to the tenant the smoke test runs as.`,
  );
}

/**
 * A rolled-back durable function: Lambda keeps each running execution on the version it
 * started on, so the rollback returns new invocations only.
 */
export function noteDurable(result: ReleaseResult): void {
  if (!result.plan?.durable || !result.rolledBack || !result.version) return;
  if (result.notes.some((n) => n.kind === 'durable-executions')) return;
  const back = result.previousVersion ? ` to version ${result.previousVersion}` : '';
  result.notes.push({
    kind: 'durable-executions',
    text: `${result.functionName} is a durable function: the rollback returned new invocations${back} only. Durable executions that started on version ${result.version} keep running on it until they end; Lambda does not move them.`,
  });
}

/**
 * A hook CodeDeploy cannot run: it invokes a hook function by its name (unqualified, with no
 * tenant id), which Lambda refuses for a durable or a tenant-isolated function. How CodeDeploy
 * invokes is not documented beyond that [unverified], so this warns rather than refuses.
 */
export function hookKindWarning(fn: string, hook: FunctionState): string | undefined {
  const why = hook.durable
    ? 'is a durable function, which Lambda does not invoke unqualified'
    : hook.tenantIsolation
      ? `is in tenant isolation mode (${hook.tenantIsolation}), which Lambda does not invoke without a tenant id`
      : undefined;
  return why
    ? `Hook \`${fn}\` ${why}; CodeDeploy invokes a hook by its name with neither, so the hook, and the deployment, would fail. Use a hook function that is neither durable nor tenant-isolated.`
    : undefined;
}
