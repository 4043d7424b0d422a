// Shared by the metric-gate tests: gates from input text, and a canary's target.
import type { GateTarget } from '../src/gates/alarms.ts';
import { type Gate, parseGates } from '../src/gates/parse.ts';

export function gates(input: string): Gate[] {
  const r = parseGates(input);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/** Version 8 of orders:live, replacing version 7. */
export const target: GateTarget = {
  functionName: 'orders',
  alias: 'live',
  version: '8',
  previousVersion: '7',
};
