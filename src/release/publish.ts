// PublishVersion pinned to the code and configuration $LATEST has once our updates are applied
// (ready.ts then waits for the version to be Active).
import { awsError, isAwsError } from '../aws/errors.ts';
import type { FunctionState } from '../aws/lambda.ts';
import { changedUnderUs } from './code.ts';
import type { ReleaseDeps } from './deps.ts';
import { isUpdateInProgress, retryWhile } from './retry.ts';

/**
 * Publishes $LATEST as `latest` describes it. CodeSha256 and RevisionId make Lambda refuse
 * when $LATEST moved since; with nothing changed since the last publish Lambda returns the
 * existing version, so the caller must compare the number with the alias's.
 */
export async function publishVersion(
  fn: string,
  latest: FunctionState,
  description: string,
  deps: ReleaseDeps,
): Promise<FunctionState> {
  let published: FunctionState;
  try {
    published = await retryWhile(deps, 'PublishVersion', isUpdateInProgress, () =>
      deps.lambda.publishVersion(fn, {
        codeSha256: latest.codeSha256,
        revisionId: latest.revisionId,
        description,
      }),
    );
  } catch (error) {
    if (
      isAwsError(error, 'PreconditionFailedException') ||
      (isAwsError(error, 'InvalidParameterValueException') &&
        /CodeSHA256/i.test(awsError(error).message))
    )
      throw changedUnderUs(fn, 'between the upload and PublishVersion');
    throw error;
  }
  return published;
}
