// The README's error-code table against what the action gives: for each documented code, a
// case made of the cause the table states (quoted from it, so a changed cause must bring a
// changed case) gives exactly that code. A code with no case here names the test file that
// produces it; a new code needs one or the other.
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { invalidInputResult } from '../../src/release/failure.ts';
import { CODEDEPLOY_CODES, OWN_CODES } from '../../src/report/codes.ts';
import { failureMessage } from '../../src/report/failure.ts';
import { renderSummary } from '../../src/report/summary.ts';
import { emulatorForFile } from './emulator.ts';
import {
  ALIAS,
  APP,
  codeDir,
  FN,
  GROUP,
  type Run,
  runRelease,
  runWithFailingHook,
  seed,
  startOtherDeployment,
} from './harness.ts';

const emu = await emulatorForFile();

/** The code a release with these inputs ends with. */
async function codeOf(inputs: Record<string, string>): Promise<string | undefined> {
  try {
    const run = await runRelease(emu, inputs);
    return run.result.cause?.code;
  } catch (error) {
    // Settings refused: what the shell reports (src/main.ts).
    if (!(error instanceof Error) || error.name !== 'SettingsError') throw error;
    return invalidInputResult(error, () => '', {}, 0).cause?.code;
  }
}

/** A code-dir whose only entry is a link to nothing. */
function brokenLinkDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'code-'));
  writeFileSync(join(dir, 'index.js'), 'exports.handler = async () => 1;\n');
  mkdirSync(join(dir, 'lib'));
  symlinkSync(join(dir, 'gone.js'), join(dir, 'lib', 'util.js'));
  return dir;
}

/** The seeded group's service role (the emulator's default for groups made by its controls). */
const SERVICE_ROLE = 'arn:aws:iam::123456789012:role/CodeDeployServiceRole';

/** A 10% canary whose group someone deletes once the canary's traffic is on the alias. */
function runWithGroupDeleted() {
  let deleted = false;
  emu.onCall({
    operation: 'GetDeployment',
    count: 1000,
    run: () => {
      const live = emu.getAlias(FN, ALIAS);
      if (deleted || !live || Object.keys(live.weights).length === 0) return;
      deleted = true;
      emu.deleteDeploymentGroup(APP, GROUP);
    },
  });
  return runRelease(emu, { 'code-dir': v2(), strategy: 'Canary10Percent5Minutes' });
}

/** A release to a group whose service role was deleted. */
function runWithRoleDeleted() {
  emu.deleteRole(SERVICE_ROLE);
  return runRelease(emu, { 'code-dir': v2(), strategy: 'Canary10Percent5Minutes' });
}

/** A release whose deployment CodeDeploy fails on its side, 10% canary in. */
function runWithInternalError() {
  emu.failDeployment({ applicationName: APP, deploymentGroupName: GROUP, afterMs: 60_000 });
  return runRelease(emu, { 'code-dir': v2(), strategy: 'Canary10Percent5Minutes' });
}

interface Case {
  /** Words of the table's "What happened" for the code: the cause this case sets up. */
  cause: string;
  run: () => Promise<string | undefined>;
}

const v2 = () => codeDir('v2');

