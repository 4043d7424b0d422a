// Code on the runner's disk: `zip-file` and `code-dir`, checked through the file probe.
import * as path from 'node:path';
import type { FileProbe, FileStat } from './files.ts';
import { MAX_ZIP_BYTES } from './limits.ts';
import { mb, type Reader, show } from './problems.ts';
import type { S3Staging, Source } from './types.ts';

/**
 * Where the input points (against the workspace, else the working directory) and what is
 * there; the stat is undefined (reported) when nothing is.
 */
function lookAt(
  r: Reader,
  files: FileProbe,
  name: string,
  given: string,
  forms: string,
): { resolved: string; stat: FileStat | undefined } {
  const resolved = path.resolve(r.env['GITHUB_WORKSPACE']?.trim() || files.cwd(), given);
  const stat = files.stat(resolved);
  if (!stat) {
    r.problem(name, `${show(given)} does not exist (looked at ${show(resolved)}). ${forms}`);
  }
  return { resolved, stat };
}

const ZIP_FORMS =
  'Valid: the path of a .zip file (relative to the workspace), at most 50 MB; add `s3-bucket` to upload a larger one through S3.';
// A local file header, or the end record that alone makes an empty archive.
const ZIP_SIGNATURES = new Set(['PK\x03\x04', 'PK\x05\x06']);

export function readZipFile(r: Reader, files: FileProbe, given: string, viaS3?: S3Staging): Source {
  const { resolved, stat } = lookAt(r, files, 'zip-file', given, ZIP_FORMS);
  if (stat && stat.kind !== 'file') {
    r.problem(
      'zip-file',
      `${show(given)} is ${stat.kind === 'directory' ? 'a directory (use `code-dir` for that)' : 'not a regular file'}. ${ZIP_FORMS}`,
    );
  } else if (stat) {
    let head: Uint8Array | undefined;
    try {
      head = files.head(resolved, 4);
    } catch (e) {
      r.problem('zip-file', `${show(given)} cannot be read: ${(e as Error).message}. ${ZIP_FORMS}`);
    }
    if (head && !ZIP_SIGNATURES.has(Buffer.from(head).toString('latin1'))) {
      r.problem(
        'zip-file',
        `${show(given)} is not a zip file (it does not start with a zip signature). ${ZIP_FORMS}`,
      );
    } else if (head && stat.size > MAX_ZIP_BYTES && !viaS3) {
      r.problem('zip-file', `${show(given)} is ${tooLargeForDirectUpload(stat.size)}`);
    }
  }
  return { kind: 'zip-file', path: resolved, given, ...(viaS3 ? { viaS3 } : {}) };
}

const DIR_FORMS =
  'Valid: the path of a directory (relative to the workspace) holding the code, at least one file.';

/** The end of the refusal of a zip over 50 MB without `s3-bucket` (after "<what> is "). */
export function tooLargeForDirectUpload(bytes: number): string {
  return (
    `${mb(bytes)} zipped, over Lambda's 50 MB limit for direct upload. ` +
    "Add `s3-bucket` (a bucket in the function's region, optionally `s3-key`): the action then uploads the zip to S3 and Lambda reads it from there."
  );
}

export function readCodeDir(r: Reader, files: FileProbe, given: string, viaS3?: S3Staging): Source {
  const { resolved, stat } = lookAt(r, files, 'code-dir', given, DIR_FORMS);
  if (stat && stat.kind !== 'directory') {
    r.problem(
      'code-dir',
      `${show(given)} is not a directory (use \`zip-file\` for a .zip). ${DIR_FORMS}`,
    );
  } else if (stat && !files.hasAnyFile(resolved)) {
    r.problem('code-dir', `${show(given)} contains no files. ${DIR_FORMS}`);
  }
  return { kind: 'code-dir', path: resolved, given, ...(viaS3 ? { viaS3 } : {}) };
}
