// Checks shared by the dedicated inputs and `function-configuration`. Each returns what is wrong
// as a phrase with no subject ("is ...", "has ..."), or undefined; the caller names the subject.
// No check ever quotes an environment variable's value.
import {
  ENV_KEY,
  LAYER_ARN,
  LAYER_FORMS,
  MAX_ENVIRONMENT_BYTES,
  MAX_FUNCTION_DESCRIPTION,
  MAX_HANDLER,
  MAX_LAYERS,
  RESERVED_ENV_KEYS,
  ROLE_ARN,
  ROLE_FORMS,
} from './limits.ts';
import { runtimeForms, runtimeStatus } from './runtimes.ts';

/** A value quoted for a message: backticks, one line, at most 80 characters. */
export function quote(value: string): string {
  const oneLine = value.replace(/\r?\n/g, '\\n').replace(/`/g, "'");
  return `\`${oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine}\``;
}

const list = (names: Iterable<string>) => [...names].map(quote).join(', ');

export interface Range {
  min: number;
  max: number;
}

export function checkInt(n: number, range: Range, unit: string): string | undefined {
  if (Number.isInteger(n) && n >= range.min && n <= range.max) return undefined;
  return `is not a whole number from ${range.min} to ${range.max}. Valid: ${unit}, ${range.min}–${range.max}.`;
}

export function checkRuntime(id: string): string | undefined {
  const status = runtimeStatus(id);
  if (status === 'retired') {
    return `is a runtime Lambda has retired: it no longer creates or updates functions with it. ${runtimeForms()}`;
  }
  if (status === 'unknown') return `is not a Lambda runtime identifier. ${runtimeForms()}`;
  return undefined;
}

export function checkHandler(handler: string): string | undefined {
  if (/^\S+$/.test(handler) && handler.length <= MAX_HANDLER) return undefined;
  return `is not a handler Lambda accepts. Valid: up to ${MAX_HANDLER} characters without spaces, e.g. \`index.handler\`.`;
}

export function checkDescription(text: string): string | undefined {
  if (text.length <= MAX_FUNCTION_DESCRIPTION) return undefined;
  return `is ${text.length} characters long, over Lambda's ${MAX_FUNCTION_DESCRIPTION}. Valid: at most ${MAX_FUNCTION_DESCRIPTION} characters.`;
}

export function checkRole(arn: string): string | undefined {
  return ROLE_ARN.test(arn) ? undefined : `is not an IAM role ARN. ${ROLE_FORMS}`;
}

/** Layer version ARNs: form, count, one version per layer, and (when known) the function's region. */
export function checkLayers(arns: readonly string[], region?: string): string | undefined {
  if (arns.length > MAX_LAYERS) {
    return `names ${arns.length} layers, over Lambda's ${MAX_LAYERS}. ${LAYER_FORMS}`;
  }
  const layers = new Set<string>();
  for (const arn of arns) {
    const m = arn.match(LAYER_ARN);
    if (!m) return `has ${quote(arn)}, which is not a layer version ARN. ${LAYER_FORMS}`;
    const [, , layerRegion, account, name] = m;
    if (region && layerRegion !== region) {
      return `has ${quote(arn)} in region \`${layerRegion}\`; Lambda only attaches layers from the function's region \`${region}\`. ${LAYER_FORMS}`;
    }
    const layer = `${account}:${name}`;
    if (layers.has(layer)) {
      return `names the layer \`${name}\` of account ${account} more than once; a function takes one version of each layer. ${LAYER_FORMS}`;
    }
    layers.add(layer);
  }
  return undefined;
}

const KEY_FORMS =
  'Valid: keys of at least 2 letters, digits or `_`, starting with a letter, not reserved by Lambda';

/** Keys, reserved keys and Lambda's 4 KB; names keys only, never values. */
export function checkVariables(vars: Readonly<Record<string, string>>): string | undefined {
  const keys = Object.keys(vars);
  const reserved = keys.filter((k) => RESERVED_ENV_KEYS.has(k));
  if (reserved.length > 0) {
    return `sets ${list(reserved)}, reserved by Lambda (its runtime sets ${reserved.length === 1 ? 'it' : 'them'}). ${KEY_FORMS} (such as \`AWS_REGION\`, \`AWS_LAMBDA_FUNCTION_NAME\`, \`_HANDLER\`).`;
  }
  const bad = keys.filter((k) => !ENV_KEY.test(k));
  if (bad.length > 0) return `has keys Lambda refuses: ${list(bad)}. ${KEY_FORMS}.`;
  const bytes = Buffer.byteLength(JSON.stringify(vars), 'utf8');
  if (bytes > MAX_ENVIRONMENT_BYTES) {
    return `is ${bytes} bytes as Lambda measures it (the JSON text of all keys and values), over its limit of ${MAX_ENVIRONMENT_BYTES} bytes (4 KB). Valid: a smaller set; keep large values in SSM Parameter Store or Secrets Manager.`;
  }
  return undefined;
}
