// A release of several functions watches its deployments together: one BatchGetDeployments a
// poll for the whole wave, where the README's matrix of single-function steps sends one
// GetDeployment a poll each.
import { describe, expect, it } from 'vitest';
import { emulatorProcessForFile } from './emulator.ts';
import { runStep, seedShop } from './runner.ts';

const FUNCTIONS = ['api', 'worker', 'events'];

const emu = await emulatorProcessForFile(120, (e) => seedShop(e, FUNCTIONS, 2));

const STEP = {
  alias: 'live',
  application: 'shop',
  'poll-interval': '1',
  strategy: 'Canary10Percent5Minutes',
  version: '2',
};

/** The CodeDeploy calls that read a deployment's status, by operation. */
async function statusReads(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const c of await emu.calls())
    if (c.operation === 'GetDeployment' || c.operation === 'BatchGetDeployments')
      out[c.operation] = (out[c.operation] ?? 0) + 1;
  return out;
}

async function allOnVersion2(): Promise<boolean> {
  for (const name of FUNCTIONS) {
    const a = await emu.getAlias(name, 'live');
    if (a?.version !== '2' || Object.keys(a.weights).length) return false;
  }
  return true;
}

describe('watching the deployments of one wave', () => {
  it('polls all three with one BatchGetDeployments a poll, far fewer reads than three single steps', async () => {
    const functions = FUNCTIONS.map(
      (name) => `- function-name: ${name}\n  deployment-group: ${name}-live\n`,
    ).join('');
    const fleet = await runStep({ emulatorUrl: emu.url, inputs: { ...STEP, functions } });
    expect(fleet.exitCode).toBe(0);
    expect(await allOnVersion2()).toBe(true);
    const together = await statusReads();

    await emu.reset();
    await seedShop(emu, FUNCTIONS, 2);
    // The README's matrix: one step per function, side by side.
    const singles = await Promise.all(
      FUNCTIONS.map((name) =>
        runStep({
          emulatorUrl: emu.url,
          inputs: { ...STEP, 'function-name': name, 'deployment-group': `${name}-live` },
        }),
      ),
    );
    expect(singles.map((s) => s.exitCode)).toEqual([0, 0, 0]);
    expect(await allOnVersion2()).toBe(true);
    const apart = await statusReads();

    // A single step keeps GetDeployment; the release of three never sends it.
    expect(apart.BatchGetDeployments).toBeUndefined();
    expect(together.GetDeployment).toBeUndefined();
    expect(together.BatchGetDeployments).toBeGreaterThan(0);
    // One read serves the wave: about a third of the matrix's (the first polls go apart, the
    // deployments having started moments apart).
    expect(together.BatchGetDeployments!).toBeLessThan(apart.GetDeployment! * 0.6);
  });
});
