// The output `deployment-url`: the CodeDeploy deployment's console page as soon as it exists,
// the alias's when no deployment ran.
import { describe, expect, it } from 'vitest';
import { aliasUrl, deploymentUrl } from '../../src/aws/console.ts';
import { emulatorForFile } from './emulator.ts';
import { ALIAS, codeDir, FN, runRelease, seed } from './harness.ts';

const emu = await emulatorForFile();

const aliasPage = () => aliasUrl(emu.region, FN, ALIAS);

describe('deployment-url', () => {
  it("is the deployment's page, set when the deployment starts, before the watch ends", async () => {
    seed(emu, { versions: 2, live: '1' });
    const order: string[] = [];
    const run = await runRelease(
      emu,
      { version: '2', strategy: 'AllAtOnce' },
      { output: (name) => order.push(name) },
    );
    expect(run.result.status).toBe('succeeded');
    const id = emu.deployments()[0]!.id;
    expect(order.indexOf('deployment-url')).toBe(order.indexOf('deployment-id') + 1);
    expect(order.filter((n) => n === 'deployment-url')).toHaveLength(1);
    expect(order.at(-2)).toBe('status');
    expect(run.result.deploymentId).toBe(id);
  });

  it('carries the deployment id, and the alias page in each run with no deployment', async () => {
    seed(emu, { versions: 2, live: '1' });
    const deployed = await runRelease(emu, { version: '2', strategy: 'AllAtOnce' });
    expect(deployed.outputs['deployment-url']).toBe(
      deploymentUrl(emu.region, deployed.result.deploymentId!),
    );

    const skipped = await runRelease(emu, { version: '2' });
    expect(skipped.result.status).toBe('skipped');
    expect(skipped.outputs['deployment-url']).toBe(aliasPage());

    const direct = await runRelease(emu, {
      version: '1',
      strategy: 'direct',
      application: '',
      'deployment-group': '',
    });
    expect(direct.result.status).toBe('succeeded');
    expect(direct.outputs['deployment-url']).toBe(aliasPage());

    const failed = await runRelease(emu, { version: '9' });
    expect(failed.result.status).toBe('failed');
    expect(failed.outputs['deployment-url']).toBe(aliasPage());
  });

  it('is the alias page when the first release creates the alias', async () => {
    seed(emu, { versions: 0, live: null });
    const run = await runRelease(emu, { 'code-dir': codeDir('v1') });
    expect(run.result.status).toBe('created');
    expect(run.outputs['deployment-url']).toBe(aliasPage());
  });
});
