// Read-only checks before any change, ending in a Plan. Nothing here mutates AWS: a dry run
// stops after this, and a real run changes nothing until every check has passed.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbort, ReleaseError } from '../aws/errors.ts';
import type { AliasInfo, FunctionState } from '../aws/lambda.ts';
import { deploymentUrl } from '../report/links.ts';
import { functionNameOf, type Settings } from '../settings/index.ts';
import {
  defaultTimeoutMinutes,
  describeRouting,
  routingSteps,
  sameRouting,
  shiftMinutes,
  type TrafficRouting,
} from '../strategy.ts';
import type { ReleaseDeps } from './deps.ts';
import type { Plan } from './result.ts';
import { zipDirectory } from './zip.ts';

export interface CodeBundle {
  zip: Uint8Array;
  /** base64 SHA-256, the way Lambda reports CodeSha256 */
  sha256: string;
}

export interface Preflight {
  /** The function's name (AppSpec wants a name, the user may have given an ARN). */
  functionName: string;
  latest: FunctionState;
  /** The production alias, undefined on a first release. */
  alias?: AliasInfo;
  /** For promotions: the version to release, already checked to exist. */
  promoted?: { version: string; config: FunctionState; fromAlias?: string };
  /** Zip bytes read or built locally. */
  code?: CodeBundle;
  /** True when the local code equals $LATEST's: no upload, so no new version for the same code. */
  codeUnchanged: boolean;
  routing?: TrafficRouting;
  /** The CodeDeploy config the deployment will use. */
  configName?: string;
  /** An inline strategy whose config does not exist yet and will be created. */
  createConfig: boolean;
  /** A deployment already active in the group. */
  activeDeploymentId?: string;
  /** The alarms the deployment group itself watches. */
  groupAlarms: string[];
  timeoutMinutes: number;
  /** Dry run with new code: the number PublishVersion would give it. */
  predictedVersion?: string;
  plan: Plan;
  warnings: string[];
}

export function readCode(settings: Settings): CodeBundle | undefined {
  const { source } = settings;
  let zip: Uint8Array;
  if (source.kind === 'zip-file') zip = readFileSync(source.path);
  else if (source.kind === 'code-dir') zip = zipDirectory(source.path);
  else return undefined;
  return { zip, sha256: createHash('sha256').update(zip).digest('base64') };
}

function describeWeights(alias: AliasInfo): string {
  const extra = Object.entries(alias.weights)
    .map(([v, w]) => `${Math.round(w * 1000) / 10}% on version ${v}`)
    .join(', ');
  const rest = 100 - Object.values(alias.weights).reduce((a, w) => a + w * 100, 0);
  return `${Math.round(rest * 10) / 10}% on version ${alias.version}, ${extra}`;
}

export function clearWeightsCommand(fn: string, alias: string, version: string): string {
  return `aws lambda update-alias --function-name ${fn} --name ${alias} --function-version ${version} --routing-config 'AdditionalVersionWeights={}'`;
}

