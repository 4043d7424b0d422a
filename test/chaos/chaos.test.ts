// Chaos as a property: random schedules of faults, races, cancels and failing gates over the
// emulator, and after each the invariants a user relies on (invariants.ts). `npm test` runs a
// few hundred with a fixed seed; `npm run chaos` runs thousands with a random seed
// (CHAOS_SEED / CHAOS_RUNS override both). A failing schedule is printed shrunk: keep it in
// regressions.test.ts once the bug is fixed.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../emulator/index.ts';
import { check } from './check.ts';
import { schedules } from './schedule.ts';

const FULL = process.env.CHAOS_MODE === 'full';
const SEED = Number(process.env.CHAOS_SEED ?? (FULL ? Math.floor(Math.random() * 2 ** 31) : 1111));
const RUNS = Number(process.env.CHAOS_RUNS ?? (FULL ? 2000 : 200));

let emu: Emulator;
beforeAll(async () => {
  // One emulated minute is 10 real ms: a 2-minute linear shift takes 20 ms.
  emu = await startEmulator({ timeScale: 6000 });
});
afterAll(() => emu.close());

it(`holds every invariant over ${RUNS} random schedules (seed ${SEED})`, async () => {
  let tried = 0;
  const problems: string[] = [];
  try {
    await fc.assert(
      fc.asyncProperty(schedules, async (s) => {
        tried++;
        const broken = await check(emu, s);
        if (broken.length) problems.splice(0, problems.length, ...broken);
        return broken.length === 0;
      }),
      { seed: SEED, numRuns: RUNS },
    );
  } finally {
    console.log(
      `chaos: ${tried} schedules tried (${RUNS} asked, shrinking included), seed ${SEED}`,
    );
    // What the last failing schedule broke (fast-check prints only the schedule).
    if (problems.length) console.log(problems.join('\n'));
  }
  expect(problems).toEqual([]);
}, 3_600_000);
