// PublishVersion pinned to the code we uploaded, then wait for the version to be Active.
import { awsError, isAwsError } from '../aws/errors.ts';
import type { FunctionState } from '../aws/lambda.ts';
import { changedUnderUs } from './code.ts';
import type { ReleaseDeps } from './deps.ts';
import { ReleaseError } from './errors.ts';
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
  return waitUntilActive(fn, published, deps);
}

/** PublishedVersionActive: a new version may start Pending (SnapStart, images). */
export async function waitUntilActive(
  fn: string,
  version: FunctionState,
  deps: ReleaseDeps,
): Promise<FunctionState> {
  let state: FunctionState | undefined = version;
  for (let attempt = 0; attempt < 312; attempt++) {
    if (state?.state === 'Failed')
      throw new ReleaseError(
        'VERSION_FAILED',
        `Version ${version.version} of \`${fn}\` failed to become active: ${state.stateReason ?? 'no reason given'}.`,
      );
    if (state && (state.state === undefined || state.state === 'Active')) return state;
    await deps.clock.sleep(attempt === 0 ? 1_000 : 5_000, deps.signal);
    state = await deps.lambda.getVersion(fn, version.version);
  }
  throw new ReleaseError(
    'VERSION_NOT_ACTIVE',
    `Version ${version.version} of \`${fn}\` did not become active in 26 minutes.`,
  );
}
