// Upload the new code as $LATEST and wait until Lambda has finished applying it.
import { isAwsError } from '../aws/errors.ts';
import type { FunctionState, NewCode } from '../aws/lambda.ts';
import type { Architecture } from '../function-config/index.ts';
import { limiter } from './bounded.ts';
import type { ReleaseDeps } from './deps.ts';
import { ReleaseError } from './errors.ts';
import { freeNow } from './free-now.ts';
import type { Plan } from './plan.ts';
import { waitUntilUpdated } from './ready.ts';
import { isUpdateInProgress, retryWhile } from './retry.ts';
import { stageInS3 } from './s3-upload.ts';

/** What UpdateFunctionCode (or CreateFunction) sends; undefined when there is no code source. */
export function newCode(pre: Plan): NewCode | undefined {
  const s = pre.source;
  if (pre.code) return { zipFile: pre.code.zip() };
  if (s.kind === 's3')
    return { s3Bucket: s.bucket, s3Key: s.key, s3ObjectVersion: s.objectVersion };
  if (s.kind === 'image') return { imageUri: s.uri };
  return undefined;
}

/**
 * Uploads of local code go one at a time, whatever `max-parallel` says: the SDK holds a zip
 * sent directly several times over while it goes (the bytes, base64, the JSON body, the signed
 * copy), and the runner's memory is what a release of several functions runs short of
 * (`npm run bench`, 25 entries of 5 MB: peak 150-176 MiB four at a time, 135-156 two, 130-140
 * one). Uploading is the short part of preparing an entry; the rest (Lambda applying the code,
 * publishing, the smoke test) still runs max-parallel at once.
 */
const oneAtATime = limiter(1);

/** Whether there is new code to send, without reading it. */
export function hasNewCode(pre: Plan): boolean {
  return pre.code !== undefined || pre.source.kind === 's3' || pre.source.kind === 'image';
}

/**
 * Uploads when there is new code, then returns $LATEST once LastUpdateStatus is Successful,
 * with the RevisionId read after the wait (the one in the update's response is stale by then).
 */
export async function uploadCode(pre: Plan, deps: ReleaseDeps): Promise<FunctionState> {
  const fn = pre.functionRef;
  const architecture = architectureChange(pre);
  if (!hasNewCode(pre) || (pre.codeUnchanged && !architecture)) {
    if (hasNewCode(pre))
      deps.progress({ kind: 'info', message: 'The code is identical to $LATEST: no upload.' });
    // Still wait: an update someone else started must finish before PublishVersion.
    return waitUntilUpdated(fn, deps, pre.latest!);
  }
  // An update already running at preflight (a config change, a cancelled run's upload) must
  // finish first; the upload is then pinned to the RevisionId it leaves, so a change made
  // after that is refused with 412 instead of overwritten.
  if (pre.latest!.lastUpdateStatus === 'InProgress')
    deps.progress({
      kind: 'info',
      message: 'Waiting for an update of $LATEST already in progress.',
    });
  const viaS3 =
    pre.code && pre.s3Upload
      ? await oneAtATime(() => stageInS3(pre.code!, pre.s3Upload!, pre.region, deps))
      : undefined;
  const before = await waitUntilUpdated(fn, deps, pre.latest!);
  /** The CodeSha256 Lambda gave our upload: $LATEST must still hold it once applied. */
  let uploaded: string;
  try {
    const out = await retryWhile(deps, 'UpdateFunctionCode', isUpdateInProgress, () =>
      // The zip is read only now, its turn come: the bytes live for the call alone.
      oneAtATime(async () => {
        const code = viaS3 ?? newCode(pre)!;
        try {
          return await deps.lambda.updateCode(fn, code, before.revisionId, architecture);
        } finally {
          if ('zipFile' in code) freeNow(code.zipFile);
        }
      }),
    );
    uploaded = out.codeSha256;
  } catch (error) {
    if (!isAwsError(error, 'PreconditionFailedException')) throw error;
    // The SDK retries a call whose response was lost: when our own upload had landed, the
    // retry is refused with 412 though $LATEST holds exactly our code.
    const now = await deps.lambda.getFunction(fn);
    if (!now || !holdsOurCode(now, pre)) throw changedUnderUs(fn, 'just before the upload');
    uploaded = now.codeSha256;
  }
  deps.progress({ kind: 'info', message: 'Code uploaded; waiting for Lambda to apply it.' });
  const after = await waitUntilUpdated(fn, deps);
  if (uploaded && after.codeSha256 !== uploaded)
    throw changedUnderUs(fn, 'while the new code was being applied');
  return after;
}

/** Whether $LATEST holds the code this release sends (unknowable for S3: its hash is AWS's). */
function holdsOurCode(latest: FunctionState, pre: Plan): boolean {
  if (pre.code) return latest.codeSha256 === pre.code.sha256;
  if (pre.source.kind === 'image') return latest.imageUri === pre.source.uri;
  return false;
}

export function changedUnderUs(fn: string, when: string): ReleaseError {
  return new ReleaseError(
    'CODE_CHANGED_CONCURRENTLY',
    `Someone else changed $LATEST of \`${fn}\` ${when}. The release refuses to publish code it did not upload; nothing was published. Run it again once the other change is done.`,
  );
}

/** A new architecture rides on UpdateFunctionCode, so it uploads even identical code. */
function architectureChange(pre: Plan): Architecture | undefined {
  return pre.configuration?.diff.architecture;
}
