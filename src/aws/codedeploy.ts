// Thin CodeDeploy adapter: SDK calls in, plain data out. "Does not exist" becomes `undefined`.
// The SDK module is loaded on first use (clients.ts): the first AWS request, a Lambda one, goes
// out without evaluating it, and a strategy: direct release never loads it.
import type {
  CodeDeployClient,
  CreateDeploymentCommandInput,
  DeploymentInfo,
  LambdaTarget,
  ListDeploymentsCommandInput,
  TrafficRoutingConfig,
} from '@aws-sdk/client-codedeploy';
import type { TrafficRouting } from '../strategy.ts';
import { isAwsError, orUndefined } from './errors.ts';

/** A deployment as GetDeployment reports it, in the fields the release reads. */
export interface DeploymentState {
  /** Created | Queued | InProgress | Baking | Ready | Succeeded | Failed | Stopped */
  status?: string;
  error?: { code?: string; message?: string };
  /** The deployment CodeDeploy started to roll this one back. */
  rollbackDeploymentId?: string;
  /** `user` for one started through CreateDeployment, `autoRollback` for a rollback. */
  creator?: string;
  createTime?: Date;
  description?: string;
  /** The sha256 of the AppSpec content it carries. */
  appSpecSha256?: string;
}

/** One lifecycle event of the Lambda target: a hook and where it is. */
export interface LifecycleEvent {
  name: string;
  /** Pending | InProgress | Succeeded | Failed | Skipped | Unknown */
  status?: string;
}

/** Which alarms can stop the deployment. */
export type AlarmGate =
  /** The deployment group's own alarm configuration. */
  | { use: 'group' }
  /** These alarms instead of the group's. */
  | { use: 'these'; names: string[] }
  /** None: the group's alarms are switched off for this deployment. */
  | { use: 'none' };

/** What CreateDeployment is asked for. */
export interface DeploymentRequest {
  application: string;
  deploymentGroup: string;
  configName?: string;
  description: string;
  /** The AppSpec as JSON, and its lowercase hex sha256. */
  appSpec: { content: string; sha256: string };
  /** Roll back on failure, on an alarm and on a stop request. */
  autoRollback: boolean;
  alarms: AlarmGate;
}

function toDeploymentState(d: DeploymentInfo | undefined): DeploymentState {
  return {
    status: d?.status,
    error: d?.errorInformation && {
      code: d.errorInformation.code,
      message: d.errorInformation.message,
    },
    rollbackDeploymentId: d?.rollbackInfo?.rollbackDeploymentId,
    creator: d?.creator,
    createTime: d?.createTime,
    description: d?.description,
    appSpecSha256: d?.revision?.appSpecContent?.sha256,
  };
}

function toLifecycleEvents(t: LambdaTarget): LifecycleEvent[] {
  return (t.lifecycleEvents ?? []).map((e) => ({
    name: e.lifecycleEventName ?? '',
    status: e.status,
  }));
}

const ROLLBACK_EVENTS = [
  'DEPLOYMENT_FAILURE',
  'DEPLOYMENT_STOP_ON_ALARM',
  'DEPLOYMENT_STOP_ON_REQUEST',
] as const;

function toCreateDeploymentInput(r: DeploymentRequest): CreateDeploymentCommandInput {
  const { alarms } = r;
  return {
    applicationName: r.application,
    deploymentGroupName: r.deploymentGroup,
    deploymentConfigName: r.configName,
    description: r.description,
    revision: { revisionType: 'AppSpecContent', appSpecContent: r.appSpec },
    autoRollbackConfiguration: r.autoRollback
      ? { enabled: true, events: [...ROLLBACK_EVENTS] }
      : { enabled: false, events: [] },
    ...(alarms.use === 'these'
      ? {
          overrideAlarmConfiguration: {
            enabled: true,
            ignorePollAlarmFailure: false,
            alarms: alarms.names.map((name) => ({ name })),
          },
        }
      : alarms.use === 'none'
        ? { overrideAlarmConfiguration: { enabled: false, alarms: [] } }
        : {}),
  };
}

