// SDK clients. Endpoints, credentials and the rest come from the standard SDK chain
// (AWS_ENDPOINT_URL*, OIDC web identity, ...); we set only what the release needs.
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { withErrorContext } from './errors.ts';

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
}

export function createClients(options: ClientOptions): Clients {
  const config = {
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
  };
  return {
    // Every error names its service and operation (errors.ts).
    lambda: withErrorContext(new LambdaClient(config)),
    codedeploy: withErrorContext(new CodeDeployClient(config)),
    codedeployOnce: withErrorContext(new CodeDeployClient({ ...config, maxAttempts: 1 })),
  };
}
