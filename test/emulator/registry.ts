// The emulated AWS services. To add one: write its module (model, api, errors), then add one
// line here. The key names it in the call log, in fault specs (`Service`) and in control
// calls. The server asks the services in this order which one a request is for; S3 (any REST
// path that is not Lambda's), Lambda (versioned paths, no X-Amz-Target) and CodeDeploy (any
// other X-Amz-Target) are the catch-alls, so they stay last.
import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from './clock.ts';
import type { CloudWatchModel } from './cloudwatch/model.ts';
import { CloudWatchService } from './cloudwatch/service.ts';
import { CodeDeployApi } from './codedeploy/api.ts';
import type { DeploymentEngine } from './codedeploy/engine.ts';
import type { CodeDeployModel } from './codedeploy/resources.ts';
import { LambdaApi } from './lambda/api.ts';
import type { LambdaModel } from './lambda/model.ts';
import type { OidcTokenService } from './oidc.ts';
import type { S3Model } from './s3/model.ts';
import { S3ServiceApi } from './s3/service.ts';
import type { HttpResult, ServiceApi } from './service.ts';
import { StsApi } from './sts/api.ts';
import type { SignedService } from './sts/errors.ts';
import type { StsModel } from './sts/model.ts';
import { refuseCredentials } from './sts/signature.ts';

/** The state every service's API may read or drive. */
export interface World {
  clock: Clock;
  region: string;
  accountId: string;
  lambda: LambdaModel;
  s3: S3Model;
  codedeploy: CodeDeployModel;
  engine: DeploymentEngine;
  /** Metrics of synthetic alias traffic, and alarms (CodeDeploy reads their state). */
  cloudwatch: CloudWatchModel;
  sts: StsModel;
  /** The runner's OIDC token endpoint (not an AWS service: the server routes it first). */
  oidc: OidcTokenService;
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

/** Every service's API, in the order the server asks them. */
export function serviceApis(w: World): [Service, ServiceApi][] {
  return (Object.keys(SERVICES) as Service[]).map((name) => [name, SERVICES[name](w)]);
}

/**
 * A signed call whose session credentials STS issued and that have expired (or whose token
 * does not match) is refused before any other service's operation runs, in that service's
 * wire form, as AWS refuses it (docs/aws-semantics.md). STS checks its own callers itself.
 */
export function credentialRefusal(
  w: World,
  service: Service,
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
): HttpResult | undefined {
  if (service === 'sts') return undefined;
  return refuseCredentials(w.sts, service as SignedService, headers, query);
}
