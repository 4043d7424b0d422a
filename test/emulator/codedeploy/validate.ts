// Checks of CodeDeploy request fields that more than one operation takes.
import { isRecord } from '../util.ts';
import { canary, linear } from './configs.ts';
import { err } from './errors.ts';
import type {
  AlarmConfiguration,
  AutoRollbackConfiguration,
  TrafficRoutingConfig,
} from './types.ts';

export const CONFIG_NAME = /^[A-Za-z0-9._+=,@-]{1,100}$/;
const ROLLBACK_EVENTS = new Set([
  'DEPLOYMENT_FAILURE',
  'DEPLOYMENT_STOP_ON_ALARM',
  'DEPLOYMENT_STOP_ON_REQUEST',
]);

/** alarmConfiguration / overrideAlarmConfiguration checks (docs/aws-semantics.md#alarms-and-rollback). */
export function validateAlarmConfig(v: unknown): AlarmConfiguration | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v)) throw err('InvalidAlarmConfigException', 'The alarm configuration is invalid.');
  const raw = v['alarms'] ?? [];
  if (!Array.isArray(raw))
    throw err('InvalidAlarmConfigException', 'The alarm configuration is invalid.');
  // The model caps a group at 10 alarms; the quotas page says 50. The stricter 10 is used.
  if (raw.length > 10)
    throw err(
      'AlarmsLimitExceededException',
      'The maximum number of alarms for a deployment group (10) was exceeded.',
    );
  const names: string[] = [];
  for (const a of raw) {
    const name = isRecord(a) ? a['name'] : undefined;
    if (typeof name !== 'string' || name.length < 1 || name.length > 255)
      throw err(
        'InvalidAlarmConfigException',
        'Alarm names must be between 1 and 255 characters long.',
      );
    if (names.includes(name))
      throw err('InvalidAlarmConfigException', `The alarm ${name} is specified more than once.`);
    names.push(name);
  }
  const enabled = v['enabled'] === true;
  if (enabled && names.length === 0) {
    // [unverified] enabled with no alarm: refused (stricter).
    throw err(
      'InvalidAlarmConfigException',
      'At least one alarm must be specified when the alarm configuration is enabled.',
    );
  }
  return {
    enabled,
    ignorePollAlarmFailure: v['ignorePollAlarmFailure'] === true,
    alarms: names.map((name) => ({ name })),
  };
}

/** autoRollbackConfiguration checks (docs/aws-semantics.md#alarms-and-rollback): enabled needs a valid, non-empty event list. */
export function validateRollbackConfig(v: unknown): AutoRollbackConfiguration | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v))
    throw err(
      'InvalidAutoRollbackConfigException',
      'The automatic rollback configuration is invalid.',
    );
  const enabled = v['enabled'] === true;
  const events = v['events'] ?? [];
  if (
    !Array.isArray(events) ||
    events.some((e) => typeof e !== 'string' || !ROLLBACK_EVENTS.has(e))
  )
    throw err(
      'InvalidAutoRollbackConfigException',
      'The automatic rollback configuration contains an invalid event.',
    );
  if (enabled && events.length === 0)
    throw err(
      'InvalidAutoRollbackConfigException',
      'At least one event must be specified when automatic rollback is enabled.',
    );
  return { enabled, events: [...new Set(events as string[])] };
}

/** trafficRoutingConfig checks (docs/aws-semantics.md#custom-deployment-configurations): ≤99% per increment, ≤2880 minutes of shifting. */
export function validateTrafficRouting(v: unknown): TrafficRoutingConfig {
  const bad = (m: string) => err('InvalidTrafficRoutingConfigurationException', m);
  if (!isRecord(v))
    throw bad('A traffic routing configuration is required for this compute platform.');
  const type = v['type'];
  const pct = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 99;
  const mins = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 1;
  if (type === 'AllAtOnce') {
    if (v['timeBasedCanary'] != null || v['timeBasedLinear'] != null)
      throw bad('AllAtOnce takes no timeBasedCanary or timeBasedLinear settings.');
    return { type: 'AllAtOnce' };
  }
  if (type === 'TimeBasedCanary') {
    const c = v['timeBasedCanary'];
    if (!isRecord(c) || v['timeBasedLinear'] != null)
      throw bad('TimeBasedCanary requires timeBasedCanary settings only.');
    const p = c['canaryPercentage'];
    const i = c['canaryInterval'];
    if (!pct(p)) throw bad('canaryPercentage must be an integer between 1 and 99.');
    if (!mins(i) || (i as number) > 2880)
      throw bad('canaryInterval must be an integer between 1 and 2880 minutes.');
    return canary(p as number, i as number);
  }
  if (type === 'TimeBasedLinear') {
    const l = v['timeBasedLinear'];
    if (!isRecord(l) || v['timeBasedCanary'] != null)
      throw bad('TimeBasedLinear requires timeBasedLinear settings only.');
    const p = l['linearPercentage'];
    const i = l['linearInterval'];
    if (!pct(p)) throw bad('linearPercentage must be an integer between 1 and 99.');
    if (!mins(i)) throw bad('linearInterval must be a positive integer number of minutes.');
    const span = (Math.ceil(100 / (p as number)) - 1) * (i as number);
    if (span > 2880)
      throw bad(
        'The time between the first and the last traffic shift cannot exceed 2880 minutes.',
      );
    return linear(p as number, i as number);
  }
  throw bad(`The traffic routing type ${String(type)} is invalid.`);
}

/** A required name of at most 100 characters, with CodeDeploy's error for each way it is wrong. */
export function requiredName(
  v: unknown,
  missing: [code: string, message: string],
  invalid: [code: string, message: string],
): string {
  if (v === undefined || v === null || v === '') throw err(...missing);
  if (typeof v !== 'string' || v.length > 100) throw err(...invalid);
  return v;
}
