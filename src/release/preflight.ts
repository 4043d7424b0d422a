// Read-only checks before any change, ending in the Plan. Nothing here mutates AWS: a dry run
// stops after this, and a real run changes nothing until every check has passed.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlarmGate } from '../aws/codedeploy.ts';
import { credentialLifetimeWarning, expectedReleaseMs } from '../aws/credential-lifetime.ts';
import { isAbort } from '../aws/errors.ts';
import type { AliasInfo, FunctionState } from '../aws/lambda.ts';
import { defaultS3Key } from '../aws/s3.ts';
import { diffConfig } from '../function-config/index.ts';
import {
  functionNameOf,
  MAX_ZIP_BYTES,
  type Settings,
  tooLargeForDirectUpload,
} from '../settings/index.ts';
import { defaultTimeoutMinutes, shiftMinutes } from '../strategy.ts';
import { checkAlias, describeWeights } from './alias.ts';
import { findConfig } from './config.ts';
import { busyError } from './deploy.ts';
import type { ReleaseDeps } from './deps.ts';
import { ReleaseError } from './errors.ts';
import { freeNow } from './free-now.ts';
import { checkFunctionKind, hookKindWarning } from './function-kind.ts';
import { checkAlarmCount } from './gates.ts';
import { deploymentDescription } from './own-deployment.ts';
import type {
  CodeBundle,
  ConfigurationPlan,
  DeploymentPlan,
  GroupCreation,
  Hook,
  Plan,
  S3Upload,
} from './plan.ts';
import { describeState } from './states.ts';
import { planSummary } from './steps.ts';
import { zipDirectory } from './zip.ts';

export async function readCode(
  settings: Settings,
  deps: Pick<ReleaseDeps, 'progress' | 'signal' | 'zipLimiter'>,
): Promise<CodeBundle | undefined> {
  const { source } = settings;
  let zip: Uint8Array;
  if (source.kind === 'zip-file') zip = await readFile(source.path);
  else if (source.kind === 'code-dir') {
    deps.progress({ kind: 'info', message: `Zipping code-dir ${source.given}.` });
    zip = await zipDirectory(source.path, { signal: deps.signal, limiter: deps.zipLimiter });
    deps.progress({
      kind: 'info',
      message: `Zipped code-dir ${source.given}: ${zip.byteLength} bytes.`,
    });
  } else return undefined;
  return keptOnDisk(zip, createHash('sha256').update(zip).digest('base64'));
}

/**
 * The zip in a private temporary file, read when sent (CodeBundle.zip). Under RUNNER_TEMP,
 * which the runner empties after every job, so a self-hosted runner's /tmp does not fill up.
 */
function keptOnDisk(zip: Uint8Array, sha256: string): CodeBundle {
  const temp = process.env['RUNNER_TEMP'] || tmpdir();
  const file = join(mkdtempSync(join(temp, 'lambda-gated-release-')), 'code.zip');
  writeFileSync(file, zip);
  const { byteLength } = zip;
  freeNow(zip);
  return { zip: () => readFileSync(file), byteLength, sha256 };
}

/** Lambda takes a .zip only for a Zip function and an image only for an Image function. */
function checkPackageType(settings: Settings, latest: FunctionState, functionName: string): void {
  const { source } = settings;
  const input =
    source.kind === 'zip-file' || source.kind === 'code-dir'
      ? source.kind
      : source.kind === 's3'
        ? 's3-bucket'
        : undefined;
  if (input && latest.packageType === 'Image')
    throw new ReleaseError(
      'PACKAGE_TYPE_MISMATCH',
      `\`${input}\` gives .zip code, but \`${functionName}\` is a container image function (PackageType Image), which takes only an image. Valid: \`image-uri\` with the new image, or \`version\` / \`from-alias\` to release a published version.`,
    );
  if (source.kind === 'image' && latest.packageType === 'Zip')
    throw new ReleaseError(
      'PACKAGE_TYPE_MISMATCH',
      `\`image-uri\` gives a container image, but \`${functionName}\` is a .zip function (PackageType Zip), which takes only .zip code. Valid: \`zip-file\`, \`code-dir\` or \`s3-bucket\` + \`s3-key\`, or \`version\` / \`from-alias\` to release a published version.`,
    );
}

/** The number PublishVersion would give new code; a guess only, so a failure just omits it. */
async function nextVersionNumber(deps: ReleaseDeps, fn: string): Promise<string | undefined> {
  try {
    return String((await deps.lambda.latestVersionNumber(fn)) + 1);
  } catch (error) {
    if (isAbort(error)) throw error;
    return undefined;
  }
}

