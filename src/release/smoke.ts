// The smoke test: the new version invoked with `smoke-test-payload` before any traffic moves.
// Always the version's own number, never unqualified: a durable function refuses an unqualified
// invoke and a Managed Instances function's $LATEST cannot be invoked. A SnapStart version that
// is not ready yet is waited for; a failed restore is named as Lambda's, not the function's.
// See docs/aws-semantics.md "SnapStart invoke errors" and "Lambda in 2026: function kinds".
import { awsError, isAwsError } from '../aws/errors.ts';
import type { InvokeResult } from '../aws/lambda.ts';
import type { ReleaseDeps } from './deps.ts';
import { ReleaseError } from './errors.ts';
import type { Plan } from './plan.ts';

/** Restores that failed: Lambda could not bring the snapshot up, the code never ran. */
const SNAPSTART_FAILURES = [
  'SnapStartTimeoutException',
  'SnapStartException',
  'SnapStartRegenerationFailureException',
];

export async function runSmokeTest(
  plan: Plan,
  version: string,
  deadline: number,
  deps: ReleaseDeps,
): Promise<void> {
  const out = await invokeWhenReady(plan, version, deadline, deps);
  if (out.functionError) {
    const detail = out.payload.length > 2000 ? `${out.payload.slice(0, 2000)}…` : out.payload;
    throw new ReleaseError(
      'SMOKE_TEST_FAILED',
      `The smoke test failed on version ${version} (${out.functionError}): ${detail}. No traffic was moved; alias ${plan.alias} is unchanged.`,
    );
  }
  const as = plan.smokeTestTenantId ? ` as tenant ${plan.smokeTestTenantId}` : '';
  deps.progress({ kind: 'info', message: `Smoke test passed on version ${version}${as}.` });
}

/** Invoke, waiting out SnapStartNotReadyException (409) until the release's deadline. */
async function invokeWhenReady(
  plan: Plan,
  version: string,
  deadline: number,
  deps: ReleaseDeps,
): Promise<InvokeResult> {
  const payload = plan.smokeTestPayload ?? '';
  let told = false;
  for (;;) {
    try {
      return await deps.lambda.invoke(plan.functionRef, version, payload, plan.smokeTestTenantId);
    } catch (error) {
      if (isAwsError(error, ...SNAPSTART_FAILURES)) throw restoreFailed(plan, version, error);
      if (!isAwsError(error, 'SnapStartNotReadyException')) throw error;
      const left = deadline - deps.clock.now();
      if (left <= 0)
        throw new ReleaseError(
          'VERSION_NOT_ACTIVE',
          `Version ${version} of \`${plan.functionName}\` was still not ready to invoke (SnapStartNotReadyException: Lambda is still initializing its snapshot) when the release's time (\`timeout-minutes\`) ran out. No traffic was moved. Raise \`timeout-minutes\`.`,
        );
      if (!told)
        deps.progress({
          kind: 'info',
          message: `Lambda answered SnapStartNotReadyException: version ${version} is still being initialized for SnapStart; the smoke test waits and tries again.`,
        });
      told = true;
      await deps.clock.sleep(Math.min(5_000, left), deps.signal);
    }
  }
}

function restoreFailed(plan: Plan, version: string, error: unknown): ReleaseError {
  const e = awsError(error);
  return new ReleaseError(
    'SMOKE_TEST_FAILED',
    `The smoke test could not run on version ${version}: Lambda could not restore its SnapStart snapshot (${e.name}: ${e.message.replace(/\.$/, '')}). This is Lambda's answer, not the function's; the snapshot may need to be made again (publish a new version). No traffic was moved; alias ${plan.alias} is unchanged.`,
  );
}
