// One schedule in, the broken invariants out (with what the run said, to read a failure by).
import type { Emulator } from '../emulator/index.ts';
import { broken } from './invariants.ts';
import { play } from './play.ts';
import type { Schedule } from './schedule.ts';

export async function check(emu: Emulator, s: Schedule): Promise<string[]> {
  const p = await play(emu, s);
  const problems = broken(p);
  if (problems.length === 0) return [];
  const r = p.result;
  return [
    ...problems,
    `(status ${r.status}, rolled-back ${r.rolledBack}, version ${r.version}, previous ${r.previousVersion}, cause ${r.cause?.code}: ${r.cause?.message})`,
    `(calls: ${p.calls.map((c) => `${c.operation}:${c.status}`).join(' ')})`,
  ];
}