/** A deployment group for a Lambda function, as the action creates it (`codedeploy-role`). */
export interface NewDeploymentGroup {
  application: string;
  deploymentGroup: string;
  serviceRoleArn: string;
  /** The group's alarms (alarm configuration enabled when there are any). */
  alarms: string[];
  /** Roll back on failure, on an alarm and on a stop request. */
  autoRollback: boolean;
}

/** The group config every deployment of the action overrides; a Lambda one, so the group is valid on its own. */
const NEW_GROUP_CONFIG = 'CodeDeployDefault.LambdaAllAtOnce';

/** Whether a create made the resource or found it already there (someone else made it). */
export type CreateOutcome = 'created' | 'exists';

/** Statuses in which a deployment still holds its group (one active deployment per group). */
export const ACTIVE_STATUSES = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'] as const;
export const TERMINAL_STATUSES = ['Succeeded', 'Failed', 'Stopped'];

/** The most ids one BatchGetDeployments takes. */
export const BATCH_GET_DEPLOYMENTS_MAX = 25;

export function isTerminal(status: string | undefined): boolean {
  return status !== undefined && TERMINAL_STATUSES.includes(status);
}

/** A deployment group, in the fields the release reads. */
export interface DeploymentGroupInfo {
  deploymentConfigName?: string;
  computePlatform?: string;
  alarms: string[];
  alarmsEnabled: boolean;
}

export interface DeploymentConfigInfo {
  name: string;
  computePlatform?: string;
  routing?: TrafficRouting;
}

export function routingFromAws(c: TrafficRoutingConfig | undefined): TrafficRouting | undefined {
  if (!c?.type) return undefined;
  if (c.type === 'AllAtOnce') return { type: 'AllAtOnce' };
  if (c.type === 'TimeBasedCanary' && c.timeBasedCanary)
    return {
      type: 'TimeBasedCanary',
      percentage: c.timeBasedCanary.canaryPercentage ?? 0,
      intervalMinutes: c.timeBasedCanary.canaryInterval ?? 0,
    };
  if (c.type === 'TimeBasedLinear' && c.timeBasedLinear)
    return {
      type: 'TimeBasedLinear',
      percentage: c.timeBasedLinear.linearPercentage ?? 0,
      intervalMinutes: c.timeBasedLinear.linearInterval ?? 0,
    };
  return undefined;
}

export function routingToAws(r: TrafficRouting): TrafficRoutingConfig {
  if (r.type === 'TimeBasedCanary')
    return {
      type: r.type,
      timeBasedCanary: { canaryPercentage: r.percentage, canaryInterval: r.intervalMinutes },
    };
  if (r.type === 'TimeBasedLinear')
    return {
      type: r.type,
      timeBasedLinear: { linearPercentage: r.percentage, linearInterval: r.intervalMinutes },
    };
  return { type: 'AllAtOnce' };
}

/** A client, or how to get it when it is first needed (clients.ts builds them lazily). */
type ClientSource<C> = C | (() => C | Promise<C>);

export class CodeDeployApi {
  private readonly getClient: () => Promise<CodeDeployClient>;
  private readonly getOnce: () => Promise<CodeDeployClient>;
  /** The Lambda target of each deployment: one per Lambda deployment, so it is looked up once. */
  private readonly targetIds = new Map<string, string>();
  signal?: AbortSignal;
  constructor(
    client: ClientSource<CodeDeployClient>,
    signal?: AbortSignal,
    once?: ClientSource<CodeDeployClient>,
  ) {
    this.getClient = async () => (typeof client === 'function' ? client() : client);
    // once: sends CreateDeployment without the SDK's retries, which could start a second deployment.
    const o = once ?? client;
    this.getOnce = async () => (typeof o === 'function' ? o() : o);
    this.signal = signal;
  }

  private get opts() {
    return { abortSignal: this.signal };
  }

  async getApplication(name: string): Promise<{ computePlatform?: string } | undefined> {
    const cd = await import('@aws-sdk/client-codedeploy');
    const out = await orUndefined(
      (await this.getClient()).send(
        new cd.GetApplicationCommand({ applicationName: name }),
        this.opts,
      ),
      'ApplicationDoesNotExistException',
    );
    return out && { computePlatform: out.application?.computePlatform };
  }

