// CodeDeploy's wire side (AWS JSON 1.1, X-Amz-Target CodeDeploy_20141006.<Op>; see
// docs/aws-semantics.md#codedeploy-wire-protocol): which requests are CodeDeploy's, each
// operation on the parsed body, and the shaping of the read APIs' answers.
import type { LambdaModel } from '../lambda/model.ts';
import type { AwsRequest, HttpResult, ServiceApi, ServiceCall } from '../service.ts';
import { ApiError, epochSeconds, isRecord } from '../util.ts';
import type { DeploymentEngine } from './engine.ts';
import { CODEDEPLOY_FAULTS, codeDeployErrorResponse, err } from './errors.ts';
import type { CodeDeployModel } from './resources.ts';
import { deploymentInfo, deploymentTarget, targetIds } from './shapes.ts';
import type { ApplicationRecord, DeploymentRecord, GroupRecord } from './types.ts';

const TARGET_PREFIX = 'CodeDeploy_20141006.';

export const CODEDEPLOY_MUTATING = new Set([
  'CreateApplication',
  'CreateDeploymentGroup',
  'DeleteDeploymentGroup',
  'CreateDeploymentConfig',
  'CreateDeployment',
  'StopDeployment',
  'PutLifecycleEventHookExecutionStatus',
  'ContinueDeployment',
]);

const STATUSES = new Set([
  'Created',
  'Queued',
  'InProgress',
  'Baking',
  'Succeeded',
  'Failed',
  'Stopped',
  'Ready',
]);
/** Page size of the list operations (the emulator's choice; clients must follow nextToken). */
const PAGE = 25;

export class CodeDeployApi implements ServiceApi {
  readonly #model: CodeDeployModel;
  readonly #engine: DeploymentEngine;
  readonly #lambda: LambdaModel;
  readonly faults = CODEDEPLOY_FAULTS;

  constructor(model: CodeDeployModel, engine: DeploymentEngine, lambda: LambdaModel) {
    this.#model = model;
    this.#engine = engine;
    this.#lambda = lambda;
  }

  /** CodeDeploy answers every request that names an X-Amz-Target another service did not claim. */
  claims(req: AwsRequest): boolean {
    return req.target !== undefined;
  }

  route(req: AwsRequest): ServiceCall {
    const target = req.target ?? '';
    const known = target.startsWith(TARGET_PREFIX);
    const operation = known ? target.slice(TARGET_PREFIX.length) : target;
    return {
      operation,
      mutating: CODEDEPLOY_MUTATING.has(operation),
      ...(known
        ? {}
        : { error: new ApiError(400, 'UnknownOperationException', `Unknown target ${target}`) }),
      run: () => ({
        status: 200,
        headers: { 'Content-Type': 'application/x-amz-json-1.1' },
        body: JSON.stringify(this.handle(operation, parseBody(req.body)) ?? {}),
      }),
    };
  }

  errorResponse(e: ApiError): HttpResult {
    return codeDeployErrorResponse(e);
  }