/** $LATEST, or undefined when it is missing and `create-function` will create it. */
async function findFunction(
  settings: Settings,
  deps: ReleaseDeps,
): Promise<{ latest?: FunctionState; functionName: string }> {
  const fn = settings.functionName;
  const latest = await deps.lambda.getFunction(fn);
  if (!latest) {
    if (settings.config.createFunction) return { functionName: functionNameOf(fn) };
    throw new ReleaseError(
      'FUNCTION_NOT_FOUND',
      `Function \`${fn}\` was not found in ${settings.region}. Check \`function-name\` and \`region\`; to create it on this release, set \`create-function: true\` with \`execution-role\` (and \`runtime\` + \`handler\` for a .zip).`,
    );
  }
  deps.output('function-arn', latest.arn.replace(/:\$LATEST$/, ''));
  const functionName = functionNameOf(latest.arn) || functionNameOf(fn);
  checkPackageType(settings, latest, functionName);
  checkHealthy(latest, functionName);
  return { latest, functionName };
}

/** A function whose last update failed (or that failed) is refused before anything changes. */
function checkHealthy(latest: FunctionState, functionName: string): void {
  if (latest.lastUpdateStatus === 'Failed') {
    const code = latest.lastUpdateStatusReasonCode ? `${latest.lastUpdateStatusReasonCode}: ` : '';
    throw new ReleaseError(
      'LAST_UPDATE_FAILED',
      `The last update of \`${functionName}\` failed (LastUpdateStatus Failed): ${code}${latest.lastUpdateStatusReason ?? 'no reason given'}. Nothing was changed. Fix the cause, then update the function once so that Lambda reports LastUpdateStatus Successful, and run the release again.`,
    );
  }
  if (latest.state === 'Failed')
    throw new ReleaseError(
      'LAST_UPDATE_FAILED',
      `\`${functionName}\` is in State ${describeState(latest)}. Nothing was changed. Fix the cause and run the release again.`,
    );
}

/** The configuration inputs against $LATEST's configuration (against nothing for a new function). */
async function planConfiguration(
  settings: Settings,
  latest: FunctionState | undefined,
  deps: ReleaseDeps,
): Promise<ConfigurationPlan | undefined> {
  const desired = settings.config;
  if (Object.keys(desired.fields).length === 0 && !desired.architecture) return undefined;
  const current = latest ? await deps.lambda.getConfiguration(settings.functionName) : undefined;
  return { desired, diff: diffConfig(desired, current ?? {}) };
}

/** For promotions (`version`, `from-alias`): the published version to release. */
async function findPromoted(
  settings: Settings,
  functionName: string,
  deps: ReleaseDeps,
): Promise<Plan['promoted']> {
  const { source, functionName: fn } = settings;
  if (source.kind === 'version') {
    const config = await deps.lambda.getVersion(fn, source.version);
    if (!config)
      throw new ReleaseError(
        'VERSION_NOT_FOUND',
        `Version ${source.version} of \`${functionName}\` does not exist (\`version\`). Give a published version number.`,
      );
    return { version: source.version, config };
  }
  if (source.kind !== 'from-alias') return undefined;
  const from = await deps.lambda.getAlias(fn, source.alias);
  if (!from)
    throw new ReleaseError(
      'ALIAS_NOT_FOUND',
      `Alias \`${source.alias}\` (\`from-alias\`) does not exist on \`${functionName}\`.`,
    );
  if (Object.keys(from.weights).length > 0)
    throw new ReleaseError(
      'SOURCE_ALIAS_WEIGHTED',
      `Alias \`${source.alias}\` (\`from-alias\`) is split between versions (${describeWeights(from)}), so it names no single version to promote. Wait for its deployment to finish, or give \`version\`.`,
    );
  if (from.version === '$LATEST')
    throw new ReleaseError(
      'SOURCE_ALIAS_ON_LATEST',
      `Alias \`${source.alias}\` (\`from-alias\`) points at $LATEST, which is not an immutable version and cannot be promoted. Publish a version and point \`${source.alias}\` at it first.`,
    );
  const config = await deps.lambda.getVersion(fn, from.version);
  if (!config)
    throw new ReleaseError(
      'VERSION_NOT_FOUND',
      `Alias \`${source.alias}\` points at version ${from.version}, which no longer exists.`,
    );
  return { version: from.version, config, fromAlias: source.alias };
}