  async getDeploymentGroup(app: string, group: string): Promise<DeploymentGroupInfo | undefined> {
    const cd = await import('@aws-sdk/client-codedeploy');
    const out = await orUndefined(
      (await this.getClient()).send(
        new cd.GetDeploymentGroupCommand({
          applicationName: app,
          deploymentGroupName: group,
        }),
        this.opts,
      ),
      'DeploymentGroupDoesNotExistException',
    );
    if (!out) return undefined;
    const info = out.deploymentGroupInfo;
    return {
      deploymentConfigName: info?.deploymentConfigName,
      computePlatform: info?.computePlatform,
      alarmsEnabled: info?.alarmConfiguration?.enabled ?? false,
      alarms: (info?.alarmConfiguration?.alarms ?? []).map((a) => a.name ?? '').filter(Boolean),
    };
  }

  async createApplication(name: string): Promise<CreateOutcome> {
    const cd = await import('@aws-sdk/client-codedeploy');
    try {
      await (await this.getClient()).send(
        new cd.CreateApplicationCommand({ applicationName: name, computePlatform: 'Lambda' }),
        this.opts,
      );
      return 'created';
    } catch (error) {
      if (isAwsError(error, 'ApplicationAlreadyExistsException')) return 'exists';
      throw error;
    }
  }

  async createDeploymentGroup(g: NewDeploymentGroup): Promise<CreateOutcome> {
    const cd = await import('@aws-sdk/client-codedeploy');
    try {
      await (await this.getClient()).send(
        new cd.CreateDeploymentGroupCommand({
          applicationName: g.application,
          deploymentGroupName: g.deploymentGroup,
          serviceRoleArn: g.serviceRoleArn,
          deploymentConfigName: NEW_GROUP_CONFIG,
          // The only style CodeDeploy accepts for Lambda (docs/aws-semantics.md).
          deploymentStyle: {
            deploymentType: 'BLUE_GREEN',
            deploymentOption: 'WITH_TRAFFIC_CONTROL',
          },
          ...(g.alarms.length
            ? {
                alarmConfiguration: {
                  enabled: true,
                  ignorePollAlarmFailure: false,
                  alarms: g.alarms.map((name) => ({ name })),
                },
              }
            : {}),
          autoRollbackConfiguration: g.autoRollback
            ? { enabled: true, events: [...ROLLBACK_EVENTS] }
            : { enabled: false, events: [] },
        }),
        this.opts,
      );
      return 'created';
    } catch (error) {
      if (isAwsError(error, 'DeploymentGroupAlreadyExistsException')) return 'exists';
      throw error;
    }
  }

  async getDeploymentConfig(name: string): Promise<DeploymentConfigInfo | undefined> {
    const cd = await import('@aws-sdk/client-codedeploy');
    const out = await orUndefined(
      (await this.getClient()).send(
        new cd.GetDeploymentConfigCommand({ deploymentConfigName: name }),
        this.opts,
      ),
      'DeploymentConfigDoesNotExistException',
    );
    if (!out) return undefined;
    const info = out.deploymentConfigInfo;
    return {
      name: info?.deploymentConfigName ?? name,
      computePlatform: info?.computePlatform,
      routing: routingFromAws(info?.trafficRoutingConfig),
    };
  }

