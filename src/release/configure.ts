// The configuration step: once the new code is applied, send the fields that differ from
// $LATEST (none: no call at all, since any update makes PublishVersion cut a new version),
// pinned to the RevisionId the code left, then wait until Lambda has applied them.
import { isAwsError } from '../aws/errors.ts';
import type { FunctionState } from '../aws/lambda.ts';
import { describeChanges, diffConfig } from '../function-config/index.ts';
import type { ReleaseDeps } from './deps.ts';
import { ReleaseError } from './errors.ts';
import type { ConfigurationPlan } from './plan.ts';
import { waitUntilUpdated } from './ready.ts';
import { isUpdateInProgress, retryWhile } from './retry.ts';

/** Returns $LATEST with the configuration applied (and the RevisionId read after the wait). */
export async function configureFunction(
  fn: string,
  configuration: ConfigurationPlan,
  latest: FunctionState,
  deps: ReleaseDeps,
): Promise<FunctionState> {
  const request = configuration.diff.request;
  if (!request) return latest;
  deps.progress({
    kind: 'info',
    message: `Updating the configuration: ${describeChanges(configuration.diff.changes).join('; ')}.`,
  });
  try {
    await retryWhile(deps, 'UpdateFunctionConfiguration', isUpdateInProgress, () =>
      deps.lambda.updateConfiguration(fn, request, latest.revisionId),
    );
  } catch (error) {
    if (!isAwsError(error, 'PreconditionFailedException')) throw error;
    // The SDK retries a call whose answer was lost; if ours had landed, the retry is refused
    // with 412 though $LATEST holds exactly what we sent.
    await waitUntilUpdated(fn, deps, undefined, 'the configuration');
    const now = await deps.lambda.getConfiguration(fn);
    if (!now || diffConfig(configuration.desired, now).request) throw changedUnderUs(fn);
  }
  return waitUntilUpdated(fn, deps, undefined, 'the configuration');
}

function changedUnderUs(fn: string): ReleaseError {
  return new ReleaseError(
    'CONFIG_CHANGED_CONCURRENTLY',
    `Someone else changed $LATEST of \`${fn}\` just before the configuration update. The release refuses to publish a configuration it did not set; nothing was published. Run it again once the other change is done.`,
  );
}