async function localCode(
  settings: Settings,
  latest: FunctionState | undefined,
  deps: ReleaseDeps,
): Promise<{ code?: CodeBundle; codeUnchanged: boolean }> {
  let code: CodeBundle | undefined;
  try {
    code = await readCode(settings, deps);
  } catch (error) {
    if (isAbort(error) || deps.signal?.aborted) throw error;
    throw new ReleaseError(
      'CODE_UNREADABLE',
      `Could not read the new code: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const { source } = settings;
  const codeUnchanged =
    latest !== undefined &&
    ((code !== undefined && code.sha256 === latest.codeSha256) ||
      (source.kind === 'image' && latest.imageUri === source.uri));
  return { code, codeUnchanged };
}

/**
 * Where the local code goes in S3 with `s3-bucket`; without it, a zip over Lambda's 50 MB is
 * refused here (a code-dir's size is known only once zipped), before any change.
 */
function s3UploadOf(
  settings: Settings,
  code: CodeBundle | undefined,
  functionName: string,
): S3Upload | undefined {
  const { source } = settings;
  if (!code || (source.kind !== 'zip-file' && source.kind !== 'code-dir')) return undefined;
  const via = source.viaS3;
  if (via) {
    const hex = Buffer.from(code.sha256, 'base64').toString('hex');
    return { bucket: via.bucket, key: via.key ?? defaultS3Key(hex, functionName) };
  }
  if (code.byteLength > MAX_ZIP_BYTES)
    throw new ReleaseError(
      'CODE_TOO_LARGE',
      `\`${source.kind}\` ${source.given} is ${tooLargeForDirectUpload(code.byteLength)} Nothing was changed.`,
    );
  return undefined;
}

export function hooksOf(settings: Settings): Hook[] {
  const hooks: Hook[] = [];
  if (settings.beforeTrafficHook)
    hooks.push({ hook: 'BeforeAllowTraffic', functionName: settings.beforeTrafficHook });
  if (settings.afterTrafficHook)
    hooks.push({ hook: 'AfterAllowTraffic', functionName: settings.afterTrafficHook });
  return hooks;
}

/** What preflight found of the group: the alarms it watches, or that it is to be created. */
interface GroupFound {
  groupAlarms: string[];
  create?: GroupCreation;
}

/**
 * The application and group exist and are for Lambda; with `codedeploy-role`, a missing
 * application or group is planned for creation instead (provision.ts makes it).
 */
async function checkGroup(settings: Settings, deps: ReleaseDeps): Promise<GroupFound> {
  const app = settings.application!;
  const group = settings.deploymentGroup!;
  const role = settings.codedeployRole;
  const create = (application: boolean): GroupFound => ({
    groupAlarms: [],
    create: {
      application,
      serviceRoleArn: role!,
      alarms: settings.alarms,
      autoRollback: settings.autoRollback,
    },
  });
  const application = await deps.codedeploy.getApplication(app);
  if (!application && role) return create(true);
  if (!application)
    throw new ReleaseError(
      'APPLICATION_NOT_FOUND',
      `CodeDeploy application \`${app}\` (\`application\`) does not exist in ${settings.region}. Create it with compute platform Lambda, or give \`codedeploy-role\` (a CodeDeploy service role ARN) to have the action create it and the deployment group.`,
    );
  if (application.computePlatform !== 'Lambda')
    throw new ReleaseError(
      'APPLICATION_NOT_LAMBDA',
      `CodeDeploy application \`${app}\` (\`application\`) is for the ${application.computePlatform ?? 'unknown'} compute platform; Lambda releases need an application created with compute platform Lambda.`,
    );
  const dg = await deps.codedeploy.getDeploymentGroup(app, group);
  if (!dg && role) return create(false);
  if (!dg)
    throw new ReleaseError(
      'DEPLOYMENT_GROUP_NOT_FOUND',
      `Deployment group \`${group}\` (\`deployment-group\`) does not exist in application \`${app}\`. Create it, or give \`codedeploy-role\` (a CodeDeploy service role ARN) to have the action create it.`,
    );
  return { groupAlarms: dg.alarmsEnabled ? dg.alarms : [] };
}

/** Every hook function exists; a name CodeDeploy's managed policy cannot invoke is a warning. */
async function checkHooks(
  settings: Settings,
  hooks: Hook[],
  deps: ReleaseDeps,
  warnings: string[],
): Promise<void> {
  for (const { hook, functionName: fn } of hooks) {
    const found = await deps.lambda.getFunction(fn);
    if (!found)
      throw new ReleaseError(
        'HOOK_NOT_FOUND',
        `Hook function \`${fn}\` does not exist in ${settings.region} (\`${hook === 'BeforeAllowTraffic' ? 'before-traffic-hook' : 'after-traffic-hook'}\`).`,
      );
    if (!functionNameOf(fn).startsWith('CodeDeployHook_'))
      warnings.push(
        `Hook \`${fn}\` does not start with \`CodeDeployHook_\`: the AWS managed policy AWSCodeDeployRoleForLambda lets CodeDeploy invoke only functions with that prefix, so unless the group's service role allows it, the deployment fails with IAM_ROLE_PERMISSIONS.`,
      );
    const kind = hookKindWarning(fn, found);
    if (kind) warnings.push(kind);
  }
}

function alarmGate(settings: Settings): AlarmGate {
  if (settings.alarms.length) return { use: 'these', names: settings.alarms };
  return settings.ignoreAlarms ? { use: 'none' } : { use: 'group' };
}

/** The CodeDeploy side: group, strategy, hooks, and whether the group is busy. */
async function checkDeployment(
  settings: Settings,
  hooks: Hook[],
  deps: ReleaseDeps,
  warnings: string[],
): Promise<{ deployment: DeploymentPlan; groupAlarms: string[] }> {
  const { groupAlarms, create } = await checkGroup(settings, deps);
  const strategy = await resolveStrategy(settings, deps);
  await checkHooks(settings, hooks, deps, warnings);
  const group = settings.deploymentGroup!;
  // A group still to be created has no deployments.
  const active = create
    ? []
    : await deps.codedeploy.listActiveDeployments(settings.application!, group);
  const activeDeploymentId = active[0];
  if (activeDeploymentId && settings.ifBusy === 'fail')
    throw busyError(group, activeDeploymentId, settings.region);
  const deployment: DeploymentPlan = {
    application: settings.application!,
    deploymentGroup: group,
    ...strategy,
    ...(create ? { create } : {}),
    activeDeploymentId,
    description: deploymentDescription(settings),
    alarmGate: alarmGate(settings),
    autoRollback: settings.autoRollback,
    ifBusy: settings.ifBusy,
    timeoutMinutesGiven: settings.timeoutMinutes,
    wait: settings.wait,
    onTimeout: settings.onTimeout,
  };
  return { deployment, groupAlarms };
}

/** The routing and the config to deploy with; an inline one is found or marked to create. */
async function resolveStrategy(
  settings: Settings,
  deps: ReleaseDeps,
): Promise<Pick<DeploymentPlan, 'routing' | 'configName' | 'createConfig'>> {
  const strategy = settings.strategy;
  if (strategy.kind === 'predefined')
    return { routing: strategy.routing, configName: strategy.configName, createConfig: false };
  if (strategy.kind === 'inline') {
    const found = await findConfig(deps, strategy.configName, strategy.routing);
    return {
      routing: strategy.routing,
      configName: found ?? strategy.configName,
      createConfig: !found,
    };
  }
  if (strategy.kind === 'direct') throw new Error('a direct release has no deployment config');
  const config = await deps.codedeploy.getDeploymentConfig(strategy.configName);
  if (config?.computePlatform !== 'Lambda' || !config.routing)
    throw new ReleaseError(
      'STRATEGY_NOT_FOUND',
      config
        ? `Deployment config \`${strategy.configName}\` (\`strategy\`) is for the ${config.computePlatform} compute platform, not Lambda.`
        : `\`strategy\`: no deployment config named \`${strategy.configName}\` exists. Use a predefined config (e.g. \`Canary10Percent5Minutes\`), an inline form (\`canary 25% 15m\`, \`linear 20% 2m\`, \`all-at-once\`), \`direct\`, or the name of an existing custom Lambda deployment config.`,
    );
  return { routing: config.routing, configName: config.name, createConfig: false };
}

/** A dry run names the version it would publish: new code always gets the next number. */
async function predictVersion(
  settings: Settings,
  deps: ReleaseDeps,
  p: Pick<Plan, 'promoted' | 'codeUnchanged' | 'configuration' | 'create'>,
): Promise<string | undefined> {
  if (!settings.dryRun) return undefined;
  if (p.create) return '1';
  const uploads =
    !p.promoted &&
    ((!p.codeUnchanged && ['zip-file', 'code-dir', 's3', 'image'].includes(settings.source.kind)) ||
      p.configuration?.diff.request !== undefined ||
      p.configuration?.diff.architecture !== undefined);
  return uploads ? await nextVersionNumber(deps, settings.functionName) : undefined;
}

function timeoutOf(
  settings: Settings,
  routing: DeploymentPlan['routing'] | undefined,
  hooks: number,
): number {
  return settings.timeoutMinutes ?? (routing ? defaultTimeoutMinutes(routing, hooks) : 10);
}

/** Session credentials from the environment that this release is expected to outlast. */
function lifetimeWarning(
  settings: Settings,
  routing: DeploymentPlan['routing'] | undefined,
  timeoutMinutes: number,
): string | undefined {
  const expectedMs = expectedReleaseMs({
    shiftMinutes: routing ? shiftMinutes(routing) : 0,
    timeoutMinutes,
    wait: settings.wait,
  });
  const { credentials } = settings;
  return credentialLifetimeWarning(
    credentials.sessionFromEnv ? { AWS_SESSION_TOKEN: 'set' } : {},
    expectedMs,
    credentials.role !== undefined,
  );
}

/** `seen` hears of the alias as read, before any check can refuse. */
export async function preflight(
  settings: Settings,
  deps: ReleaseDeps,
  seen?: (alias: AliasInfo | undefined) => void,
): Promise<Plan> {
  const fn = settings.functionName;
  const direct = settings.strategy.kind === 'direct';
  const warnings: string[] = [...settings.config.warnings];

  const { latest, functionName } = await findFunction(settings, deps);
  const current = latest ? await deps.lambda.getAlias(fn, settings.alias) : undefined;
  seen?.(current);
  if (current) {
    deps.output('alias-arn', current.arn);
    deps.output('previous-version', current.version);
  }
  const promoted = await findPromoted(settings, functionName, deps);
  const { code, codeUnchanged } = await localCode(settings, latest, deps);
  const s3Upload = s3UploadOf(settings, code, functionName);
  const configuration = await planConfiguration(settings, latest, deps);
  const kind = checkFunctionKind(settings, functionName, latest, configuration, warnings);
  const create: Plan['create'] = latest
    ? undefined
    : { packageType: settings.source.kind === 'image' ? 'Image' : 'Zip' };

  const hooks = hooksOf(settings);
  const side = direct ? undefined : await checkDeployment(settings, hooks, deps, warnings);
  const deployment = side?.deployment;
  if (deployment) checkAlarmCount(settings.metricGates, deployment.alarmGate, side.groupAlarms);
  if (!current && settings.metricGates.length > 0)
    warnings.push(
      `\`metric-gates\` do not apply to this release: alias ${settings.alias} does not exist yet, so it is created on the new version with no traffic to shift and nothing to judge.`,
    );
  // While another deployment runs the alias is legitimately mid-shift; with if-busy: wait it
  // is checked again once that deployment has ended.
  if (!deployment?.activeDeploymentId) checkAlias(current, settings.alias, functionName, direct);

  const predictedVersion = await predictVersion(settings, deps, {
    promoted,
    codeUnchanged,
    configuration,
    create,
  });
  const timeoutMinutes = timeoutOf(settings, deployment?.routing, hooks.length) + kind.extraMinutes;
  const lifetime = lifetimeWarning(settings, deployment?.routing, timeoutMinutes);
  if (lifetime) warnings.push(lifetime);

  const plan: Omit<Plan, 'summary'> = {
    region: settings.region,
    functionRef: fn,
    functionName,
    alias: settings.alias,
    latest,
    create,
    configuration,
    current,
    promoted,
    source: settings.source,
    code,
    ...(s3Upload ? { s3Upload } : {}),
    codeUnchanged,
    versionDescription: settings.versionDescription,
    smokeTestPayload: settings.smokeTestPayload,
    smokeTestTenantId: settings.smokeTestTenantId,
    ...(kind.capacityProviderArn ? { capacityProviderArn: kind.capacityProviderArn } : {}),
    ...(kind.durable ? { durable: true } : {}),
    deployment,
    hooks,
    alarms: [...new Set([...settings.alarms, ...(side?.groupAlarms ?? [])])],
    groupAlarms: side?.groupAlarms ?? [],
    metricGates: deployment && current ? settings.metricGates : [],
    timeoutMinutes,
    pollIntervalMs: settings.pollIntervalSeconds * 1000,
    dryRun: settings.dryRun,
    predictedVersion,
    warnings,
  };
  return { ...plan, summary: planSummary(plan) };
}
