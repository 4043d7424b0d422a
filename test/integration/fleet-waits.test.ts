// A later wave's waits have a budget of their own: `timeout-minutes` counts each wait from its
// first check, so a wave that starts after the first wave and its bake may still wait out a
// group someone else is deploying to, as the first wave could have.
import { expect, it } from 'vitest';
import { createClients } from '../../src/aws/clients.ts';
import { CodeDeployApi } from '../../src/aws/codedeploy.ts';
import { LambdaApi } from '../../src/aws/lambda.ts';
import { initialFleet, releaseAll } from '../../src/release/release.ts';
import { readRelease } from '../../src/settings/index.ts';
import { emulatorClientOptions } from '../scaled-retry.ts';
import { emulatorForFile } from './emulator.ts';

const emu = await emulatorForFile();

it('a wave-2 entry whose group is busy when its turn comes waits it out, with timeout-minutes of its own', async () => {
  emu.createApplication('shop', 'Lambda');
  for (const fn of ['api', 'events']) {
    emu.createFunction({ name: fn, code: fn, versions: 3, aliases: { live: '1' } });
    emu.createDeploymentGroup('shop', `${fn}-live`);
  }
  // Someone starts a deployment in events' group just as wave 2 creates its own, 5 minutes
  // (wave 1 and a 5-minute bake) after preflight: longer than timeout-minutes. Theirs shifts
  // 10% for a minute, then the rest: it ends within wave 2's own 2 minutes.
  emu.createDeploymentConfig('one-minute-canary', {
    type: 'TimeBasedCanary',
    timeBasedCanary: { canaryPercentage: 10, canaryInterval: 1 },
  });
  let foreign = '';
  emu.onCall({
    operation: 'CreateDeployment',
    skip: 1,
    run: () => {
      foreign = emu.startDeployment(
        'shop',
        'events-live',
        'events',
        'live',
        '1',
        '3',
        'one-minute-canary',
      );
    },
  });
  const inputs: Record<string, string> = {
    alias: 'live',
    application: 'shop',
    strategy: 'AllAtOnce',
    'timeout-minutes': '2',
    'bake-minutes': '5',
    'if-busy': 'wait',
    functions: ['api', 'events']
      .map(
        (fn, i) =>
          `- function-name: ${fn}\n  deployment-group: ${fn}-live\n  version: "2"\n  wave: ${i + 1}`,
      )
      .join('\n'),
  };
  const rs = await readRelease((n) => inputs[n] ?? '', { AWS_REGION: emu.region });
  const clients = createClients(emulatorClientOptions(emu));
  const deps = () => ({
    lambda: new LambdaApi(clients.lambda),
    codedeploy: new CodeDeployApi(clients.codedeploy, undefined, clients.codedeployOnce),
    clock: emu.clock,
    progress: () => {},
    output: () => {},
  });
  const fleet = initialFleet(rs, emu.clock.now());
  await releaseAll(rs, deps, { clock: emu.clock, say: () => {} }, fleet);

  expect(foreign).not.toBe('');
  expect(fleet.entries.map((e) => [e.functionName, e.status])).toEqual([
    ['api', 'succeeded'],
    ['events', 'succeeded'],
  ]);
  expect(emu.getAlias('events', 'live')).toEqual({ version: '2', weights: {} });
  // Ours was created once the other had ended.
  const ours = emu.deployments().filter((d) => d.creator === 'user' && d.deploymentId !== foreign);
  expect(ours.map((d) => d.status)).toEqual(['Succeeded', 'Succeeded']);
});
