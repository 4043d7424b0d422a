// The committed bundle as a GitHub runner runs it, against the emulator as its own process.
import { describe, expect, it } from 'vitest';
import { emulatorProcessForFile } from './emulator.ts';
import { ORDERS_INPUTS, runStep, seedOrders } from './runner.ts';

const emu = await emulatorProcessForFile(120, (e) => seedOrders(e));

const inputs = { ...ORDERS_INPUTS, version: '2' };

async function alias(): Promise<{ version: string; weights: Record<string, number> }> {
  return (await emu.getAlias('orders', 'live'))!;
}

const SECRETS = ['AKIAE2EFAKEKEY000001', 'e2e-fake-secret-access-key', 'e2e-session-token-value'];
function expectNoSecrets(...texts: string[]) {
  for (const text of texts) for (const s of SECRETS) expect(text).not.toContain(s);
}

/** Resolves once the emulator holds the alarm a trigger made as a mark (polled every 20 ms). */
async function markSeen(name: string): Promise<void> {
  for (let i = 0; i < 1500; i++) {
    if ((await emu.metricAlarms()).some((a) => a.name === name)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the bundle under the runner protocol', () => {
  it('releases by canary: exit 0, outputs, summary', async () => {
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...inputs, strategy: 'Canary10Percent5Minutes' },
      env: { AWS_SESSION_TOKEN: 'e2e-session-token-value' },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({
      status: 'succeeded',
      version: '2',
      'previous-version': '1',
      'rolled-back': 'false',
    });
    expect(run.outputs['deployment-id']).toMatch(/^d-[A-Z0-9]{9}$/);
    expect(run.stdout).toMatch(/traffic: 10%/);
    expect(run.stdout).toContain('console.aws.amazon.com/codesuite/codedeploy/deployments/');
    expect(run.summary).toMatch(/Released/);
    expect(run.summary).toContain(run.outputs['deployment-id']!);
    expect(await alias()).toEqual({ version: '2', weights: {} });
    expect(run.state.isPost).toBe('true');
    expectNoSecrets(run.stdout, run.summary, JSON.stringify(run.outputs));
    // The first read goes out before the release code loads, and preflight uses its answer.
    const reads = (await emu.calls()).map((c) => c.operation);
    expect(reads[0]).toBe('GetFunction');
    expect(reads[1]).not.toBe('GetFunction');
  });

  it('a failing hook rolls back: non-zero exit, the cause annotated, rolled-back true', async () => {
    await emu.setHook('CodeDeployHook_check', { result: 'Failed' });
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...inputs, strategy: 'AllAtOnce', 'after-traffic-hook': 'CodeDeployHook_check' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'failed', 'rolled-back': 'true' });
    expect(run.stdout).toMatch(/::error::.*HOOK_EXECUTION_FAILURE/);
    expect(run.stdout).toMatch(/::error::.*back on the previous version 1/);
    expect(run.summary).toMatch(/Rolled back/);
    expect(run.summary).toContain('HOOK_EXECUTION_FAILURE');
    expect(await alias()).toEqual({ version: '1', weights: {} });
  });

  it('an alarm stops the release and names the alarm', async () => {
    await emu.setAlarm('orders-errors', 'ALARM');
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...inputs, alarms: 'orders-errors' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('stopped');
    expect(run.stdout).toMatch(/::error::.*ALARM_ACTIVE.*orders-errors/);
    expect(await alias()).toEqual({ version: '1', weights: {} });
  });

  it('a dry run prints the plan and changes nothing', async () => {
    const run = await runStep({ emulatorUrl: emu.url, inputs: { ...inputs, 'dry-run': 'true' } });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ status: 'planned', version: '2' });
    // The given version's hash, as Lambda reported it in preflight.
    expect(run.outputs['code-sha256']).toBe((await emu.versions('orders'))[1]!.codeSha256);
    expect(run.stdout).toMatch(/plan: Start a CodeDeploy deployment/);
    expect(run.summary).toMatch(/^### 📝 Dry run — nothing changed: /);
    const calls = await emu.calls();
    expect(calls.filter((c) => c.mutating)).toEqual([]);
  });

  it('summary: false writes no job summary', async () => {
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...inputs, 'dry-run': 'true', summary: 'false' },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('planned');
    expect(run.summary).toBe('');
  });

  it('bad input fails with one message naming the input, before any AWS call', async () => {
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...inputs, strategy: 'canary 150% 5m' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/::error::.*`strategy`/);
    expect(await emu.calls()).toEqual([]);
  });
});

