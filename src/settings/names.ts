// Name rules of the other AWS resources the inputs name: aliases, S3 buckets, container images.
import { show } from './problems.ts';

export const ALIAS_FORMS =
  'Valid: 1-128 letters, digits, `-` or `_`, not only digits and not `$LATEST`, e.g. `live`.';

/** Lambda's alias name rules; the error (without the input's name) says what is wrong. */
export function checkAliasName(raw: string): string | undefined {
  const name = raw.trim();
  if (name === '') return `is empty. ${ALIAS_FORMS}`;
  if (name.toUpperCase() === '$LATEST') {
    return `cannot be \`$LATEST\`, which is not an alias but the unpublished code. ${ALIAS_FORMS}`;
  }
  if (name.length > 128)
    return `${show(name)} is ${name.length} characters long, over Lambda's 128. ${ALIAS_FORMS}`;
  if (!/^[a-zA-Z0-9_-]+$/.test(name)) {
    return `${show(name)} contains characters Lambda does not allow in an alias name. ${ALIAS_FORMS}`;
  }
  if (/^\d+$/.test(name)) {
    return `${show(name)} is only digits, which Lambda refuses (it would look like a version number). ${ALIAS_FORMS}`;
  }
  return undefined;
}

export function isValidAliasName(name: string): boolean {
  return checkAliasName(name) === undefined;
}

/** S3 general-purpose bucket naming rules. */
export function isValidBucketName(name: string): boolean {
  return (
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !name.includes('..') &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !/^(xn--|sthree-|amzn-s3-demo-)/.test(name) &&
    !/(-s3alias|--ol-s3)$/.test(name)
  );
}

// <registry>/<repo path>[:tag][@sha256:<64 hex>]; the registry is a host name (with a dot, or
// `localhost`) and an optional port.
const IMAGE_URI =
  /^(?:[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+|localhost)(?::\d+)?\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

export function isValidImageUri(uri: string): boolean {
  return IMAGE_URI.test(uri);
}
