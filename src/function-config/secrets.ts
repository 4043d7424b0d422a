// Values the shell must mask with core.setSecret before anything is logged.
import type { DesiredConfig } from './types.ts';

/**
 * Every non-empty environment value: any of them may be a secret. A value of several lines
 * also gives each line, since the runner may print one line of it alone.
 */
export function environmentSecrets(desired: DesiredConfig): string[] {
  const vars = desired.fields.Environment?.Variables ?? {};
  const lines = (v: string) => (v.includes('\n') ? v.split(/\r?\n/).map((l) => l.trim()) : []);
  const all = Object.values(vars).flatMap((v) => [v, ...lines(v)]);
  return [...new Set(all.filter((v) => v !== ''))];
}
