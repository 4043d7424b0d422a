// Inputs → one typed Settings object. Every problem is reported at once, each naming the
// input, what was wrong and the valid forms. Nothing here talks to AWS.
//
// Each group of inputs has its own parser, pure on (inputs, env), all reporting to one
// collector; a new group is one more parser file and one more line below.
import { readCredentials } from './credentials.ts';
import { readDeployment } from './deployment.ts';
import { type FileProbe, nodeFiles } from './files.ts';
import { readFunction } from './function.ts';
import { readFunctionConfig } from './function-config.ts';
import { readGates } from './gates.ts';
import { readGitHub } from './github.ts';
import { readMetricGates } from './metric-gates.ts';
import { reader } from './problems.ts';
import { type ReleaseSettings, readReleaseWith } from './release.ts';
import { readRunOptions } from './run-options.ts';
import { readSource } from './source.ts';
import type { Env, InputReader, Settings } from './types.ts';

export type { CredentialSettings, RoleToAssume } from './credentials.ts';
export type { FileProbe, FileStat } from './files.ts';
export { nodeFiles } from './files.ts';
export type { FunctionArn, FunctionRef } from './function-ref.ts';
export {
  functionNameOf,
  isValidFunctionRef,
  isValidRegion,
  parseFunctionArn,
  parseFunctionRef,
} from './function-ref.ts';
export { parseAlarms } from './gates.ts';
export type { GitHubSettings } from './github.ts';
export * from './limits.ts';
export { tooLargeForDirectUpload } from './local-code.ts';
export { checkAliasName, isValidAliasName, isValidBucketName, isValidImageUri } from './names.ts';
export { SettingsError } from './problems.ts';
export type { Entry, ReleaseSettings } from './release.ts';
export { entryKey } from './release.ts';
export { defaultVersionDescription } from './source.ts';
export type { Env, InputReader, OnEvent, S3Staging, Settings, Source } from './types.ts';
export { parseBoolean } from './values.ts';

/**
 * The whole release: each entry of `functions` (or the step itself) read by readSettings,
 * with the release-wide inputs; every problem of every entry at once.
 */
export function readRelease(
  input: InputReader,
  env: Env,
  files: FileProbe = nodeFiles,
): Promise<ReleaseSettings> {
  return readReleaseWith(readSettings, input, env, files);
}

/** `files` is how the code-source checks see the disk: the real one unless a test fakes it. */
export async function readSettings(
  input: InputReader,
  env: Env,
  files: FileProbe = nodeFiles,
): Promise<Settings> {
  const r = reader(input, env);
  const fn = readFunction(r);
  const deployment = readDeployment(r);
  const what = readSource(r, files, fn.settings.alias);
  const gates = readGates(r, fn.place, deployment.strategy);
  const metric = readMetricGates(r, deployment.strategy);
  const run = readRunOptions(r);
  const credentials = readCredentials(r);
  const github = readGitHub(r);
  const config = await readFunctionConfig(r, fn.settings.region, what.source);
  r.check();
  return {
    ...fn.settings,
    ...deployment,
    ...what,
    ...gates,
    ...metric,
    ...run,
    ...credentials,
    ...github,
    ...config,
  };
}
