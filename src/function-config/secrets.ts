// Values the shell must mask with core.setSecret before anything is logged.
import type { DesiredConfig } from './types.ts';

/** Every non-empty environment value: any of them may be a secret. */
export function environmentSecrets(desired: DesiredConfig): string[] {
  const vars = desired.fields.Environment?.Variables ?? {};
  return [...new Set(Object.values(vars).filter((v) => v !== ''))];
}
