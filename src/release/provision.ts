// `codedeploy-role`: the CodeDeploy application and deployment group a first release needs,
// created once preflight has planned them (nothing is created before every check passed).
// Someone else creating one between our read and our create is fine: the one found is read
// again and used when it is for Lambda.
import type { CodeDeployService, ReleaseDeps } from './deps.ts';
import { explainFailure, ReleaseError } from './errors.ts';
import type { DeploymentPlan, GroupCreation } from './plan.ts';
import type { CreatedResource } from './result.ts';

/** Creates what `d.create` plans; returns what this run created (not what it found). */
export async function provision(
  d: DeploymentPlan,
  create: GroupCreation,
  deps: Pick<ReleaseDeps, 'codedeploy' | 'progress'>,
): Promise<CreatedResource[]> {
  const created: CreatedResource[] = [];
  const cd = deps.codedeploy;
  const app = d.application;
  if (create.application) {
    const what = `CodeDeploy application \`${app}\``;
    const outcome = await attempt('CreateApplication', `creating ${what}`, create, () =>
      cd.createApplication(app),
    );
    if (outcome === 'created') created.push({ kind: 'codedeploy-application', name: app });
    else await checkFoundApplication(cd, app);
    deps.progress({ kind: 'info', message: said(outcome, `${what} (compute platform Lambda)`) });
  }
  const group = d.deploymentGroup;
  const what = `deployment group \`${group}\` in \`${app}\``;
  const outcome = await attempt('CreateDeploymentGroup', `creating ${what}`, create, () =>
    cd.createDeploymentGroup({
      application: app,
      deploymentGroup: group,
      serviceRoleArn: create.serviceRoleArn,
      alarms: create.alarms,
      autoRollback: create.autoRollback,
    }),
  );
  if (outcome === 'created') created.push({ kind: 'deployment-group', name: group });
  else await checkFoundGroup(cd, app, group);
  deps.progress({
    kind: 'info',
    message: said(outcome, `${what} (service role ${create.serviceRoleArn})`),
  });
  return created;
}

function said(outcome: 'created' | 'exists', what: string): string {
  return outcome === 'created'
    ? `Created ${what}.`
    : `${what} was created by someone else meanwhile: using it.`;
}

async function checkFoundApplication(cd: CodeDeployService, app: string): Promise<void> {
  const found = await cd.getApplication(app);
  if (found?.computePlatform === 'Lambda') return;
  throw new ReleaseError(
    'APPLICATION_NOT_LAMBDA',
    `CodeDeploy application \`${app}\` (\`application\`) was created by someone else while this release ran, for the ${found?.computePlatform ?? 'unknown'} compute platform; Lambda releases need one with compute platform Lambda. Nothing was deployed.`,
  );
}

async function checkFoundGroup(cd: CodeDeployService, app: string, group: string): Promise<void> {
  const found = await cd.getDeploymentGroup(app, group);
  if (found && (found.computePlatform ?? 'Lambda') === 'Lambda') return;
  throw new ReleaseError(
    'DEPLOYMENT_GROUP_NOT_FOUND',
    `Deployment group \`${group}\` in \`${app}\` was reported as existing but cannot be read back as a Lambda group. Nothing was deployed; run the release again.`,
  );
}

function attempt<T>(
  operation: string,
  doing: string,
  create: GroupCreation,
  fn: () => Promise<T>,
): Promise<T> {
  return explainFailure(
    'CODEDEPLOY_CREATE_FAILED',
    (e) =>
      `CodeDeploy ${operation} failed while ${doing} (${e.name}: ${e.message}). ${createFix(e.name, operation, create)} No traffic was moved.`,
    fn,
  );
}

function createFix(name: string, operation: string, create: GroupCreation): string {
  if (name === 'InvalidRoleException' || name === 'RoleRequiredException')
    return `Check \`codedeploy-role\` (${create.serviceRoleArn}): the role must exist, trust codedeploy.amazonaws.com and have the managed policy AWSCodeDeployRoleForLambda.`;
  if (name === 'AccessDeniedException' || name === 'AccessDenied')
    return `The role the action runs as needs codedeploy:${operation}${operation === 'CreateDeploymentGroup' ? ` and iam:PassRole on ${create.serviceRoleArn}` : ''}.`;
  if (name === 'AlarmsLimitExceededException' || name === 'InvalidAlarmConfigException')
    return 'Check `alarms`: a deployment group takes at most 10 alarms, each named once.';
  return 'Run the release again; what was created so far is reused.';
}
