// AWS regions: Lambda, CodeDeploy and CloudWatch keep their state per region, each region a
// model of its own, made the first time a request or a test names the region
// (docs/aws-semantics.md#regions). A CodeDeploy deployment shifts the aliases of its own
// region's Lambda and reads its own region's alarms. S3 (one namespace of buckets, each in
// a region), STS and the OIDC stand-in are shared by every region.
import type { Clock } from './clock.ts';
import { CloudWatchModel } from './cloudwatch/model.ts';
import { weightsAt } from './cloudwatch/service.ts';
import { DeploymentEngine, type EngineTiming } from './codedeploy/engine.ts';
import { CodeDeployModel } from './codedeploy/resources.ts';
import type { IamRoles } from './iam.ts';
import { LambdaModel } from './lambda/model.ts';

/** One region's regional services. */
export interface RegionState {
  region: string;
  lambda: LambdaModel;
  codedeploy: CodeDeployModel;
  engine: DeploymentEngine;
  /** Metrics of synthetic alias traffic, and alarms (CodeDeploy reads their state). */
  cloudwatch: CloudWatchModel;
}

/** What a region name looks like (us-east-1, eu-central-2, us-gov-west-1, cn-north-1). */
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export class Regions {
  readonly #clock: Clock;
  readonly #accountId: string;
  readonly #iam: IamRoles;
  readonly defaultRegion: string;
  readonly #states = new Map<string, RegionState>();
  /** setTiming applies to every region's engine, those made later included. */
  #timing: Partial<EngineTiming> = {};

  constructor(clock: Clock, accountId: string, defaultRegion: string, iam: IamRoles) {
    this.#clock = clock;
    this.#accountId = accountId;
    this.#iam = iam;
    this.defaultRegion = defaultRegion;
    this.get(defaultRegion);
  }

  /** The region's state, made on first use. */
  get(region: string): RegionState {
    const known = this.#states.get(region);
    if (known) return known;
    const state = createRegion(this.#clock, this.#accountId, region, this.#iam);
    state.engine.setTiming(this.#timing);
    this.#states.set(region, state);
    return state;
  }

  /** The regions used since the emulator started, the default first. */
  names(): string[] {
    return [...this.#states.keys()];
  }

  all(): RegionState[] {
    return [...this.#states.values()];
  }

  /** Bring every region's deployments up to now. */
  advance(): void {
    for (const s of this.#states.values()) s.engine.advance();
  }

  setTiming(t: Partial<EngineTiming>): void {
    for (const s of this.#states.values()) s.engine.setTiming(t);
    this.#timing = { ...this.#timing, ...t };
  }

  /** Forget everything in every region (a region's models stay the same objects). */
  reset(): void {
    for (const s of this.#states.values()) {
      s.engine.reset();
      s.lambda.reset();
      s.codedeploy.reset();
      s.cloudwatch.reset();
    }
    this.#timing = {};
  }

  close(): void {
    for (const s of this.#states.values()) s.engine.close();
  }
}

/** A region name a test gives, checked (the default when none is given). */
export function regionName(region: unknown, fallback: string): string {
  if (region === undefined || region === null) return fallback;
  if (typeof region !== 'string' || !REGION_NAME.test(region))
    throw new Error(`invalid region ${JSON.stringify(region)}: expected a name like us-west-2`);
  return region;
}

function createRegion(clock: Clock, accountId: string, region: string, iam: IamRoles): RegionState {
  const lambda = new LambdaModel(clock, region, accountId);
  const codedeploy = new CodeDeployModel(clock, accountId, iam);
  const engine = new DeploymentEngine(clock, lambda, codedeploy, region);
  codedeploy.attach(engine);
  const cloudwatch = new CloudWatchModel({
    now: () => clock.now(),
    aliasWeights: (fn, alias, at) => weightsAt(lambda.aliasHistoryView(fn, alias), at),
    region,
    accountId,
  });
  // CodeDeploy reads the state of an alarm no test set from CloudWatch, as AWS does.
  engine.useAlarmSource((name) => cloudwatch.alarmState(name));
  return { region, lambda, codedeploy, engine, cloudwatch };
}