  async listDeploymentConfigs(): Promise<string[]> {
    const cd = await import('@aws-sdk/client-codedeploy');
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const out = await (await this.getClient()).send(
        new cd.ListDeploymentConfigsCommand({ nextToken }),
        this.opts,
      );
      names.push(...(out.deploymentConfigsList ?? []));
      nextToken = out.nextToken;
    } while (nextToken);
    return names;
  }

  async createDeploymentConfig(name: string, routing: TrafficRouting): Promise<void> {
    const cd = await import('@aws-sdk/client-codedeploy');
    await (await this.getClient()).send(
      new cd.CreateDeploymentConfigCommand({
        deploymentConfigName: name,
        computePlatform: 'Lambda',
        trafficRoutingConfig: routingToAws(routing),
      }),
      this.opts,
    );
  }

  async listActiveDeployments(app: string, group: string): Promise<string[]> {
    return this.listDeployments(app, group, { includeOnlyStatuses: [...ACTIVE_STATUSES] });
  }

  async createDeployment(request: DeploymentRequest): Promise<string> {
    const cd = await import('@aws-sdk/client-codedeploy');
    const out = await (await this.getOnce()).send(
      new cd.CreateDeploymentCommand(toCreateDeploymentInput(request)),
      this.opts,
    );
    return out.deploymentId ?? '';
  }

  /** Deployments of the group created since `since`, any status. */
  async listDeploymentsSince(app: string, group: string, since: Date): Promise<string[]> {
    return this.listDeployments(app, group, { createTimeRange: { start: since } });
  }

  private async listDeployments(
    app: string,
    group: string,
    filter: Pick<ListDeploymentsCommandInput, 'includeOnlyStatuses' | 'createTimeRange'>,
  ): Promise<string[]> {
    const cd = await import('@aws-sdk/client-codedeploy');
    const ids: string[] = [];
    let nextToken: string | undefined;
    do {
      const out = await (await this.getClient()).send(
        new cd.ListDeploymentsCommand({
          applicationName: app,
          deploymentGroupName: group,
          ...filter,
          nextToken,
        }),
        this.opts,
      );
      ids.push(...(out.deployments ?? []));
      nextToken = out.nextToken;
    } while (nextToken);
    return ids;
  }

  async getDeployment(id: string): Promise<DeploymentState> {
    const cd = await import('@aws-sdk/client-codedeploy');
    const out = await (await this.getClient()).send(
      new cd.GetDeploymentCommand({ deploymentId: id }),
      this.opts,
    );
    return toDeploymentState(out.deploymentInfo);
  }

  /**
   * Several deployments at once, by id: one BatchGetDeployments per 25 ids (AWS's limit,
   * docs/aws-semantics.md "Watching several deployments"), sent together. An id AWS leaves out of its
   * answer is absent from the map.
   */
  async batchGetDeployments(ids: readonly string[]): Promise<Map<string, DeploymentState>> {
    const cd = await import('@aws-sdk/client-codedeploy');
    const client = await this.getClient();
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += BATCH_GET_DEPLOYMENTS_MAX)
      chunks.push(ids.slice(i, i + BATCH_GET_DEPLOYMENTS_MAX));
    const answers = await Promise.all(
      chunks.map((deploymentIds) =>
        client.send(new cd.BatchGetDeploymentsCommand({ deploymentIds }), this.opts),
      ),
    );
    const out = new Map<string, DeploymentState>();
    for (const d of answers.flatMap((a) => a.deploymentsInfo ?? []))
      if (d.deploymentId) out.set(d.deploymentId, toDeploymentState(d));
    return out;
  }

  /** Returns 'completed' when the deployment had already ended (not an error for us). */
  async stopDeployment(id: string, rollback: boolean): Promise<string> {
    const cd = await import('@aws-sdk/client-codedeploy');
    try {
      const out = await (await this.getClient()).send(
        new cd.StopDeploymentCommand({
          deploymentId: id,
          autoRollbackEnabled: rollback,
        }),
        this.opts,
      );
      return out.status ?? 'Pending';
    } catch (error) {
      if (isAwsError(error, 'DeploymentAlreadyCompletedException')) return 'completed';
      throw error;
    }
  }

  /** The Lambda target's lifecycle events; undefined before the deployment has started. */
  async getLambdaTarget(id: string): Promise<LifecycleEvent[] | undefined> {
    const cd = await import('@aws-sdk/client-codedeploy');
    let targetId = this.targetIds.get(id);
    if (!targetId) {
      const list = await orUndefined(
        (await this.getClient()).send(
          new cd.ListDeploymentTargetsCommand({ deploymentId: id }),
          this.opts,
        ),
        'DeploymentNotStartedException',
      );
      targetId = list?.targetIds?.[0];
      if (!targetId) return undefined;
      this.targetIds.set(id, targetId);
    }
    const out = await orUndefined(
      (await this.getClient()).send(
        new cd.BatchGetDeploymentTargetsCommand({
          deploymentId: id,
          targetIds: [targetId],
        }),
        this.opts,
      ),
      'DeploymentNotStartedException',
    );
    const target = out?.deploymentTargets?.find((t) => t.lambdaTarget)?.lambdaTarget;
    return target && toLifecycleEvents(target);
  }
}