  unauthenticated(): ApiError {
    return new ApiError(400, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  }

  /** One operation on a parsed JSON body; the answer is the JSON output. */
  handle(operation: string, body: Record<string, unknown>): unknown {
    switch (operation) {
      case 'CreateApplication':
        return this.#model.createApplication(body);
      case 'GetApplication':
        return {
          application: this.#applicationInfo(this.#model.requireApp(body['applicationName'])),
        };
      case 'ListApplications':
        return this.#list(this.#model.applicationNames().sort(), body['nextToken'], 'applications');
      case 'CreateDeploymentGroup':
        return this.#model.createDeploymentGroup(body);
      case 'DeleteDeploymentGroup':
        return this.#model.deleteDeploymentGroup(body);
      case 'GetDeploymentGroup':
        return this.#getDeploymentGroup(body);
      case 'ListDeploymentGroups':
        return this.#listDeploymentGroups(body);
      case 'GetDeploymentConfig':
        return this.#getDeploymentConfig(body);
      case 'CreateDeploymentConfig':
        return this.#model.createDeploymentConfig(body);
      case 'ListDeploymentConfigs':
        return this.#list(this.#model.configNames(), body['nextToken'], 'deploymentConfigsList');
      case 'CreateDeployment':
        return { deploymentId: this.#model.createDeployment(body).deploymentId };
      case 'GetDeployment':
        return {
          deploymentInfo: deploymentInfo(this.#engine.requireDeployment(body['deploymentId'])),
        };
      case 'BatchGetDeployments':
        return this.#batchGetDeployments(body);
      case 'StopDeployment':
        return this.#stopDeployment(body);
      case 'ContinueDeployment':
        this.#engine.requireDeployment(body['deploymentId']);
        throw err(
          'UnsupportedActionForDeploymentTypeException',
          'ContinueDeployment is only supported for EC2/On-premises and Amazon ECS blue/green deployments.',
        );
      case 'ListDeployments':
        return this.#listDeployments(body);
      case 'ListDeploymentTargets':
        return this.#listDeploymentTargets(body);
      case 'BatchGetDeploymentTargets':
        return this.#batchGetDeploymentTargets(body);
      case 'GetDeploymentTarget':
        return this.#getDeploymentTarget(body);
      case 'PutLifecycleEventHookExecutionStatus':
        return {
          lifecycleEventHookExecutionId: this.#engine.putHookStatus(
            body['deploymentId'],
            body['lifecycleEventHookExecutionId'],
            body['status'],
          ),
        };
      default:
        throw err(
          'UnknownOperationException',
          `The operation ${operation} is not supported by the emulator.`,
        );
    }
  }

  #listDeploymentGroups(body: Record<string, unknown>): unknown {
    const app = this.#model.requireApp(body['applicationName']);
    const names = this.#model.groupNames(app.applicationName).sort();
    return {
      applicationName: app.applicationName,
      ...this.#list(names, body['nextToken'], 'deploymentGroups'),
    };
  }

  #stopDeployment(body: Record<string, unknown>): unknown {
    const d = this.#engine.requireDeployment(body['deploymentId']);
    if (!this.#model.groupRecord(d.applicationName, d.deploymentGroupName)) {
      throw err(
        'DeploymentGroupDoesNotExistException',
        `No Deployment Group found for name: ${d.deploymentGroupName}`,
      );
    }
    const flag = body['autoRollbackEnabled'];
    return this.#engine.stop(d.deploymentId, typeof flag === 'boolean' ? flag : undefined);
  }

  #getDeploymentTarget(body: Record<string, unknown>): unknown {
    const d = this.#engine.requireDeployment(body['deploymentId']);
    const id = body['targetId'];
    if (typeof id !== 'string' || id === '')
      throw err('DeploymentTargetIdRequiredException', 'A deployment target ID is required.');
    const t = deploymentTarget(d, this.#lambda, id);
    if (!t)
      throw err(
        'DeploymentTargetDoesNotExistException',
        `The deployment target ${id} does not exist.`,
      );
    return { deploymentTarget: t };
  }