const CASES: Record<string, Case> = {
  INVALID_INPUT: {
    cause: 'An input is missing, malformed or conflicts with another',
    run: () => codeOf({ 'code-dir': '/no/such/dir' }),
  },
  FUNCTION_NOT_FOUND: {
    cause: 'The function does not exist in the region',
    run: () => codeOf({ 'function-name': 'nope', 'code-dir': v2() }),
  },
  PACKAGE_TYPE_MISMATCH: {
    cause: 'an image for a .zip function',
    run: () => codeOf({ 'image-uri': '123456789012.dkr.ecr.us-east-1.amazonaws.com/o:1' }),
  },
  CODE_UNREADABLE: {
    cause: '`code-dir` holds a broken symbolic link',
    run: () => codeOf({ 'code-dir': brokenLinkDir() }),
  },
  VERSION_NOT_FOUND: {
    cause: 'The version given in `version`',
    run: () => codeOf({ version: '99' }),
  },
  ALIAS_NOT_FOUND: {
    cause: 'The alias named in `from-alias` does not exist',
    run: () => codeOf({ 'from-alias': 'staging' }),
  },
  SOURCE_ALIAS_WEIGHTED: {
    cause: 'The `from-alias` alias is split between two versions',
    run: () => {
      emu.setAlias(FN, 'test', '1', { '2': 0.5 });
      return codeOf({ 'from-alias': 'test' });
    },
  },
  SOURCE_ALIAS_ON_LATEST: {
    cause: 'The `from-alias` alias points at `$LATEST`',
    run: () => {
      emu.setAlias(FN, 'test', '$LATEST');
      return codeOf({ 'from-alias': 'test' });
    },
  },
  ALIAS_WEIGHTED: {
    cause: 'The target alias is split between versions',
    run: () => {
      emu.setAlias(FN, ALIAS, '1', { '2': 0.3 });
      return codeOf({ 'code-dir': v2() });
    },
  },
  ALIAS_ON_LATEST: {
    cause: 'The target alias points at `$LATEST`',
    run: () => {
      emu.setAlias(FN, ALIAS, '$LATEST');
      return codeOf({ 'code-dir': v2() });
    },
  },
  APPLICATION_NOT_FOUND: {
    cause: 'The CodeDeploy application does not exist in the region',
    run: () => codeOf({ application: 'nope', 'code-dir': v2() }),
  },
  APPLICATION_NOT_LAMBDA: {
    cause: 'The CodeDeploy application is for EC2/on-premises or ECS',
    run: () => {
      emu.createApplication('servers', 'Server');
      emu.createDeploymentGroup('servers', GROUP);
      return codeOf({ application: 'servers', 'code-dir': v2() });
    },
  },
  DEPLOYMENT_GROUP_NOT_FOUND: {
    cause: 'The deployment group does not exist in the application',
    run: () => codeOf({ 'deployment-group': 'nope', 'code-dir': v2() }),
  },
  CODEDEPLOY_CREATE_FAILED: {
    cause: 'Creating the missing CodeDeploy application or deployment group',
    run: () => {
      emu.injectFault({
        service: 'codedeploy',
        operation: 'CreateDeploymentGroup',
        kind: 'denied',
      });
      return codeOf({
        'deployment-group': 'orders-new',
        'codedeploy-role': 'arn:aws:iam::123456789012:role/CodeDeployServiceRoleForLambda',
        'code-dir': v2(),
      });
    },
  },
  STRATEGY_NOT_FOUND: {
    cause: 'The deployment config named in `strategy` does not exist',
    run: () => codeOf({ strategy: 'TeamCanaryThatIsNot', 'code-dir': v2() }),
  },
  HOOK_NOT_FOUND: {
    cause: 'A hook function named in `before-traffic-hook` or `after-traffic-hook` does not exist',
    run: () => codeOf({ 'before-traffic-hook': 'CodeDeployHook_missing', 'code-dir': v2() }),
  },
  GROUP_BUSY: {
    cause: 'Another deployment is active in the deployment group',
    run: () => {
      startOtherDeployment(emu, 'CodeDeployDefault.LambdaLinear10PercentEvery10Minutes');
      return codeOf({ 'code-dir': v2() });
    },
  },
  TOO_MANY_ALARMS: {
    cause: 'are more than the 10 CodeDeploy takes per deployment',
    run: () => {
      const alarms = Array.from({ length: 10 }, (_, i) => `a${i}`);
      for (const a of alarms) emu.setAlarm(a, 'OK');
      return codeOf({ alarms: alarms.join(','), 'metric-gates': 'errors = 0', 'code-dir': v2() });
    },
  },
  GATE_ALARMS_FAILED: {
    cause: 'CloudWatch refused to create the `metric-gates` alarms',
    run: () => {
      emu.injectFault({ service: 'cloudwatch', operation: 'PutMetricAlarm', kind: 'denied' });
      return codeOf({ 'metric-gates': 'errors = 0', 'code-dir': v2() });
    },
  },
  ACCESS_DENIED: {
    cause: 'AWS refused a call: the role the job uses lacks the IAM action',
    run: () => {
      emu.injectFault({ service: 'lambda', operation: 'PublishVersion', kind: 'denied' });
      return codeOf({ 'code-dir': v2() });
    },
  },
  S3_UPLOAD_FAILED: {
    cause: 'Putting the zip in S3 (`s3-bucket`) failed: no such bucket',
    run: () => codeOf({ 's3-bucket': 'no-such-bucket', 'code-dir': v2() }),
  },
  CODE_UPDATE_FAILED: {
    cause: 'Lambda could not apply the new code',
    run: () => {
      emu.setFunctionBehaviour(FN, { updateFailure: 'The image manifest is invalid.' });
      return codeOf({ 'code-dir': v2() });
    },
  },
  CODE_UPDATE_TIMEOUT: {
    cause: 'Lambda was still applying the code after 5 minutes',
    run: () => {
      emu.setFunctionBehaviour(FN, { updateDelayMs: 24 * 60 * 60_000 }); // never, for the release
      return codeOf({ 'code-dir': v2() });
    },
  },
  VERSION_FAILED: {
    cause: 'The published version did not become active (`State: Failed`',
    run: () => {
      emu.setFunctionBehaviour(FN, {
        snapStartMs: 60_000,
        snapStartFailure: 'SnapStart could not restore the snapshot.',
      });
      return codeOf({
        'function-configuration': '{"SnapStart": {"ApplyOn": "PublishedVersions"}}',
        strategy: 'AllAtOnce',
      });
    },
  },
  VERSION_NOT_ACTIVE: {
    cause: 'The published version was still not active `timeout-minutes` after the first check',
    run: () => {
      emu.setFunctionBehaviour(FN, { snapStartMs: 10 * 60_000 });
      return codeOf({
        'function-configuration': '{"SnapStart": {"ApplyOn": "PublishedVersions"}}',
        strategy: 'AllAtOnce',
        'timeout-minutes': '2',
      });
    },
  },
  SMOKE_TEST_FAILED: {
    cause: 'The new version returned a function error to `smoke-test-payload`',
    run: () => {
      emu.setFunctionBehaviour(FN, { invoke: { functionError: 'Unhandled' } });
      return codeOf({ 'smoke-test-payload': '{}', 'code-dir': v2() });
    },
  },
  TIMEOUT: {
    cause: 'The deployment did not end within `timeout-minutes` of its start',
    run: () => {
      emu.setHook('CodeDeployHook_pre', { result: 'never' });
      return codeOf({
        'before-traffic-hook': 'CodeDeployHook_pre',
        'timeout-minutes': '3',
        strategy: 'AllAtOnce',
        'code-dir': v2(),
      });
    },
  },
  CONFIG_CHANGED_CONCURRENTLY: {
    cause: 'Someone else changed `$LATEST` just before the configuration update',
    run: () => {
      emu.onCall({
        operation: 'UpdateFunctionConfiguration',
        run: () => emu.updateCodeOutOfBand(FN, 'someone else'),
      });
      return codeOf({ 'memory-size': '512', strategy: 'AllAtOnce' });
    },
  },
  ALIAS_MISMATCH: {
    cause: 'CodeDeploy reports success, but the alias is not wholly on the new version',
    run: () => {
      // Someone moves the alias once CodeDeploy has finished, before the action reads it back
      // (the read-back is a GetAlias after CodeDeploy said Succeeded, so it always sees this).
      let moved = false;
      emu.onCall({
        operation: 'GetAlias',
        count: 1000,
        run: () => {
          const done = emu.deployments().some((d) => d.status === 'Succeeded');
          if (done && !moved) {
            moved = true;
            emu.setAlias(FN, ALIAS, '3', { '1': 0.5 });
          }
        },
      });
      return codeOf({ 'code-dir': v2(), strategy: 'AllAtOnce' });
    },
  },
  HOOK_EXECUTION_FAILURE: {
    cause: 'A lifecycle hook reported `Failed`',
    run: async () => (await runWithFailingHook(emu)).result.cause?.code,
  },
  DEPLOYMENT_GROUP_MISSING: {
    cause: 'The deployment group was deleted during the deployment',
    run: async () => (await runWithGroupDeleted()).result.cause?.code,
  },
  IAM_ROLE_MISSING: {
    cause: 'The deployment group’s service role does not exist',
    run: async () => (await runWithRoleDeleted()).result.cause?.code,
  },
  INTERNAL_ERROR: {
    cause: 'CodeDeploy failed on its side',
    run: async () => (await runWithInternalError()).result.cause?.code,
  },
  ALARM_ACTIVE: {
    cause: 'A CloudWatch alarm watched by the deployment went into ALARM',
    run: () => {
      emu.setAlarm('orders-errors', 'ALARM');
      return codeOf({ alarms: 'orders-errors', strategy: 'AllAtOnce', 'code-dir': v2() });
    },
  },
};