/** Refuses an alias CodeDeploy cannot shift from: split between versions, or on $LATEST. */
export function checkAlias(
  alias: AliasInfo | undefined,
  settings: Settings,
  functionName: string,
): void {
  if (!alias) return;
  if (Object.keys(alias.weights).length > 0)
    throw new ReleaseError(
      'ALIAS_WEIGHTED',
      `Alias \`${settings.alias}\` is split between versions (${describeWeights(alias)}), as a deployment that was stopped without rollback leaves it; CodeDeploy fails every deployment from that state. Point it at one version first, e.g. \`${clearWeightsCommand(functionName, settings.alias, alias.version)}\`, then run again.`,
    );
  if (alias.version === '$LATEST' && settings.strategy.kind !== 'direct')
    throw new ReleaseError(
      'ALIAS_ON_LATEST',
      `Alias \`${settings.alias}\` points at $LATEST; CodeDeploy can shift traffic only between published versions. Point it at a published version first (\`aws lambda update-alias --function-name ${functionName} --name ${settings.alias} --function-version <N>\`), or move it with \`strategy: direct\`.`,
    );
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

export async function preflight(settings: Settings, deps: ReleaseDeps): Promise<Preflight> {
  const { lambda, codedeploy } = deps;
  const fn = settings.functionName;
  const direct = settings.strategy.kind === 'direct';
  const warnings: string[] = [];

  const latest = await lambda.getFunction(fn);
  if (!latest)
    throw new ReleaseError(
      'FUNCTION_NOT_FOUND',
      `Function \`${fn}\` was not found in ${settings.region}. Check \`function-name\` and \`region\`.`,
    );
  deps.output('function-arn', latest.arn.replace(/:\$LATEST$/, ''));
  const functionName = functionNameOf(latest.arn) || functionNameOf(fn);
  checkPackageType(settings, latest, functionName);

  const alias = await lambda.getAlias(fn, settings.alias);
  if (alias) {
    deps.output('alias-arn', alias.arn);
    deps.output('previous-version', alias.version);
  }

  let promoted: Preflight['promoted'];
  const { source } = settings;
  if (source.kind === 'version') {
    const config = await lambda.getVersion(fn, source.version);
    if (!config)
      throw new ReleaseError(
        'VERSION_NOT_FOUND',
        `Version ${source.version} of \`${functionName}\` does not exist (\`version\`). Give a published version number.`,
      );
    promoted = { version: source.version, config };
  } else if (source.kind === 'from-alias') {
    const from = await lambda.getAlias(fn, source.alias);
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
    const config = await lambda.getVersion(fn, from.version);
    if (!config)
      throw new ReleaseError(
        'VERSION_NOT_FOUND',
        `Alias \`${source.alias}\` points at version ${from.version}, which no longer exists.`,
      );
    promoted = { version: from.version, config, fromAlias: source.alias };
  }

  let code: CodeBundle | undefined;
  try {
    code = readCode(settings);
  } catch (error) {
    throw new ReleaseError(
      'CODE_UNREADABLE',
      `Could not read the new code: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const codeUnchanged =
    (code !== undefined && code.sha256 === latest.codeSha256) ||
    (source.kind === 'image' && latest.imageUri === source.uri);

  let routing: TrafficRouting | undefined;
  let configName: string | undefined;
  let createConfig = false;
  let activeDeploymentId: string | undefined;
  let groupAlarms: string[] = [];
  const hooks = [settings.beforeTrafficHook, settings.afterTrafficHook].filter(
    (h): h is string => !!h,
  );

  if (!direct) {
    const app = settings.application!;
    const group = settings.deploymentGroup!;
    const application = await codedeploy.getApplication(app);
    if (!application)
      throw new ReleaseError(
        'APPLICATION_NOT_FOUND',
        `CodeDeploy application \`${app}\` (\`application\`) does not exist in ${settings.region}.`,
      );
    if (application.computePlatform !== 'Lambda')
      throw new ReleaseError(
        'APPLICATION_NOT_LAMBDA',
        `CodeDeploy application \`${app}\` (\`application\`) is for the ${application.computePlatform ?? 'unknown'} compute platform; Lambda releases need an application created with compute platform Lambda.`,
      );
    const dg = await codedeploy.getDeploymentGroup(app, group);
    if (!dg)
      throw new ReleaseError(
        'DEPLOYMENT_GROUP_NOT_FOUND',
        `Deployment group \`${group}\` (\`deployment-group\`) does not exist in application \`${app}\`.`,
      );
    if (dg.alarmsEnabled) groupAlarms = dg.alarms;

    const strategy = settings.strategy;
    if (strategy.kind === 'predefined') {
      routing = strategy.routing;
      configName = strategy.configName;
    } else if (strategy.kind === 'custom') {
      const config = await codedeploy.getDeploymentConfig(strategy.configName);
      if (config?.computePlatform !== 'Lambda' || !config.routing)
        throw new ReleaseError(
          'STRATEGY_NOT_FOUND',
          config
            ? `Deployment config \`${strategy.configName}\` (\`strategy\`) is for the ${config.computePlatform} compute platform, not Lambda.`
            : `\`strategy\`: no deployment config named \`${strategy.configName}\` exists. Use a predefined config (e.g. \`Canary10Percent5Minutes\`), an inline form (\`canary 25% 15m\`, \`linear 20% 2m\`, \`all-at-once\`), \`direct\`, or the name of an existing custom Lambda deployment config.`,
        );
      routing = config.routing;
      configName = config.name;
    } else if (strategy.kind === 'inline') {
      routing = strategy.routing;
      configName = await findConfig(deps, strategy.configName, strategy.routing);
      if (!configName) {
        configName = strategy.configName;
        createConfig = true;
      }
    }

    for (const hook of hooks) {
      const found = await lambda.getFunction(hook);
      if (!found)
        throw new ReleaseError(
          'HOOK_NOT_FOUND',
          `Hook function \`${hook}\` does not exist in ${settings.region} (\`${hook === settings.beforeTrafficHook ? 'before-traffic-hook' : 'after-traffic-hook'}\`).`,
        );
      if (!functionNameOf(hook).startsWith('CodeDeployHook_'))
        warnings.push(
          `Hook \`${hook}\` does not start with \`CodeDeployHook_\`: the AWS managed policy AWSCodeDeployRoleForLambda lets CodeDeploy invoke only functions with that prefix, so unless the group's service role allows it, the deployment fails with IAM_ROLE_PERMISSIONS.`,
        );
    }

    const active = await codedeploy.listActiveDeployments(app, group);
    activeDeploymentId = active[0];
    if (activeDeploymentId && settings.ifBusy === 'fail')
      throw busyError(group, activeDeploymentId, settings.region);
  }
  // While another deployment runs the alias is legitimately mid-shift; with if-busy: wait it
  // is checked again once that deployment has ended.
  if (!activeDeploymentId) checkAlias(alias, settings, functionName);

  // A dry run names the version it would publish: new code always gets the next number.
  const uploads =
    !promoted && !codeUnchanged && ['zip-file', 'code-dir', 's3', 'image'].includes(source.kind);
  const predictedVersion =
    settings.dryRun && uploads ? await nextVersionNumber(deps, fn) : undefined;

  const timeoutMinutes =
    settings.timeoutMinutes ?? (routing ? defaultTimeoutMinutes(routing, hooks.length) : 10);
  const checked = {
    functionName,
    latest,
    alias,
    promoted,
    code,
    codeUnchanged,
    routing,
    configName,
    createConfig,
    activeDeploymentId,
    groupAlarms,
    timeoutMinutes,
    warnings,
    predictedVersion,
  };
  return { ...checked, plan: makePlan(settings, checked) };
}

export function busyError(group: string, id: string, region: string): ReleaseError {
  return new ReleaseError(
    'GROUP_BUSY',
    `Deployment group \`${group}\` already has an active deployment ${id} (${deploymentUrl(region, id)}); CodeDeploy allows one at a time. Wait for it or stop it, or set \`if-busy: wait\`.`,
  );
}

/** Finds a custom config with this routing: our own deterministic name first, then any other. */
async function findConfig(
  deps: ReleaseDeps,
  preferred: string,
  routing: TrafficRouting,
): Promise<string | undefined> {
  const own = await deps.codedeploy.getDeploymentConfig(preferred);
  if (own?.computePlatform === 'Lambda' && own.routing && sameRouting(own.routing, routing))
    return own.name;
  // Reusing someone else's matching config is a nicety: if they cannot be listed, ours is made.
  const names = await deps.codedeploy.listDeploymentConfigs().catch((error: unknown) => {
    if (isAbort(error)) throw error;
    return [] as string[];
  });
  for (const name of names) {
    if (name === preferred || name.startsWith('CodeDeployDefault.')) continue;
    const config = await deps.codedeploy.getDeploymentConfig(name);
    if (
      config?.computePlatform === 'Lambda' &&
      config.routing &&
      sameRouting(config.routing, routing)
    )
      return config.name;
  }
  if (own)
    throw new ReleaseError(
      'STRATEGY_CONFLICT',
      `Deployment config \`${preferred}\` exists with a different traffic routing; it cannot be reused for \`${describeRouting(routing)}\`. Delete it or name a config in \`strategy\`.`,
    );
  return undefined;
}

function sourceWords(settings: Settings): string {
  const s = settings.source;
  switch (s.kind) {
    case 'latest':
      return '$LATEST as it stands';
    case 'zip-file':
      return `zip file ${s.given}`;
    case 'code-dir':
      return `directory ${s.given}`;
    case 's3':
      return `s3://${s.bucket}/${s.key}${s.objectVersion ? ` (version ${s.objectVersion})` : ''}`;
    case 'image':
      return `image ${s.uri}`;
    case 'version':
      return `version ${s.version}`;
    case 'from-alias':
      return `the version alias ${s.alias} points at`;
  }
}

export { sourceWords };

function makePlan(settings: Settings, p: Omit<Preflight, 'plan'>): Plan {
  const steps: string[] = [];
  const target = p.promoted
    ? `version ${p.promoted.version}`
    : p.predictedVersion
      ? `version ${p.predictedVersion}`
      : 'the new version';
  if (p.promoted) {
    steps.push(
      p.promoted.fromAlias
        ? `Release version ${p.promoted.version}, which alias ${p.promoted.fromAlias} points at (nothing uploaded or published)`
        : `Release existing version ${p.promoted.version} (nothing uploaded or published)`,
    );
  } else {
    if (settings.source.kind !== 'latest') {
      steps.push(
        p.codeUnchanged
          ? `Skip the upload: ${sourceWords(settings)} is identical to $LATEST`
          : `Upload ${sourceWords(settings)} as $LATEST${p.code ? ` (${p.code.zip.byteLength} bytes, SHA-256 ${p.code.sha256})` : ''}`,
      );
    }
    steps.push(
      `Publish ${p.predictedVersion ? `version ${p.predictedVersion}` : 'a version'} of $LATEST with description "${settings.versionDescription}"`,
    );
  }
  if (settings.smokeTestPayload) steps.push(`Invoke ${target} with the smoke-test payload`);
  if (!p.alias) {
    steps.push(`Create alias ${settings.alias} on ${target} (first release: no traffic to shift)`);
  } else if (settings.strategy.kind === 'direct') {
    steps.push(`Move alias ${settings.alias} from version ${p.alias.version} to ${target} at once`);
  } else {
    if (p.createConfig && p.routing)
      steps.push(`Create deployment config ${p.configName} (${describeRouting(p.routing)})`);
    if (p.activeDeploymentId)
      steps.push(`Wait for the active deployment ${p.activeDeploymentId} to end (if-busy: wait)`);
    const hooks = [
      settings.beforeTrafficHook && `BeforeAllowTraffic hook ${settings.beforeTrafficHook}`,
      settings.afterTrafficHook && `AfterAllowTraffic hook ${settings.afterTrafficHook}`,
    ].filter(Boolean);
    steps.push(
      `Start a CodeDeploy deployment (${p.configName}) shifting alias ${settings.alias} from version ${p.alias.version} to ${target}${hooks.length ? `, with ${hooks.join(' and ')}` : ''}${settings.alarms.length ? `, stopped by alarms ${settings.alarms.join(', ')}` : ''}`,
    );
    if (p.routing) {
      const shifts = routingSteps(p.routing)
        .map((s) => `${s.percent}% at +${s.atMinute}m`)
        .join(', ');
      steps.push(`Traffic on ${target}: ${shifts}`);
    }
    steps.push(
      settings.wait
        ? `Wait up to ${p.timeoutMinutes} minutes for it to end (on timeout: ${settings.onTimeout})`
        : 'Return once the deployment has started (wait: false)',
    );
  }
  return {
    steps,
    shiftMinutes: p.routing ? shiftMinutes(p.routing) : 0,
    timeoutMinutes: p.timeoutMinutes,
  };
}
