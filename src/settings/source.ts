// What is released: the code source or the version to promote, and the version's description.
import type { FileProbe } from './files.ts';
import { MAX_DESCRIPTION_LENGTH } from './limits.ts';
import { readCodeDir, readZipFile } from './local-code.ts';
import { checkAliasName, isValidBucketName, isValidImageUri } from './names.ts';
import { type Reader, show } from './problems.ts';
import type { Env, S3Staging, Settings, Source } from './types.ts';

const SOURCE_FORMS =
  'Give at most one of `zip-file`, `code-dir`, `s3-bucket` + `s3-key` (+ `s3-object-version`), ' +
  '`image-uri`, `version` or `from-alias`; give none to publish $LATEST as it stands. ' +
  '`s3-bucket` (+ `s3-key`) with `zip-file` or `code-dir` uploads that code through S3.';

const S3_INPUTS = ['s3-bucket', 's3-key', 's3-object-version'];
const s3Given = (r: Reader) => S3_INPUTS.some((n) => r.get(n) !== '');
const localGiven = (r: Reader) => r.get('zip-file') !== '' || r.get('code-dir') !== '';

/** One code source each: its label in messages, whether it was given, and its reader. */
interface SourceInput {
  label: string;
  given: (r: Reader) => boolean;
  read: (r: Reader, files: FileProbe, alias: string) => Source;
}

const SOURCES: SourceInput[] = [
  {
    label: '`zip-file`',
    given: (r) => r.get('zip-file') !== '',
    read: (r, files) => readZipFile(r, files, r.get('zip-file'), readStaging(r)),
  },
  {
    label: '`code-dir`',
    given: (r) => r.get('code-dir') !== '',
    read: (r, files) => readCodeDir(r, files, r.get('code-dir'), readStaging(r)),
  },
  {
    // Code already in S3; with local code the S3 inputs say where to upload it instead.
    label: 'S3 (`s3-bucket`/`s3-key`)',
    given: (r) => s3Given(r) && !localGiven(r),
    read: (r) => readS3(r),
  },
  { label: '`image-uri`', given: (r) => r.get('image-uri') !== '', read: (r) => readImage(r) },
  { label: '`version`', given: (r) => r.get('version') !== '', read: (r) => readVersion(r) },
  {
    label: '`from-alias`',
    given: (r) => r.get('from-alias') !== '',
    read: (r, _files, alias) => readFromAlias(r, alias),
  },
];

/** `alias` is the alias being moved, which `from-alias` must differ from. */
export function readSource(
  r: Reader,
  files: FileProbe,
  alias: string,
): Pick<Settings, 'source' | 'versionDescription'> {
  const given = SOURCES.filter((s) => s.given(r));
  if (given.length > 1) {
    const labels = given.map((s) => s.label);
    r.add(
      `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)} were ${labels.length === 2 ? 'both' : 'all'} given, but only one code source may be. ${SOURCE_FORMS}`,
    );
  }
  // Each given source is checked, so that every problem shows at once.
  let source: Source = { kind: 'latest' };
  for (const s of given) source = s.read(r, files, alias);
  return { source, versionDescription: readVersionDescription(r) };
}

/** `s3-bucket` (required once any S3 input is given) and `s3-key` (when given), checked. */
function checkBucketAndKey(r: Reader, forms: string, keyRequired: boolean): void {
  const bucket = r.get('s3-bucket');
  const key = r.get('s3-key');
  if (!bucket)
    r.problem('s3-bucket', `is required with \`s3-key\`/\`s3-object-version\`. ${forms}`);
  else if (!isValidBucketName(bucket)) {
    r.problem(
      's3-bucket',
      `${show(bucket)} is not a valid S3 bucket name. Valid: 3-63 lowercase letters, digits, \`.\` and \`-\`, starting and ending with a letter or digit, e.g. \`my-artifacts\`.`,
    );
  }
  if (!key && keyRequired) r.problem('s3-key', `is required with \`s3-bucket\`. ${forms}`);
  else if (key.length > 1024) {
    r.problem('s3-key', `is ${key.length} characters long, over S3's 1024. ${forms}`);
  }
}

