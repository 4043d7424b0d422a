// The "whole version" inputs (runtime, handler, memory, environment, ..., create-function):
// parsed by src/function-config/, plus the checks that need other groups' inputs.
import { type DesiredConfig, parseFunctionConfig } from '../function-config/index.ts';
import type { Reader } from './problems.ts';
import type { Settings, Source } from './types.ts';

const UPLOADS: readonly Source['kind'][] = ['zip-file', 'code-dir', 's3', 'image'];
const ZIP_SOURCES: readonly Source['kind'][] = ['zip-file', 'code-dir', 's3'];

export async function readFunctionConfig(
  r: Reader,
  region: string,
  source: Source,
): Promise<Pick<Settings, 'config'>> {
  const problems = { add: (input: string, message: string) => r.problem(input, message) };
  const config = await parseFunctionConfig((name) => r.get(name), problems, { region });
  checkWithSource(r, config, source);
  return { config };
}

/** What the configuration inputs need from the code source. */
function checkWithSource(r: Reader, config: DesiredConfig, source: Source): void {
  const promotes = source.kind === 'version' || source.kind === 'from-alias';
  const configured = Object.values(config.from);
  if (promotes && (configured.length > 0 || config.architecture)) {
    const inputs = [...new Set(configured), ...(config.architecture ? ['architectures'] : [])];
    r.add(
      `${inputs.map((i) => `\`${i}\``).join(', ')} cannot be used with \`${source.kind}\`: a published version is immutable, its configuration frozen with it. Valid: release new code or $LATEST with the configuration inputs, or promote without them.`,
    );
  } else if (config.architecture && !UPLOADS.includes(source.kind)) {
    r.problem(
      'architectures',
      'needs a code source: Lambda changes the architecture only with new code (UpdateFunctionCode). Valid: give `zip-file`, `code-dir`, `s3-bucket` + `s3-key` or `image-uri` built for that architecture.',
    );
  }
  if (config.createFunction) checkCreate(r, config, source);
}

/** CreateFunction needs a role, a package, and for a .zip a runtime and a handler. */
function checkCreate(r: Reader, config: DesiredConfig, source: Source): void {
  const forms =
    'Valid: with `create-function: true` give `execution-role` and either `zip-file`, `code-dir` or `s3-bucket` + `s3-key` with `runtime` and `handler`, or `image-uri`.';
  if (!UPLOADS.includes(source.kind)) {
    r.problem('create-function', `needs a code source to create the function from. ${forms}`);
    return;
  }
  const missing = [
    config.fields.Role ? undefined : 'execution-role',
    ...(ZIP_SOURCES.includes(source.kind)
      ? [
          config.fields.Runtime ? undefined : 'runtime',
          config.fields.Handler ? undefined : 'handler',
        ]
      : []),
  ].filter((m) => m !== undefined);
  if (missing.length > 0)
    r.problem(
      'create-function',
      `needs ${missing.map((m) => `\`${m}\``).join(' and ')} to create the function. ${forms}`,
    );
}
