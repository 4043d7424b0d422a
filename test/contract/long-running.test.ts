// Deployments that take emulated hours, on a fast clock (1 emulated hour = 100 real ms).
import type { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { describe, expect, it } from 'vitest';
import type { Emulator } from '../emulator/index.ts';
import { createDeployment, seedRelease, useEmulator, waitForDeployment } from './helpers.ts';

let emu: Emulator;
let cd: CodeDeployClient;

useEmulator(36_000, (env) => {
  ({ emu, cd } = env);
});

const spec = { fn: 'orders', alias: 'live', current: '1', target: '2' };
const base = { applicationName: 'app', deploymentGroupName: 'dg' };

describe('long deployments', () => {
  it('a hook that never reports fails the deployment after one hour (HOOK_EXECUTION_FAILURE)', async () => {
    seedRelease(emu);
    emu.setHook('CodeDeployHook_pre', { result: 'never' });
    const id = await createDeployment(cd, {
      ...base,
      spec: { ...spec, before: 'CodeDeployHook_pre' },
    });
    const info = await waitForDeployment(emu, cd, id);
    expect(info.status).toBe('Failed');
    expect(info.errorInformation).toEqual({
      code: 'HOOK_EXECUTION_FAILURE',
      message:
        'The deployment failed because one or more of the lifecycle event validation functions failed.',
    });
    expect((info.completeTime?.getTime() ?? 0) - (info.startTime?.getTime() ?? 0)).toBe(3600_000);
    expect(emu.aliasHistory('orders', 'live')).toHaveLength(1);
  });

  it('Linear10PercentEvery10Minutes shifts its last step at 90 minutes', async () => {
    seedRelease(emu, { config: 'CodeDeployDefault.LambdaLinear10PercentEvery10Minutes' });
    const id = await createDeployment(cd, { ...base, spec });
    const info = await waitForDeployment(emu, cd, id);
    expect(info.status).toBe('Succeeded');
    const h = emu.aliasHistory('orders', 'live').slice(1);
    expect(h).toHaveLength(10);
    expect((h[9]?.at ?? 0) - (h[0]?.at ?? 0)).toBe(90 * 60_000);
  });
});
