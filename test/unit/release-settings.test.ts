// `functions`: the entries of a release of several functions, read with the step's inputs as
// defaults; every problem of every entry at once, each naming its entry.
import { describe, expect, it } from 'vitest';
import { type ReleaseSettings, readRelease, SettingsError } from '../../src/settings/index.ts';

const STEP: Record<string, string> = {
  alias: 'live',
  application: 'shop',
  strategy: 'AllAtOnce',
  region: 'us-east-1',
};

function read(inputs: Record<string, string>): Promise<ReleaseSettings> {
  return readRelease((name) => inputs[name] ?? '', {});
}

async function problems(inputs: Record<string, string>): Promise<string[]> {
  try {
    await read(inputs);
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  throw new Error('expected a SettingsError');
}

describe('functions', () => {
  it('a step without it is a release of one entry', async () => {
    const rs = await read({ ...STEP, 'function-name': 'api', 'deployment-group': 'api-live' });
    expect(rs.several).toBe(false);
    expect(rs.entries.map((e) => [e.key, e.wave, e.position])).toEqual([
      ['us-east-1/api:live', 1, 0],
    ]);
  });

  it('entries take the step inputs as defaults and may override them, region included', async () => {
    const rs = await read({
      ...STEP,
      'bake-minutes': '10',
      functions: [
        '- function-name: api',
        '  deployment-group: api-live',
        '- function-name: api',
        '  deployment-group: api-live',
        '  region: us-west-2',
        '  strategy: canary 10% 5m',
        '  alarms: [api-errors, api-latency]',
        '  wave: 2',
      ].join('\n'),
    });
    expect(rs.several).toBe(true);
    expect(rs.bakeMinutes).toBe(10);
    const [east, west] = rs.entries;
    expect(east!.key).toBe('us-east-1/api:live');
    expect(east!.settings.strategy.input).toBe('AllAtOnce');
    expect(west!.key).toBe('us-west-2/api:live');
    expect(west!.wave).toBe(2);
    expect(west!.settings.region).toBe('us-west-2');
    expect(west!.settings.strategy.input).toBe('canary 10% 5m');
    expect(west!.settings.alarms).toEqual(['api-errors', 'api-latency']);
    expect(west!.settings.application).toBe('shop');
  });

  it("an entry's own code source replaces the step's", async () => {
    const rs = await read({
      ...STEP,
      'image-uri': '123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1',
      functions:
        '- function-name: api\n  deployment-group: api-live\n  version: "7"\n- function-name: worker\n  deployment-group: worker-live',
    });
    expect(rs.entries[0]!.settings.source).toEqual({ kind: 'version', version: '7' });
    expect(rs.entries[1]!.settings.source.kind).toBe('image');
  });

  it('reports every problem of every entry at once, each naming its entry', async () => {
    const found = await problems({
      ...STEP,
      'function-name': 'stray',
      functions: [
        '- function-name: api',
        '  deployment-group: api-live',
        '  memory-size: 7',
        '- function-name: worker',
        '  deployment-group: worker-live',
        '  dry-run: true',
        '  colour: blue',
        '- deployment-group: x',
        '- function-name: events',
        '  deployment-group: events-live',
        '  wave: 1.5',
      ].join('\n'),
    });
    expect(found).toEqual([
      expect.stringMatching(/^`function-name` must be empty when `functions` is given/),
      expect.stringMatching(/^`functions` entry 2: `dry-run` speaks for the whole release/),
      expect.stringMatching(/^`functions` entry 2: `colour` is not an input of an entry/),
      expect.stringMatching(/^`functions` entry 3: `function-name` is required in every entry/),
      expect.stringMatching(/^`functions` entry 4: `wave` `1.5` is not a whole number from 1/),
      expect.stringMatching(/^`functions` entry 1 \(us-east-1\/api:live\): `memory-size`/),
    ]);
  });

  it('refuses the same function and alias twice, and two entries of one wave in one group', async () => {
    const found = await problems({
      ...STEP,
      functions: [
        '- function-name: api',
        '  deployment-group: shared',
        '- function-name: api',
        '  deployment-group: other',
        '- function-name: worker',
        '  deployment-group: shared',
      ].join('\n'),
    });
    expect(found).toEqual([
      '`functions` entries 1 and 2 both release us-east-1/api:live: each function and alias may appear once.',
      expect.stringMatching(
        /^`functions` entries 1 \(us-east-1\/api:live\) and 3 \(us-east-1\/worker:live\) are both in wave 1 and deployment group shared/,
      ),
    ]);
  });

  it('refuses a list that is not one, and `wait: false` with several waves', async () => {
    expect(await problems({ ...STEP, functions: 'api' })).toEqual([
      expect.stringMatching(/^`functions` must be a non-empty list/),
    ]);
    expect(await problems({ ...STEP, functions: '- [' })).toEqual([
      expect.stringMatching(/^`functions` is not valid YAML or JSON \(.* at line 1/),
    ]);
    const waves =
      '- function-name: api\n  deployment-group: a\n- function-name: worker\n  deployment-group: w\n  wave: 2';
    expect(await problems({ ...STEP, wait: 'false', functions: waves })).toEqual([
      expect.stringMatching(/^`wait`: `false` cannot release 2 waves/),
    ]);
  });

  it('refuses a bake or bound out of range', async () => {
    const found = await problems({
      ...STEP,
      'function-name': 'api',
      'deployment-group': 'a',
      'bake-minutes': '-1',
      'max-parallel': '0',
    });
    expect(found).toEqual([
      expect.stringMatching(/^`bake-minutes`: `-1` is not a valid number of minutes/),
      expect.stringMatching(/^`max-parallel`: `0` is not a valid count/),
    ]);
  });

  it('takes JSON as well', async () => {
    const rs = await read({
      ...STEP,
      functions: JSON.stringify([
        { 'function-name': 'api', 'deployment-group': 'a', wave: 1 },
        { 'function-name': 'worker', 'deployment-group': 'w', wave: 2, 'memory-size': 512 },
      ]),
    });
    expect(rs.entries.map((e) => e.wave)).toEqual([1, 2]);
    expect(rs.entries[1]!.settings.config.fields?.MemorySize).toBe(512);
  });
});
