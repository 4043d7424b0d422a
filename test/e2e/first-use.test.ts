// The bundle under the runner protocol: a large package through S3, a large zip refused
// without `s3-bucket`, and a first release that creates its CodeDeploy application and group.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultS3Key } from '../../src/aws/s3.ts';
import { emulatorProcessForFile } from './emulator.ts';
import { ORDERS_INPUTS, runStep, seedOrders, workspaceWith } from './runner.ts';

const emu = await emulatorProcessForFile(120);

const MB = 1024 * 1024;
const ROLE = 'arn:aws:iam::123456789012:role/CodeDeployForLambda';
const base = ORDERS_INPUTS;

/** A workspace with `app/`: a handler and `size` bytes that deflate cannot shrink. */
function workspace(size: number): string {
  return workspaceWith({
    'app/index.js': 'exports.handler = async () => "big";\n',
    ...(size > 0 ? { 'app/model.bin': randomBytes(size) } : {}),
  });
}

async function mutatingCalls(): Promise<string[]> {
  return (await emu.calls()).filter((c) => c.mutating).map((c) => `${c.service}:${c.operation}`);
}

describe('large packages', () => {
  it('releases a package over 50 MB through S3, and does not upload it again', async () => {
    await seedOrders(emu, 1, 'v1');
    await emu.createBucket('artifacts');
    const ws = workspace(52 * MB);
    const inputs = { ...base, 'code-dir': 'app', 's3-bucket': 'artifacts', strategy: 'AllAtOnce' };

    const run = await runStep({ emulatorUrl: emu.url, inputs, workspace: ws });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ status: 'succeeded', version: '2' });
    // The hash the action reports is the one S3 and Lambda computed of the bytes they got.
    const sha = Buffer.from(run.outputs['code-sha256']!, 'base64');
    expect((await emu.versions('orders')).at(-1)?.codeSha256).toBe(sha.toString('base64'));
    const key = defaultS3Key(sha.toString('hex'), 'orders');
    const stored = await emu.s3Object('artifacts', key);
    expect(stored).toMatchObject({ sha256: sha.toString('base64') });
    expect(stored!.size).toBeGreaterThan(52 * MB);
    expect(run.stdout).toContain(`to s3://artifacts/${key}`);
    expect(await emu.getAlias('orders', 'live')).toEqual({ version: '2', weights: {} });

    const before = (await emu.calls()).length;
    const again = await runStep({ emulatorUrl: emu.url, inputs, workspace: ws });
    expect(again.exitCode).toBe(0);
    expect(again.outputs.status).toBe('skipped');
    const later = (await emu.calls()).slice(before);
    expect(later.filter((c) => c.operation === 'PutObject')).toEqual([]);
    expect(later.filter((c) => c.operation === 'UpdateFunctionCode')).toEqual([]);
  });

  it('refuses a zip over 50 MB without s3-bucket before any AWS call, saying to add it', async () => {
    const ws = workspaceWith({
      'app.zip': Buffer.concat([Buffer.from('PK\x03\x04'), randomBytes(51 * MB)]),
    });
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...base, 'zip-file': 'app.zip' },
      workspace: ws,
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(
      /::error::.*`zip-file`: `app\.zip` is 51\.0 MB zipped, over Lambda's 50 MB limit.*Add `s3-bucket`/,
    );
    expect(await emu.calls()).toEqual([]);
  });
});

describe('first use with codedeploy-role', () => {
  it('creates the application and group on the first release, then canaries the next one', async () => {
    await emu.createFunction({ name: 'orders', code: 'v1', versions: 1, aliases: { live: '1' } });
    const first = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...base, 'code-dir': 'app', 'codedeploy-role': ROLE, strategy: 'AllAtOnce' },
      workspace: workspace(0),
    });
    expect(first.exitCode).toBe(0);
    expect(first.outputs).toMatchObject({ status: 'succeeded', version: '2' });
    expect(first.stdout).toContain(
      'Created CodeDeploy application `orders-app` (compute platform Lambda).',
    );
    expect(first.stdout).toContain(
      `Created deployment group \`orders-live\` in \`orders-app\` (service role ${ROLE}).`,
    );
    expect(first.summary).toContain(
      'Created CodeDeploy application orders-app and deployment group orders-live',
    );
    expect(await mutatingCalls()).toEqual(
      expect.arrayContaining(['codedeploy:CreateApplication', 'codedeploy:CreateDeploymentGroup']),
    );

    const ws = workspace(0);
    writeFileSync(join(ws, 'app', 'index.js'), 'exports.handler = async () => "v3";\n');
    const next = await runStep({
      emulatorUrl: emu.url,
      inputs: {
        ...base,
        'code-dir': 'app',
        'codedeploy-role': ROLE,
        strategy: 'Canary10Percent5Minutes',
      },
      workspace: ws,
    });
    expect(next.exitCode).toBe(0);
    expect(next.outputs).toMatchObject({
      status: 'succeeded',
      version: '3',
      'previous-version': '2',
    });
    expect(next.stdout).toMatch(/traffic: 10%/);
    expect(next.stdout).not.toContain('Created deployment group');
    const creates = (await mutatingCalls()).filter((c) => c.startsWith('codedeploy:Create'));
    expect(creates).toEqual([
      'codedeploy:CreateApplication',
      'codedeploy:CreateDeploymentGroup',
      'codedeploy:CreateDeployment',
      'codedeploy:CreateDeployment',
    ]);
    expect(await emu.getAlias('orders', 'live')).toEqual({ version: '3', weights: {} });
  });
});