/** Codes whose cause needs a runner, a race or an outage: the test file that produces each. */
const ELSEWHERE: Record<string, string> = {
  NO_CREDENTIALS: 'test/e2e/messages.test.ts',
  CODE_TOO_LARGE: 'test/integration/large-packages.test.ts',
  STRATEGY_CONFLICT: 'test/integration/races.test.ts',
  ALIAS_MOVED: 'test/integration/races.test.ts',
  CODE_CHANGED_CONCURRENTLY: 'test/integration/failures.test.ts',
  LAST_UPDATE_FAILED: 'test/integration/configuration.test.ts',
  TIMEOUT_STOP_FAILED: 'test/integration/outcomes.test.ts',
  ASSUME_ROLE_DENIED: 'test/unit/credentials.test.ts',
  ASSUME_ROLE_FAILED: 'test/unit/credentials.test.ts',
  OIDC_TOKEN_UNAVAILABLE: 'test/unit/credentials.test.ts',
  CREDENTIALS_EXPIRED: 'test/e2e/long-release.test.ts',
  LOST_CONTACT: 'test/hardening/faults.test.ts',
  CANCELLED: 'test/e2e/action.test.ts',
  MANUAL_STOP: 'test/contract/deployments.test.ts',
  INVALID_LAMBDA_FUNCTION: 'test/contract/deployments.test.ts',
  INVALID_LAMBDA_CONFIGURATION: 'test/contract/deployments.test.ts',
  IAM_ROLE_PERMISSIONS: 'test/contract/deployments.test.ts',
  FUNCTION_DELETING: 'test/e2e/lambda-2026.test.ts',
  CONFIG_CREATE_ONLY: 'test/e2e/lambda-2026.test.ts',
  TENANT_ID_REQUIRED: 'test/e2e/lambda-2026.test.ts',
  BAKE_ALARM: 'test/e2e/fleet.test.ts',
  BAKE_UNWATCHED: 'test/e2e/fleet.test.ts',
  STOPPED_BY_RELEASE: 'test/e2e/fleet.test.ts',
};

