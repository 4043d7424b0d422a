// Values the shell must mask with core.setSecret before anything is logged. The action never
// prints an environment value (the plan and the summary name keys only); masking is the
// second line of defence, for a value some AWS message might echo. The runner masks every
// occurrence of a masked value anywhere in the log, so masking `1`, `true` or `us-east-1`
// would turn every "10%", "rolled-back: true" or region in the log into `***`.
import type { DesiredConfig } from './types.ts';

/** Keys whose value is a secret whatever it looks like. */
const SECRET_KEY =
  /(SECRET|TOKEN|PASSWORD|PASSWD|PASS|PWD|KEY|CREDENTIAL|AUTH|PRIVATE|CERT|SIGNATURE|SALT|DSN|COOKIE|SESSION)/i;
/** Shorter values under other keys are settings (stages, flags, ports), not secrets. */
const MIN_MASKED_LENGTH = 8;
/** Numbers, booleans and region names: never secret, and common in the log's own words. */
const PLAIN =
  /^(?:-?\d+(?:\.\d+)?|true|false|yes|no|on|off|null|none|[a-z]{2}(?:-gov)?-[a-z]+-\d)$/i;

function masked(key: string, value: string): boolean {
  if (value.trim() === '') return false;
  if (SECRET_KEY.test(key)) return true;
  return value.length >= MIN_MASKED_LENGTH && !PLAIN.test(value.trim());
}

/**
 * The environment values to mask: every value under a key that names a secret, and every
 * other value of 8 characters or more that is not a number, a boolean or a region. A value
 * of several lines also gives each line, since the runner may print one line of it alone.
 */
export function environmentSecrets(desired: DesiredConfig): string[] {
  const vars = desired.fields.Environment?.Variables ?? {};
  const lines = (v: string) => (v.includes('\n') ? v.split(/\r?\n/).map((l) => l.trim()) : []);
  const all = Object.entries(vars)
    .filter(([key, value]) => masked(key, value))
    .flatMap(([, v]) => [v, ...lines(v)]);
  return [...new Set(all.filter((v) => v !== ''))];
}