describe('cancellation (SIGINT, then SIGTERM 7.5 s later, then SIGKILL)', () => {
  async function expectWhole(version: string) {
    expect(await alias()).toEqual({ version, weights: {} });
  }

  it('before the deployment exists: nothing to stop, alias unchanged', async () => {
    await emu.setFunctionBehaviour('orders', { updateDelayMs: 60_000 });
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...inputs, version: '', 'code-dir': '.' },
      workspace: `${process.cwd()}/test/e2e/fixture`,
      cancelWhen: (line) => /Code uploaded/.test(line),
    });
    expect(run.exitCode).not.toBe(0);
    expect(run.outputs.status).toBe('stopped');
    expect(run.outputs['deployment-id']).toBeUndefined();
    const post = await runStep({ emulatorUrl: emu.url, inputs, state: run.state });
    expect(post.exitCode).toBe(0);
    await expectWhole('1');
    expect(await emu.deployments()).toEqual([]);
  });

  it('while the first read is in flight (before the release code is loaded): it ends at once, nothing changed', async () => {
    // GetFunction answers in a minute: only an abort ends the step within the test's time.
    await emu.injectFault({ operation: 'GetFunction', kind: 'slow', delayMs: 60_000, count: 1 });
    // The cancel comes once the read has reached AWS: a mark the emulator makes as it arrives.
    await emu.onCall({ operation: 'GetFunction', op: 'setAlarm', args: ['first-read-seen', 'OK'] });
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs,
      cancelOn: markSeen('first-read-seen'),
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/SIGINT received: the workflow run is being cancelled/);
    expect(run.outputs).toMatchObject({ status: 'stopped', 'rolled-back': 'false' });
    expect(run.summary).not.toBe('');
    expect((await emu.calls()).filter((c) => c.mutating)).toEqual([]);
    await expectWhole('1');
  });

  it('mid-shift: stops with rollback and the alias is whole on the previous version', async () => {
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...inputs, strategy: 'Canary10Percent30Minutes' },
      cancelWhen: (line) => /traffic: 10%/.test(line),
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'stopped', 'rolled-back': 'true' });
    expect(run.stdout).toMatch(/::error::.*CANCELLED/);
    const post = await runStep({ emulatorUrl: emu.url, inputs, state: run.state });
    expect(post.exitCode).toBe(0);
    await expectWhole('1');
  });

  it('during the after-traffic hook: rolls the 100% back', async () => {
    await emu.setHook('CodeDeployHook_slow', { result: 'Succeeded', afterMs: 30 * 60_000 });
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...inputs, strategy: 'AllAtOnce', 'after-traffic-hook': 'CodeDeployHook_slow' },
      cancelWhen: (line) => /traffic: 100%/.test(line),
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'stopped', 'rolled-back': 'true' });
    await expectWhole('1');
  });

  it('the post step finds and stops a deployment whose id main never saw (killed mid-CreateDeployment)', async () => {
    // The CreateDeployment request is held 1.5 s before CodeDeploy applies it; main dies meanwhile.
    await emu.injectFault({
      operation: 'CreateDeployment',
      kind: 'slow',
      delayMs: 1_500,
      count: 1,
    });
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...inputs, strategy: 'Canary10Percent30Minutes' },
      cancelWhen: (line) => /::group::Start deployment/.test(line),
      // Long enough for the request to be sent, well inside the 1.5 s hold.
      cancelDelayMs: 500,
      killOnCancel: true,
    });
    expect(run.signal).toBe('SIGKILL');
    expect(JSON.parse(run.state.release!)[0].deploymentId).toBeUndefined();
    for (let i = 0; i < 100 && (await emu.deployments()).length === 0; i++)
      await new Promise((ok) => setTimeout(ok, 50));
    const [created] = await emu.deployments();
    expect(created).toBeDefined();
    const post = await runStep({ emulatorUrl: emu.url, inputs, state: run.state });
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain(`Deployment ${created!.deploymentId} is still`);
    expect(post.stdout).toMatch(/stopping it with rollback/);
    await expectWhole('1');
  });

  it('the post step stops a deployment left running when main was killed', async () => {
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...inputs, strategy: 'Canary10Percent30Minutes', 'on-cancel': 'rollback' },
      cancelWhen: (line) => /traffic: 10%/.test(line),
      killOnCancel: true,
    });
    expect(run.signal).toBe('SIGKILL');
    expect(JSON.parse(run.state.release!)[0].deploymentId).toBe(run.outputs['deployment-id']);
    const post = await runStep({ emulatorUrl: emu.url, inputs, state: run.state });
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toMatch(/stopping it with rollback/);
    await expectWhole('1');
    // Main wrote no summary; the post step's says what became of the release.
    expect(run.summary).toBe('');
    expect(post.summary).toMatch(/^### ⏹️ Stopped by the post step — alias `live` is back on v1/);
    expect(post.summary).toContain(run.outputs['deployment-id']!);
    expect(post.summary).toMatch(/\| Alias now \| v1 \|/);
  });

  it('the post step after a main that finished writes no summary of its own', async () => {
    const run = await runStep({ emulatorUrl: emu.url, inputs: { ...inputs, 'dry-run': 'true' } });
    expect(run.state.finished).toBe('true');
    const post = await runStep({ emulatorUrl: emu.url, inputs, state: run.state });
    expect(post.exitCode).toBe(0);
    expect(post.summary).toBe('');
  });
});
