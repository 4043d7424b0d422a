// SDK clients. Endpoints, credentials and the rest come from the standard SDK chain
// (AWS_ENDPOINT_URL*, OIDC web identity, ...); we set only what the release needs.
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { CloudWatchApi } from './cloudwatch-types.ts';
import { withErrorContext } from './errors.ts';
import { createS3Api, type S3Api } from './s3.ts';

export const USER_AGENT = 'lambda-gated-release/0.1';

export interface ClientOptions {
  region: string;
  /** Attempts per call, first included. The SDK's standard mode retries throttling, 5xx and network errors. */
  maxAttempts?: number;
  /** A response slower than this is abandoned and retried (ms). */
  requestTimeoutMs?: number;
  /** Overrides the endpoint (tests); users set AWS_ENDPOINT_URL instead. */
  endpoint?: string;
}

export interface Clients {
  lambda: LambdaClient;
  codedeploy: CodeDeployClient;
  /** One attempt per call: for CreateDeployment, which has no idempotency token (see deploy.ts). */
  codedeployOnce: CodeDeployClient;
  /** S3 with the same settings, made (and its SDK loaded) on the first call only. */
  s3: (signal?: AbortSignal) => Promise<S3Api>;
}

/**
 * Whether S3 goes to a custom endpoint (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, as the SDK
 * reads them): one takes path-style requests, since `<bucket>.<host>` names no such host.
 */
export function s3EndpointConfigured(
  options: Pick<ClientOptions, 'endpoint'>,
  env: Record<string, string | undefined> = process.env,
): boolean {
  if (options.endpoint) return true;
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true') return false;
  return Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL);
}

/** The settings every client of the release shares (CloudWatch's too, see cloudWatchFor). */
export function clientConfig(options: ClientOptions) {
  return {
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    // 10 attempts: even with 37% of calls refused (throttling plus 5xx), one call in ~20,000
    // exhausts them, against one in 400 with 6; CodeDeploy throttles hard and publishes no limits.
    maxAttempts: options.maxAttempts ?? 10,
    retryMode: 'standard',
    customUserAgent: USER_AGENT,
    requestHandler: {
      connectionTimeout: 5_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      // Without it, this SDK only logs a warning when requestTimeout passes and keeps waiting:
      // a response that never comes would hang the step instead of being retried.
      throwOnRequestTimeout: true,
    },
  } as const;
}

export function createClients(options: ClientOptions): Clients {
  const config = clientConfig(options);
  let s3: Promise<S3Api> | undefined;
  return {
    // Every error names its service and operation (errors.ts).
    lambda: withErrorContext(new LambdaClient(config)),
    codedeploy: withErrorContext(new CodeDeployClient(config)),
    codedeployOnce: withErrorContext(new CodeDeployClient({ ...config, maxAttempts: 1 })),
    s3: (signal) => {
      s3 ??= createS3Api({ ...config, forcePathStyle: s3EndpointConfigured(options) }, signal);
      return s3;
    },
  };
}

/**
 * The CloudWatch adapter, its SDK loaded only now: a release without metric gates never reads
 * it, so its start-up does not grow (the bundle keeps it in a chunk of its own).
 */
export async function cloudWatchFor(
  options: ClientOptions,
  signal?: AbortSignal,
): Promise<CloudWatchApi> {
  const { createCloudWatch } = await import('./cloudwatch.ts');
  return createCloudWatch({ ...clientConfig(options) }, signal);
}