const STAGING_FORMS =
  "Valid with `zip-file` or `code-dir`: `s3-bucket` (a bucket in the function's region), optionally `s3-key` (default `lambda-gated-release/<function>/<sha256>.zip`).";

/** With local code: where to upload it in S3, or undefined when no S3 input was given. */
function readStaging(r: Reader): S3Staging | undefined {
  if (!s3Given(r)) return undefined;
  checkBucketAndKey(r, STAGING_FORMS, false);
  if (r.get('s3-object-version') !== '')
    r.problem(
      's3-object-version',
      `names a version of code already in S3, but \`zip-file\`/\`code-dir\` gives the code: the upload makes the version. ${STAGING_FORMS}`,
    );
  const key = r.get('s3-key');
  return { bucket: r.get('s3-bucket'), ...(key ? { key } : {}) };
}

function readS3(r: Reader): Source {
  const bucket = r.get('s3-bucket');
  const key = r.get('s3-key');
  const objectVersion = r.get('s3-object-version');
  const forms =
    'Valid: `s3-bucket` and `s3-key` together (an S3 bucket name and the key of a .zip), optionally `s3-object-version`; or `s3-bucket` with `zip-file`/`code-dir` to upload that code through S3.';
  checkBucketAndKey(r, forms, true);
  if (objectVersion.length > 1024) {
    r.problem(
      's3-object-version',
      `is ${objectVersion.length} characters long, over 1024. ${forms}`,
    );
  }
  return { kind: 's3', bucket, key, ...(objectVersion ? { objectVersion } : {}) };
}

function readImage(r: Reader): Source {
  const uri = r.get('image-uri');
  if (!isValidImageUri(uri)) {
    r.problem(
      'image-uri',
      `${show(uri)} is not a container image URI. Valid: \`<registry>/<repository>[:tag|@sha256:<digest>]\`, ` +
        'e.g. `123456789012.dkr.ecr.us-east-1.amazonaws.com/my-app:1.2.3`.',
    );
  }
  return { kind: 'image', uri };
}

function readVersion(r: Reader): Source {
  const version = r.get('version');
  const forms =
    'Valid: the number of an existing published version, e.g. `7`; to release $LATEST as it stands, give no code source.';
  if (version.toUpperCase() === '$LATEST') {
    r.problem(
      'version',
      `cannot be \`$LATEST\`: only a published version can be released. ${forms}`,
    );
  } else if (!/^[1-9]\d*$/.test(version)) {
    r.problem('version', `${show(version)} is not a version number. ${forms}`);
  }
  return { kind: 'version', version };
}

function readFromAlias(r: Reader, alias: string): Source {
  const fromAlias = r.get('from-alias');
  const err = checkAliasName(fromAlias);
  if (err) r.problem('from-alias', err);
  else if (alias !== '' && fromAlias === alias) {
    r.problem(
      'from-alias',
      `must differ from \`alias\` (both are ${show(alias)}). Valid: the alias of the earlier stage, e.g. \`test\` when \`alias\` is \`live\`.`,
    );
  }
  return { kind: 'from-alias', alias: fromAlias };
}

function readVersionDescription(r: Reader): string {
  const given = r.get('version-description');
  if (given.length > MAX_DESCRIPTION_LENGTH) {
    r.problem(
      'version-description',
      `is ${given.length} characters long, over Lambda's ${MAX_DESCRIPTION_LENGTH}. Valid: at most ${MAX_DESCRIPTION_LENGTH} characters, or empty for \`<owner/repo>@<sha7> run <run id>\`.`,
    );
  }
  return given || defaultVersionDescription(r.env);
}

/** `<owner/repo>@<sha7> run <run id>`, or as much of it as the environment gives. */
export function defaultVersionDescription(env: Env): string {
  const repo = env['GITHUB_REPOSITORY']?.trim() || undefined;
  const sha = env['GITHUB_SHA']?.trim().slice(0, 7) || undefined;
  const run = env['GITHUB_RUN_ID']?.trim() || undefined;
  const head = repo && sha ? `${repo}@${sha}` : (repo ?? sha);
  const text = head && run ? `${head} run ${run}` : (head ?? (run ? `run ${run}` : undefined));
  return (text ?? 'released by GitHub Actions').slice(0, MAX_DESCRIPTION_LENGTH);
}
