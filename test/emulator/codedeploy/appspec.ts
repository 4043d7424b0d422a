// Lambda AppSpec content: the document the emulator writes (startDeployment, rollbacks)
// and the parser CreateDeployment's content goes through when a deployment starts.
// See docs/aws-semantics.md#appspec.
import { getCi, isRecord } from '../util.ts';
import { MESSAGES } from './errors.ts';
import type { HookEvent, LambdaAppSpec } from './types.ts';
import { parseYamlOrJson } from './yaml.ts';

export function appSpecDocument(spec: LambdaAppSpec): Record<string, unknown> {
  const hooks = Object.entries(spec.hooks).map(([k, v]) => ({ [k]: v }));
  return {
    version: '0.0',
    Resources: [
      {
        [spec.functionName]: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            Name: spec.functionName,
            Alias: spec.alias,
            CurrentVersion: spec.currentVersion,
            TargetVersion: spec.targetVersion,
          },
        },
      },
    ],
    ...(hooks.length > 0 ? { Hooks: hooks } : {}),
  };
}

/**
 * Parse a Lambda AppSpec (JSON or the YAML subset AppSpecs use). Keys are matched
 * case-insensitively (the UG writes them both ways, docs/aws-semantics.md#appspec). Problems become the detail of an
 * INVALID_LAMBDA_CONFIGURATION failure; details other than the not-well-formed one are the
 * emulator's wording.
 */
export function parseLambdaAppSpec(content: string): { spec: LambdaAppSpec } | { error: string } {
  let doc: unknown;
  try {
    doc = parseYamlOrJson(content);
  } catch {
    return { error: MESSAGES.notWellFormed };
  }
  if (!isRecord(doc)) return { error: MESSAGES.notWellFormed };
  const resources = getCi(doc, 'Resources');
  if (!Array.isArray(resources) || resources.length === 0)
    return {
      error: 'The AppSpec file must contain a Resources list with one AWS::Lambda::Function.',
    };
  if (resources.length !== 1)
    return { error: 'The AppSpec file must specify exactly one Lambda function in Resources.' };
  const entry = resources[0];
  if (!isRecord(entry) || Object.keys(entry).length !== 1)
    return { error: 'Each Resources entry must be a map with a single logical name.' };
  const resource = Object.values(entry)[0];
  if (!isRecord(resource)) return { error: 'The Lambda resource must be a map.' };
  const type = getCi(resource, 'Type');
  if (type !== 'AWS::Lambda::Function')
    return { error: 'The resource Type must be AWS::Lambda::Function.' };
  const props = getCi(resource, 'Properties');
  if (!isRecord(props)) return { error: 'The Lambda resource must have Properties.' };
  const str = (k: string): string | undefined => {
    const v = getCi(props, k);
    if (typeof v === 'string' && v.length > 0) return v;
    if (typeof v === 'number' && Number.isInteger(v)) return String(v);
    return undefined;
  };
  const name = str('Name');
  const alias = str('Alias');
  const currentVersion = str('CurrentVersion');
  const targetVersion = str('TargetVersion');
  if (!name || !alias || !currentVersion || !targetVersion)
    return { error: 'The properties Name, Alias, CurrentVersion and TargetVersion are required.' };
  for (const [k, v] of [
    ['CurrentVersion', currentVersion],
    ['TargetVersion', targetVersion],
  ] as const) {
    if (!/^[1-9][0-9]*$/.test(v)) return { error: `${k} must be a valid positive integer.` };
  }
  const hooks: Partial<Record<HookEvent, string>> = {};
  const rawHooks = getCi(doc, 'Hooks');
  if (rawHooks !== undefined && rawHooks !== null) {
    // Hooks is a list of single-key maps, not a map (docs/aws-semantics.md#appspec): a map is rejected (stricter).
    if (!Array.isArray(rawHooks)) return { error: 'Hooks must be a list of single-key maps.' };
    for (const h of rawHooks) {
      if (!isRecord(h) || Object.keys(h).length !== 1)
        return { error: 'Hooks must be a list of single-key maps.' };
      const [[k, v]] = Object.entries(h) as [[string, unknown]];
      const ev = (['BeforeAllowTraffic', 'AfterAllowTraffic'] as const).find(
        (e) => e.toLowerCase() === k.toLowerCase(),
      );
      if (!ev)
        return {
          error: `The lifecycle event ${k} is not valid for the AWS Lambda compute platform.`,
        };
      if (typeof v !== 'string' || v.length === 0)
        return { error: `The ${ev} hook must name a Lambda function.` };
      if (hooks[ev] !== undefined) return { error: `The ${ev} hook is specified more than once.` };
      hooks[ev] = v;
    }
  }
  return { spec: { functionName: name, alias, currentVersion, targetVersion, hooks } };
}
