// What a person reads from the bundle under the runner: the status output and a summary in
// every run (bad input too), AWS errors that name the call and the fix, the cancel's traffic,
// a failed stop on timeout that the post step takes up, and a last log line that is the
// summary's first.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emulatorProcessForFile } from './emulator.ts';
import { ORDERS_INPUTS, runStep, type StepRun, seedOrders } from './runner.ts';

const emu = await emulatorProcessForFile(120, (e) => seedOrders(e));

const inputs = { ...ORDERS_INPUTS, version: '2' };

const lines = (run: StepRun) => run.stdout.split('\n').filter((l) => l.trim() !== '');
const errorLine = (run: StepRun) => lines(run).find((l) => l.startsWith('::error::')) ?? '';

describe('every run sets status and writes a summary', () => {
  it('bad input: status failed, rolled-back false, a summary naming the input; no AWS call', async () => {
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...inputs, strategy: 'canary 150% 5m' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'failed', 'rolled-back': 'false' });
    expect(run.summary).toMatch(/^### ⛔ Not started — invalid input\n/);
    expect(run.summary).toContain('`strategy`');
    expect(run.summary).toContain('Nothing was changed in AWS');
    expect(errorLine(run)).toMatch(/^::error::Not started — invalid input\. INVALID_INPUT: /);
    expect(run.state.finished).toBe('true');
    expect(await emu.calls()).toEqual([]);
  });

  it('no credentials at all: names Lambda GetFunction and how to give the job credentials', async () => {
    const home = mkdtempSync(join(tmpdir(), 'no-aws-'));
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs,
      env: {
        AWS_ACCESS_KEY_ID: '',
        AWS_SECRET_ACCESS_KEY: '',
        AWS_SESSION_TOKEN: '',
        HOME: home,
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
        AWS_CONFIG_FILE: join(home, 'config'),
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'failed', 'rolled-back': 'false' });
    const error = errorLine(run);
    expect(error).toMatch(/^::error::Not started — no AWS credentials\. NO_CREDENTIALS: /);
    expect(error).toContain('No AWS credentials for Lambda GetFunction while checking');
    expect(error).toContain('aws-actions/configure-aws-credentials');
    expect(error).toContain('role-to-assume');
    expect(error).toContain('id-token: write');
    expect(error).not.toContain('$response');
    expect(run.summary).toMatch(/^### ⛔ Not started — no AWS credentials/);
  });
});

describe('the log and the summary say the same', () => {
  it("a release's last log line is the summary's first, and the summary links the commit", async () => {
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...inputs, strategy: 'AllAtOnce' },
    });
    expect(run.exitCode).toBe(0);
    expect(lines(run).at(-1)).toBe('Released: live v1 → v2');
    expect(run.summary.split('\n')[0]).toBe('### ✅ Released: `live` v1 → v2');
    expect(run.summary).toContain(
      '(https://github.com/acme/orders/commit/abcdef0123456789abcdef0123456789abcdef01)',
    );
  });
});

describe('cancelled mid-shift', () => {
  it('the summary has the traffic seen before the cancel and where it is now', async () => {
    await emu.setHook('CodeDeployHook_pre', { result: 'Succeeded' });
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: {
        ...inputs,
        strategy: 'Canary10Percent30Minutes',
        'before-traffic-hook': 'CodeDeployHook_pre',
      },
      cancelWhen: (line) => /traffic: 10%/.test(line),
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'stopped', 'rolled-back': 'true' });
    expect(run.summary).toMatch(/^### ⏹️ Cancelled — rolled back: `live` v1 → v2 → v1/);
    expect(run.summary).toMatch(/\| █░{9} 10% \|/);
    expect(run.summary).toMatch(/cancel · rollback \| ░{10} 0% \|/);
    expect(run.summary).toMatch(/BeforeAllowTraffic hook \| .*CodeDeployHook_pre.*: Succeeded/);
    expect(errorLine(run)).toMatch(/^::error::Cancelled — rolled back: live v1 → v2 → v1\./);
  });
});

describe('on-timeout: rollback, and StopDeployment is denied', () => {
  // The action's clock is real: 0.05 of timeout-minutes is 3 real seconds.
  it('says so, leaves the state unfinished, and the post step stops it', {
    timeout: 60_000,
  }, async () => {
    await emu.injectFault({ service: 'codedeploy', operation: 'StopDeployment', kind: 'denied' });
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...inputs, strategy: 'canary 10% 600m', 'timeout-minutes': '0.05' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'failed', 'rolled-back': 'false' });
    const error = errorLine(run);
    expect(error).toMatch(/^::error::Timed out — stop failed, still running: /);
    expect(error).toContain('did not finish within 0.05 minutes (timeout-minutes)');
    expect(error).toContain('CodeDeploy StopDeployment failed: AccessDeniedException');
    expect(error).toContain('Allow `codedeploy:StopDeployment`');
    expect(run.summary).toMatch(/^### ⏱️ Timed out — stop failed, still running/);
    expect(run.state.finished).toBeUndefined();
    await emu.clearFaults();
    const post = await runStep({ emulatorUrl: emu.url, inputs, state: run.state });
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toMatch(/stopping it with rollback/);
    expect(await emu.getAlias('orders', 'live')).toEqual({ version: '1', weights: {} });
  });
});
