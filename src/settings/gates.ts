// What judges the release and what happens when it fails: hooks, alarms, rollback, smoke test.
import type { Strategy } from '../strategy.ts';
import { type Place, readFunctionRef } from './function.ts';
import { MAX_ALARM_NAME_LENGTH, MAX_ALARMS, MAX_PAYLOAD_BYTES } from './limits.ts';
import { mb, type Reader, show } from './problems.ts';
import type { Settings } from './types.ts';
import { readBoolean } from './values.ts';

type Gates = Pick<
  Settings,
  | 'beforeTrafficHook'
  | 'afterTrafficHook'
  | 'alarms'
  | 'autoRollback'
  | 'ignoreAlarms'
  | 'smokeTestPayload'
  | 'smokeTestTenantId'
>;

/** `place`: hook ARNs must be in the release's region; `strategy`: direct has no CodeDeploy. */
export function readGates(r: Reader, place: Place, strategy: Strategy): Gates {
  const direct = strategy.kind === 'direct';
  const beforeTrafficHook = readHook(r, place, direct, 'before-traffic-hook');
  const afterTrafficHook = readHook(r, place, direct, 'after-traffic-hook');
  const alarms = readAlarms(r, direct);
  const autoRollback = readBoolean(r, 'auto-rollback', true);
  const ignoreAlarms = readIgnoreAlarms(r, direct, alarms);
  const smokeTestPayload = readSmokeTestPayload(r);
  const smokeTestTenantId = readTenantId(r, smokeTestPayload);
  return {
    ...(beforeTrafficHook ? { beforeTrafficHook } : {}),
    ...(afterTrafficHook ? { afterTrafficHook } : {}),
    alarms,
    ignoreAlarms,
    autoRollback,
    ...(smokeTestPayload ? { smokeTestPayload } : {}),
    ...(smokeTestTenantId ? { smokeTestTenantId } : {}),
  };
}

function readHook(r: Reader, place: Place, direct: boolean, name: string): string {
  const value = r.get(name);
  if (!value) return value;
  if (direct) {
    r.problem(
      name,
      'cannot be used with `strategy: direct`: there is no CodeDeploy deployment to run it. ' +
        'Valid: remove it, or use a CodeDeploy strategy such as `AllAtOnce` or `Canary10Percent5Minutes`.',
    );
  } else {
    readFunctionRef(r, place, name, value);
  }
  return value;
}

/** Splits `alarms` on commas and newlines, trims, drops empties. */
export function parseAlarms(raw: string): string[] {
  return raw
    .split(/[,\r\n]/)
    .map((a) => a.trim())
    .filter((a) => a !== '');
}

function readAlarms(r: Reader, direct: boolean): string[] {
  const alarms = parseAlarms(r.get('alarms'));
  if (alarms.length === 0) return alarms;
  if (direct) {
    r.problem(
      'alarms',
      'cannot be used with `strategy: direct`: there is no CodeDeploy deployment to stop. ' +
        'Valid: remove them, or use a CodeDeploy strategy such as `Canary10Percent5Minutes`.',
    );
    return alarms;
  }
  const forms = `Valid: up to ${MAX_ALARMS} distinct CloudWatch alarm names of at most ${MAX_ALARM_NAME_LENGTH} characters, separated by commas or newlines.`;
  for (const a of alarms.filter((a) => a.length > MAX_ALARM_NAME_LENGTH)) {
    r.problem(
      'alarms',
      `has an alarm name of ${a.length} characters (${show(a)}), over ${MAX_ALARM_NAME_LENGTH}. ${forms}`,
    );
  }
  const seen = new Set<string>();
  const dupes = new Set<string>();
  for (const a of alarms) {
    if (seen.has(a)) dupes.add(a);
    seen.add(a);
  }
  if (dupes.size > 0) {
    r.problem(
      'alarms',
      `names ${[...dupes].map(show).join(', ')} more than once, which CodeDeploy refuses. ${forms}`,
    );
  }
  if (seen.size > MAX_ALARMS) {
    r.problem(
      'alarms',
      `names ${seen.size} alarms, over CodeDeploy's limit of ${MAX_ALARMS} per deployment. ${forms}`,
    );
  }
  return alarms;
}

function readIgnoreAlarms(r: Reader, direct: boolean, alarms: string[]): boolean {
  const ignoreAlarms = readBoolean(r, 'ignore-alarms', false);
  if (ignoreAlarms && alarms.length > 0)
    r.problem(
      'ignore-alarms',
      "cannot be `true` together with `alarms`: one turns alarm gating off, the other names the alarms that gate. Valid: one of them, or neither (the deployment group's own alarms then apply).",
    );
  if (ignoreAlarms && direct)
    r.problem(
      'ignore-alarms',
      'cannot be used with `strategy: direct`: there is no CodeDeploy deployment and so no alarms. Valid: remove it, or use a CodeDeploy strategy.',
    );
  return ignoreAlarms;
}

function readSmokeTestPayload(r: Reader): string {
  const payload = r.get('smoke-test-payload');
  if (!payload) return payload;
  const forms =
    'Valid: a JSON document (the event for the function, e.g. `{"ping": true}`), at most 6 MB.';
  try {
    JSON.parse(payload);
    const bytes = Buffer.byteLength(payload, 'utf8');
    if (bytes > MAX_PAYLOAD_BYTES) {
      r.problem('smoke-test-payload', `is ${mb(bytes)}, over Lambda's 6 MB Invoke limit. ${forms}`);
    }
  } catch (e) {
    r.problem('smoke-test-payload', `is not valid JSON: ${(e as Error).message}. ${forms}`);
  }
  return payload;
}

/** Invoke's TenantId (header X-Amz-Tenant-Id): 1–256 characters of the model's set. */
const TENANT_ID = /^[a-zA-Z0-9._:/=+\-@ ]{1,256}$/;

function readTenantId(r: Reader, payload: string): string {
  const id = r.get('smoke-test-tenant-id');
  if (!id) return id;
  const forms =
    'Valid: 1–256 letters, digits, spaces and `. _ : / = + - @`, e.g. `tenant-42`, with `smoke-test-payload`.';
  if (!TENANT_ID.test(id))
    r.problem('smoke-test-tenant-id', `${show(id)} is not a tenant id Lambda accepts. ${forms}`);
  else if (!payload)
    r.problem(
      'smoke-test-tenant-id',
      `is set, but \`smoke-test-payload\` is not: there is no smoke test to invoke as that tenant. ${forms}`,
    );
  return id;
}