describe('every documented error code, from its stated cause', () => {
  const documented = [...OWN_CODES, ...CODEDEPLOY_CODES];

  it.each(Object.entries(CASES))('%s', async (code, c) => {
    const entry = documented.find((d) => d.code === code);
    expect(entry?.meaning, `${code} is documented`).toContain(c.cause);
    seed(emu, { versions: 2, live: '1' });
    expect(await c.run()).toBe(code);
  });

  it('the others are produced by a named test file', () => {
    for (const [code, file] of Object.entries(ELSEWHERE))
      expect(readFileSync(file, 'utf8'), `${code} in ${file}`).toMatch(new RegExp(`\\b${code}\\b`));
  });

  it('no documented code is without a case', () => {
    const missing = documented
      .map((d) => d.code)
      .filter((code) => !(code in CASES) && !(code in ELSEWHERE));
    expect(missing).toEqual(NOT_YET);
  });
});

/** Documented codes no test produces yet (issue #19): keep this list shrinking. */
const NOT_YET: string[] = [];

describe('what the action says when CodeDeploy fails on its side', () => {
  const summaryAndMessage = (run: Run) => ({
    summary: renderSummary(run.result),
    message: failureMessage(run.result),
  });

  it('group deleted mid-canary: the split stays, no rollback claimed, the fix given', async () => {
    seed(emu, { versions: 2, live: '1' });
    const run = await runWithGroupDeleted();
    const { summary, message } = summaryAndMessage(run);
    expect(emu.deployments()).toHaveLength(1); // no rollback deployment
    expect(emu.getAlias(FN, ALIAS)).toEqual({ version: '1', weights: { '3': 0.1 } });
    expect(message).toMatch(/^Traffic split 90\/10 — action needed: live now 90% v1, 10% v3\./);
    expect(message).toContain('DEPLOYMENT_GROUP_MISSING: ');
    expect(message).toContain('Recreate the group.');
    expect(message).toContain('Traffic was NOT returned to the previous version');
    expect(summary).toContain('\nRecreate the group.\n');
    expect(summary).toContain('| Rolled back | no |');
    expect(summary).toContain('--routing-config AdditionalVersionWeights={}');
  });

  it('service role missing: failed before traffic, not "rolled back"', async () => {
    seed(emu, { versions: 2, live: '1' });
    const run = await runWithRoleDeleted();
    const { summary, message } = summaryAndMessage(run);
    expect(emu.aliasHistory(FN, ALIAS)).toHaveLength(1); // the alias never moved
    expect(run.result.rollbackDeploymentId).toBeUndefined();
    expect(message).toMatch(
      /^Failed before traffic — service role missing: live stays on v1; v3 never received traffic\. IAM_ROLE_MISSING: /,
    );
    expect(message).toContain('Recreate the role or fix the group’s service role ARN.');
    expect(message).toContain('Traffic stays on the previous version 1.');
    expect(message).not.toMatch(/rolled back|back on/i);
    expect(summary).toContain('| Rolled back | no rollback needed: no traffic had moved |');
    expect(summary).not.toContain('Rolled back —');
  });

  it('internal error mid-canary: the rollback CodeDeploy ran is reported, and "run again"', async () => {
    seed(emu, {
      versions: 2,
      live: '1',
      group: { autoRollback: { enabled: true, events: ['DEPLOYMENT_FAILURE'] } },
    });
    const run = await runWithInternalError();
    const { summary, message } = summaryAndMessage(run);
    const rollback = emu.deployments().find((d) => d.creator === 'codeDeployRollback');
    expect(rollback?.status).toBe('Succeeded');
    expect(run.result.rollbackDeploymentId).toBe(rollback?.deploymentId);
    expect(emu.getAlias(FN, ALIAS)).toEqual({ version: '1', weights: {} });
    expect(message).toMatch(/^Rolled back — CodeDeploy internal error: live v1 → v3 → v1\. /);
    expect(message).toContain('INTERNAL_ERROR: ');
    expect(message).toContain('Run again.');
    expect(summary).toContain('\nRun again.\n');
    expect(summary).toContain('| Rolled back | yes |');
  });
});
