// Function references as `function-name` and the hook inputs give them: names, ARNs, partial ARNs.
import type { ParseResult } from '../strategy.ts';
import { show } from './problems.ts';

export interface FunctionArn {
  partition: string;
  region: string;
  accountId: string;
  name: string;
}

/** A function as `function-name` or a hook input may give it. */
export type FunctionRef =
  | { kind: 'name'; name: string }
  | ({ kind: 'arn' } & FunctionArn)
  /** `123456789012:function:my-function` */
  | { kind: 'partial'; accountId: string; name: string };

const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const ARN = /^arn:([^:]*):lambda:([^:]*):([^:]*):function:([^:]*)(?::(.*))?$/;
const PARTIAL_ARN = /^([^:]*):function:([^:]*)(?::(.*))?$/;
const PARTITION = /^aws(-[a-z]+)*$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ACCOUNT = /^\d{12}$/;

export const FUNCTION_FORMS =
  'Valid: a function name (1-64 letters, digits, `-` or `_`, e.g. `my-function`), its ARN ' +
  '(`arn:aws:lambda:us-east-1:123456789012:function:my-function`) or a partial ARN ' +
  '(`123456789012:function:my-function`), without a version or alias suffix.';

export function isValidRegion(region: string): boolean {
  return REGION.test(region);
}

/** Parses an unqualified function ARN; undefined when it is not one. */
export function parseFunctionArn(arn: string): FunctionArn | undefined {
  const m = ARN.exec(arn.trim());
  if (!m || m[5] !== undefined) return undefined;
  const [, partition = '', region = '', accountId = '', name = ''] = m;
  if (!PARTITION.test(partition) || !REGION.test(region) || !ACCOUNT.test(accountId)) {
    return undefined;
  }
  if (!FUNCTION_NAME.test(name)) return undefined;
  return { partition, region, accountId, name };
}

/** A function name, ARN or partial ARN; the error (without the input's name) says what is wrong. */
export function parseFunctionRef(raw: string): ParseResult<FunctionRef> {
  const value = raw.trim();
  const bad = (why: string): ParseResult<FunctionRef> => ({
    ok: false,
    error: `${show(value)} ${why}. ${FUNCTION_FORMS}`,
  });
  const qualified = (q: string) =>
    bad(
      `has a qualifier \`:${q}\`; give the unqualified function: the alias to move goes in \`alias\`, ` +
        'an existing version to release in `version`',
    );
  if (value === '') return { ok: false, error: `is empty. ${FUNCTION_FORMS}` };

  if (value.startsWith('arn:')) {
    const m = ARN.exec(value);
    if (!m) return bad('is not a Lambda function ARN');
    const [, partition = '', region = '', accountId = '', name = '', qualifier] = m;
    if (!PARTITION.test(partition)) return bad(`has an unknown partition \`${partition}\``);
    if (!REGION.test(region)) return bad(`has an invalid region \`${region}\``);
    if (!ACCOUNT.test(accountId)) return bad('has an account id that is not 12 digits');
    if (!FUNCTION_NAME.test(name)) return bad('has an invalid function name');
    if (qualifier !== undefined) return qualified(qualifier);
    return { ok: true, value: { kind: 'arn', partition, region, accountId, name } };
  }
  const p = PARTIAL_ARN.exec(value);
  if (p) {
    const [, accountId = '', name = '', qualifier] = p;
    if (!ACCOUNT.test(accountId)) return bad('has an account id that is not 12 digits');
    if (!FUNCTION_NAME.test(name)) return bad('has an invalid function name');
    if (qualifier !== undefined) return qualified(qualifier);
    return { ok: true, value: { kind: 'partial', accountId, name } };
  }
  const colon = value.indexOf(':');
  if (colon > 0 && FUNCTION_NAME.test(value.slice(0, colon))) {
    return qualified(value.slice(colon + 1));
  }
  if (value.length > 64) return bad(`is ${value.length} characters long, over Lambda's 64`);
  if (!FUNCTION_NAME.test(value)) return bad('contains characters Lambda does not allow');
  return { ok: true, value: { kind: 'name', name: value } };
}

export function isValidFunctionRef(raw: string): boolean {
  return parseFunctionRef(raw).ok;
}

/** The bare function name from a name, a full ARN or a partial ARN (`123456789012:function:name`). */
export function functionNameOf(nameOrArn: string): string {
  const m = /(?:^|:)function:([^:]+)/.exec(nameOrArn);
  return m?.[1] ?? nameOrArn;
}
