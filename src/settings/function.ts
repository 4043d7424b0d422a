// The function and where it runs: `region`, `function-name`, `alias`.
import {
  FUNCTION_FORMS,
  type FunctionRef,
  isValidRegion,
  parseFunctionRef,
} from './function-ref.ts';
import { ALIAS_FORMS, checkAliasName } from './names.ts';
import { type Reader, show } from './problems.ts';
import type { Settings } from './types.ts';

/** The region the release runs in, and where it came from (for messages). */
export interface Place {
  /** '' when none was found. */
  region: string;
  from: string;
  valid: boolean;
}

export interface FunctionPart {
  settings: Pick<Settings, 'functionName' | 'alias' | 'region'>;
  /** For the other inputs that name functions (hooks): their ARNs must be in this region. */
  place: Place;
}

export function readFunction(r: Reader): FunctionPart {
  const given = givenRegion(r);
  const functionName = r.get('function-name');
  let ref: FunctionRef | undefined;
  if (functionName === '') r.problem('function-name', `is required. ${FUNCTION_FORMS}`);
  else ref = readFunctionRef(r, given, 'function-name', functionName);
  const place = given.region === '' ? regionOfArn(r, ref) : given;
  const alias = r.get('alias');
  if (alias === '') r.problem('alias', `is required. ${ALIAS_FORMS}`);
  else {
    const err = checkAliasName(alias);
    if (err) r.problem('alias', err);
  }
  return { settings: { functionName, alias, region: place.region }, place };
}

/** The `region` input, then AWS_REGION, then AWS_DEFAULT_REGION. */
function givenRegion(r: Reader): Place {
  for (const [value, from] of [
    [r.get('region'), '`region` input'],
    [r.env['AWS_REGION']?.trim() ?? '', 'AWS_REGION'],
    [r.env['AWS_DEFAULT_REGION']?.trim() ?? '', 'AWS_DEFAULT_REGION'],
  ] as const) {
    if (value === '') continue;
    const valid = isValidRegion(value);
    if (!valid) {
      r.problem(
        'region',
        `${show(value)} (from ${from}) is not an AWS region. Valid: a region code such as \`us-east-1\`, \`eu-west-2\` or \`us-gov-west-1\`.`,
      );
    }
    return { region: value, from, valid };
  }
  return { region: '', from: '', valid: false };
}

/** No region given: the function ARN's, or a problem. */
function regionOfArn(r: Reader, ref: FunctionRef | undefined): Place {
  if (ref?.kind === 'arn') return { region: ref.region, from: '`function-name` ARN', valid: true };
  r.problem(
    'region',
    'is not set and no region is in the environment. Valid: set the `region` input (e.g. `us-east-1`), ' +
      'set AWS_REGION or AWS_DEFAULT_REGION (aws-actions/configure-aws-credentials does), ' +
      'or give `function-name` as a full ARN.',
  );
  return { region: '', from: '', valid: false };
}

/** An input that names a function: name/ARN rules, and an ARN must be in the region. */
export function readFunctionRef(
  r: Reader,
  place: Place,
  name: string,
  value: string,
): FunctionRef | undefined {
  const parsed = parseFunctionRef(value);
  if (!parsed.ok) {
    r.problem(name, parsed.error);
    return undefined;
  }
  const ref = parsed.value;
  if (ref.kind === 'arn' && place.valid && ref.region !== place.region) {
    r.problem(
      name,
      `${show(value)} is in region \`${ref.region}\`, but the release runs in \`${place.region}\` (from ${place.from}). ` +
        `Valid: a function in \`${place.region}\`, or set \`region\` to \`${ref.region}\`.`,
    );
  }
  return ref;
}