  #applicationInfo(a: ApplicationRecord): Record<string, unknown> {
    return {
      applicationId: a.applicationId,
      applicationName: a.applicationName,
      createTime: epochSeconds(a.createTime),
      linkedToGitHub: false,
      computePlatform: a.computePlatform,
    };
  }

  #getDeploymentGroup(body: Record<string, unknown>): unknown {
    const app = this.#model.requireApp(body['applicationName']);
    const g = this.#model.requireGroup(app, body['deploymentGroupName']);
    const last = this.#engine.lastDeployments(g.applicationName, g.deploymentGroupName);
    const lastInfo = (d: DeploymentRecord) => ({
      deploymentId: d.deploymentId,
      status: d.status,
      ...(d.completeTime !== undefined ? { endTime: epochSeconds(d.completeTime) } : {}),
      createTime: epochSeconds(d.createTime),
    });
    return {
      deploymentGroupInfo: {
        applicationName: g.applicationName,
        deploymentGroupId: g.deploymentGroupId,
        deploymentGroupName: g.deploymentGroupName,
        deploymentConfigName: g.deploymentConfigName,
        ec2TagFilters: [],
        onPremisesInstanceTagFilters: [],
        autoScalingGroups: [],
        serviceRoleArn: g.serviceRoleArn,
        triggerConfigurations: [],
        alarmConfiguration: structuredClone(g.alarmConfiguration),
        autoRollbackConfiguration: structuredClone(g.autoRollbackConfiguration),
        deploymentStyle: { ...g.deploymentStyle },
        outdatedInstancesStrategy: 'UPDATE',
        ...(last.successful ? { lastSuccessfulDeployment: lastInfo(last.successful) } : {}),
        ...(last.attempted ? { lastAttemptedDeployment: lastInfo(last.attempted) } : {}),
        computePlatform: app.computePlatform,
        terminationHookEnabled: false,
      },
    };
  }

  #getDeploymentConfig(body: Record<string, unknown>): unknown {
    const name = body['deploymentConfigName'];
    if (name === undefined || name === null || name === '')
      throw err(
        'DeploymentConfigNameRequiredException',
        'The deployment configuration name was not specified.',
      );
    const c = this.#model.requireConfig(name);
    return {
      deploymentConfigInfo: {
        deploymentConfigId: c.deploymentConfigId,
        deploymentConfigName: c.deploymentConfigName,
        ...(c.minimumHealthyHosts ? { minimumHealthyHosts: { ...c.minimumHealthyHosts } } : {}),
        createTime: epochSeconds(c.createTime),
        computePlatform: c.computePlatform,
        ...(c.trafficRoutingConfig
          ? { trafficRoutingConfig: structuredClone(c.trafficRoutingConfig) }
          : {}),
      },
    };
  }

  /**
   * At most 25 ids; an id of the right form this region does not know is left out of the
   * answer (docs/aws-semantics.md#reading-several-deployments-batchgetdeployments).
   */
  #batchGetDeployments(body: Record<string, unknown>): unknown {
    const ids = body['deploymentIds'];
    if (!Array.isArray(ids) || ids.length === 0)
      throw err('DeploymentIdRequiredException', 'At least one deployment ID must be specified.');
    if (ids.length > 25)
      throw err(
        'BatchLimitExceededException',
        'The maximum number of names or IDs allowed for this request (25) was exceeded.',
      );
    const out: unknown[] = [];
    for (const id of ids) {
      if (typeof id !== 'string' || !/^d-[A-Z0-9]{9}$/.test(id))
        throw err(
          'InvalidDeploymentIdException',
          `Specified DeploymentId is not in the valid format: ${String(id)}`,
        );
      const d = this.#engine.get(id);
      if (d) out.push(deploymentInfo(d));
    }
    return { deploymentsInfo: out };
  }

  #listDeployments(body: Record<string, unknown>): unknown {
    const appName = body['applicationName'];
    const groupName = body['deploymentGroupName'];
    let app: ApplicationRecord | undefined;
    let group: GroupRecord | undefined;
    if (appName !== undefined || groupName !== undefined) {
      // applicationName and deploymentGroupName go together (docs/aws-semantics.md#listdeployments).
      if (appName === undefined)
        throw err(
          'ApplicationNameRequiredException',
          'If deploymentGroupName is specified, applicationName must be specified too.',
        );
      app = this.#model.requireApp(appName);
      if (groupName === undefined)
        throw err(
          'DeploymentGroupNameRequiredException',
          'If applicationName is specified, deploymentGroupName must be specified too.',
        );
      group = this.#model.requireGroup(app, groupName);
    }
    const statuses = body['includeOnlyStatuses'];
    if (statuses !== undefined) {
      if (
        !Array.isArray(statuses) ||
        statuses.some((s) => typeof s !== 'string' || !STATUSES.has(s))
      )
        throw err(
          'InvalidDeploymentStatusException',
          'The specified deployment status is invalid.',
        );
    }
    const range = body['createTimeRange'];
    const start =
      isRecord(range) && typeof range['start'] === 'number' ? range['start'] * 1000 : undefined;
    const end =
      isRecord(range) && typeof range['end'] === 'number' ? range['end'] * 1000 : undefined;
    const ids = this.#engine
      .all()
      .filter((d) => !app || d.applicationName === app.applicationName)
      .filter((d) => !group || d.deploymentGroupName === group.deploymentGroupName)
      .filter((d) => !Array.isArray(statuses) || statuses.includes(d.status))
      .filter(
        (d) =>
          (start === undefined || d.createTime >= start) &&
          (end === undefined || d.createTime <= end),
      )
      .reverse()
      .sort((a, b) => b.createTime - a.createTime)
      .map((d) => d.deploymentId);
    return this.#list(ids, body['nextToken'], 'deployments');
  }

  #listDeploymentTargets(body: Record<string, unknown>): unknown {
    const d = this.#engine.requireDeployment(body['deploymentId']);
    let ids = targetIds(d);
    const filters = body['targetFilters'];
    if (filters !== undefined && filters !== null) {
      if (!isRecord(filters))
        throw err('InvalidTargetFilterNameException', 'The target filter is invalid.');
      for (const [k, v] of Object.entries(filters)) {
        if (k !== 'TargetStatus' && k !== 'ServerInstanceLabel')
          throw err('InvalidTargetFilterNameException', `The target filter name ${k} is invalid.`);
        if (k === 'TargetStatus' && Array.isArray(v) && v.length > 0) {
          ids = ids.filter((id) => {
            const t = deploymentTarget(d, this.#lambda, id);
            const lt = isRecord(t) && isRecord(t['lambdaTarget']) ? t['lambdaTarget'] : undefined;
            return lt !== undefined && v.includes(lt['status']);
          });
        }
        if (k === 'ServerInstanceLabel' && Array.isArray(v) && v.length > 0) ids = [];
      }
    }
    return this.#list(ids, body['nextToken'], 'targetIds');
  }

  #batchGetDeploymentTargets(body: Record<string, unknown>): unknown {
    const d = this.#engine.requireDeployment(body['deploymentId']);
    const ids = body['targetIds'];
    if (!Array.isArray(ids) || ids.length === 0)
      throw err('DeploymentTargetIdRequiredException', 'A deployment target ID is required.');
    if (ids.length > 25)
      throw err(
        'DeploymentTargetListSizeExceededException',
        'The maximum number of targets that can be returned is 25.',
      );
    targetIds(d); // DeploymentNotStartedException while Created
    const out: unknown[] = [];
    for (const id of ids) {
      if (typeof id !== 'string' || id === '')
        throw err('InvalidDeploymentTargetIdException', 'The target ID provided was not valid.');
      const t = deploymentTarget(d, this.#lambda, id);
      if (!t)
        throw err(
          'DeploymentTargetDoesNotExistException',
          `The deployment target ${id} does not exist.`,
        );
      out.push(t);
    }
    return { deploymentTargets: out };
  }

  #list(items: string[], token: unknown, key: string): Record<string, unknown> {
    let start = 0;
    if (token !== undefined && token !== null && token !== '') {
      const n =
        typeof token === 'string'
          ? Number(Buffer.from(token, 'base64').toString('utf8'))
          : Number.NaN;
      if (!Number.isInteger(n) || n < 0 || n > items.length)
        throw err(
          'InvalidNextTokenException',
          'The next token was specified in an invalid format.',
        );
      start = n;
    }
    const page = items.slice(start, start + PAGE);
    const end = start + page.length;
    return {
      [key]: page,
      ...(end < items.length ? { nextToken: Buffer.from(String(end)).toString('base64') } : {}),
    };
  }
}

function parseBody(body: Buffer): Record<string, unknown> {
  try {
    const parsed: unknown = body.length > 0 ? JSON.parse(body.toString('utf8')) : {};
    if (isRecord(parsed)) return parsed;
  } catch {
    // answered below, as AWS does for any body that is not a JSON object
  }
  throw new ApiError(
    400,
    'SerializationException',
    'Start of structure or map found where not expected.',
  );
}
