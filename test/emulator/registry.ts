// The emulated AWS services. To add one: write its module (model, api, errors), then add one
// line here. The key names it in the call log, in fault specs (`Service`) and in control
// calls. The server asks the services in this order which one a request is for; S3 (any REST
// path that is not Lambda's), Lambda (versioned paths, no X-Amz-Target) and CodeDeploy (any
// other X-Amz-Target) are the catch-alls, so they stay last.
import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from './clock.ts';
import { CloudWatchService } from './cloudwatch/service.ts';
import { CodeDeployApi } from './codedeploy/api.ts';
import type { IamRoles } from './iam.ts';
import { LambdaApi } from './lambda/api.ts';
import type { OidcTokenService } from './oidc.ts';
import type { RegionState, Regions } from './regions.ts';
import type { S3Model } from './s3/model.ts';
import { S3ServiceApi } from './s3/service.ts';
import type {
  AwsRequest,
  ErrorFaultKind,
  FaultError,
  HttpResult,
  ServiceApi,
  ServiceCall,
} from './service.ts';
import { StsApi } from './sts/api.ts';
import type { SignedService } from './sts/errors.ts';
import type { StsModel } from './sts/model.ts';
import { refuseCredentials } from './sts/signature.ts';
import type { ApiError } from './util.ts';

/** What every region shares: the clock, the account, S3's buckets, STS, IAM's roles and the OIDC stand-in. */
export interface Shared {
  clock: Clock;
  accountId: string;
  s3: S3Model;
  sts: StsModel;
  /** Which service roles exist (CodeDeploy's deployments need theirs). */
  iam: IamRoles;
  /** The runner's OIDC token endpoint (not an AWS service: the server routes it first). */
  oidc: OidcTokenService;
  regions: Regions;
}

/** The state every service's API may read or drive, as seen from one region. */
export interface World extends Shared, RegionState {}

/** The world as seen from `region` (its state made on first use). */
export function worldIn(shared: Shared, region: string): World {
  return { ...shared, ...shared.regions.get(region) };
}

export const SERVICES = {
  sts: (w: World): ServiceApi => new StsApi(w.sts, (ms) => w.clock.realEpoch(ms)),
  cloudwatch: (w: World): ServiceApi => new CloudWatchService(w.cloudwatch),
  s3: (w: World): ServiceApi => new S3ServiceApi(w.s3),
  lambda: (w: World): ServiceApi => new LambdaApi(w.lambda, w.s3),
  codedeploy: (w: World): ServiceApi => new CodeDeployApi(w.codedeploy, w.engine, w.lambda),
};

export type Service = keyof typeof SERVICES;

/** How each service is named to people (the CLI's help). */
export const SERVICE_NAMES: readonly string[] = Object.keys(SERVICES).map(
  (s) =>
    ({
      sts: 'STS',
      cloudwatch: 'CloudWatch',
      s3: 'S3',
      lambda: 'Lambda',
      codedeploy: 'CodeDeploy',
    })[s as Service],
);

/** Every service's API, in the order the server asks them, each answering in the request's region. */
export function serviceApis(shared: Shared): [Service, ServiceApi][] {
  return (Object.keys(SERVICES) as Service[]).map((name) => [
    name,
    new RegionalApi(shared, (w) => SERVICES[name](w)),
  ]);
}

/**
 * A service as the server sees it: each request is answered by the service's API over the
 * state of the region it was signed for. What does not depend on a region (which requests
 * are the service's, its error forms) is the default region's.
 */
class RegionalApi implements ServiceApi {
  readonly #shared: Shared;
  readonly #make: (w: World) => ServiceApi;
  readonly #apis = new Map<string, ServiceApi>();

  constructor(shared: Shared, make: (w: World) => ServiceApi) {
    this.#shared = shared;
    this.#make = make;
  }

  #in(region: string): ServiceApi {
    let api = this.#apis.get(region);
    if (!api) {
      api = this.#make(worldIn(this.#shared, region));
      this.#apis.set(region, api);
    }
    return api;
  }

  get #home(): ServiceApi {
    return this.#in(this.#shared.regions.defaultRegion);
  }

  claims(req: AwsRequest): boolean {
    return this.#home.claims(req);
  }

  route(req: AwsRequest): ServiceCall {
    return { ...this.#in(req.region).route(req), region: req.region };
  }

  errorResponse(e: ApiError): HttpResult {
    return this.#home.errorResponse(e);
  }

  unauthenticated(): ApiError {
    return this.#home.unauthenticated();
  }

  /** The kinds of fault the service answers, each in the words of the call's region. */
  get faults(): ServiceApi['faults'] {
    const answers: Partial<Record<ErrorFaultKind, FaultError>> = {};
    for (const kind of Object.keys(this.#home.faults) as ErrorFaultKind[]) {
      answers[kind] = (call, f) => {
        const api = this.#in(call.region ?? this.#shared.regions.defaultRegion);
        return (api.faults[kind] as FaultError)(call, f);
      };
    }
    return answers;
  }
}

/**
 * A signed call whose session credentials STS issued and that have expired (or whose token
 * does not match) is refused before any other service's operation runs, in that service's
 * wire form, as AWS refuses it (docs/aws-semantics.md). STS checks its own callers itself.
 */
export function credentialRefusal(
  w: Shared,
  service: Service,
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
): HttpResult | undefined {
  if (service === 'sts') return undefined;
  return refuseCredentials(w.sts, service as SignedService, headers, query);
}
