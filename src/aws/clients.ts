// SDK clients, each built the first time it is used. Endpoints come from the standard SDK
// chain (AWS_ENDPOINT_URL*); credentials too, unless `credentials` is given (role-to-assume).
import type { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { AwsCredentialIdentity, RetryStrategyV2 } from '@smithy/types';
import type { CloudWatchApi } from './cloudwatch-types.ts';
import { isExpiredCredentials } from './credential-errors.ts';
import { withErrorContext } from './errors.ts';
import { createS3Api, type S3Api } from './s3.ts';

export const USER_AGENT = 'lambda-gated-release/0.1';

/** Credentials for every client; `invalidate` (role-to-assume) lets a refused call get new ones. */
export type CredentialProvider = (() => Promise<AwsCredentialIdentity>) & {
  memoized?: boolean;
  invalidate?(): void;
};

export interface ClientOptions {
  region: string;
  /** Attempts per call, first included. The SDK's standard mode retries throttling, 5xx and network errors. */
  maxAttempts?: number;
  /** A response slower than this is abandoned and retried (ms). */
  requestTimeoutMs?: number;
  /** Overrides the endpoint (tests); users set AWS_ENDPOINT_URL instead. */
  endpoint?: string;
  /** Absent: the SDK's default chain. */
  credentials?: CredentialProvider;
  /**
   * The SDK's retry for a client of `maxAttempts` attempts; absent, its standard mode. Tests
   * give the standard strategy with its back-off on the emulator's scaled clock.
   */
  retryStrategy?: (maxAttempts: number) => RetryStrategyV2;
}

/**
 * Each client is built the first time it is read. CodeDeploy's are functions: their SDK module
 * is loaded then too (the first request of every release is Lambda's).
 */
export interface Clients {
  readonly lambda: LambdaClient;
  readonly codedeploy: () => Promise<CodeDeployClient>;
  /** One attempt per call: for CreateDeployment, which has no idempotency token (see deploy.ts). */
  readonly codedeployOnce: () => Promise<CodeDeployClient>;
  /** For the watch's polls: few attempts, since the watch backs off and goes on by itself. */
  readonly lambdaPoll: LambdaClient;
  readonly codedeployPoll: () => Promise<CodeDeployClient>;
  /** S3 with the same settings, made (and its SDK loaded) on the first call only. */
  readonly s3: (signal?: AbortSignal) => Promise<S3Api>;
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

/** Attempts of one poll: the SDK's back-off would outgrow poll-interval in an outage. */
const POLL_ATTEMPTS = 3;

/**
 * The settings every client of the release shares (S3's and CloudWatch's too, credentials
 * included); `maxAttempts` for a client that makes fewer (polls, CreateDeployment). Made for
 * each client: a retry strategy holds its own retry quota, as each client's standard one does.
 */
// 10 attempts: even with 37% of calls refused (throttling plus 5xx), one call in ~20,000
// exhausts them, against one in 400 with 6; CodeDeploy throttles hard and publishes no limits.
function clientConfig(options: ClientOptions, maxAttempts = options.maxAttempts ?? 10) {
  return {
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    maxAttempts,
    retryMode: 'standard',
    ...(options.retryStrategy ? { retryStrategy: options.retryStrategy(maxAttempts) } : {}),
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

type Handler = (args: unknown) => Promise<unknown>;
interface MiddlewareClient {
  middlewareStack: {
    add(
      mw: (next: Handler, context: { clientName?: string; commandName?: string }) => Handler,
      o: { step: 'initialize'; name: string },
    ): void;
  };
}

/**
 * A call AWS refuses as expired: with refreshable credentials (a clock that disagrees with
 * AWS's about the expiry) it gets new ones and goes out once more; an error that stays is
 * tagged with the call (`$call`: "CodeDeploy GetDeployment"), which the SDK's error lacks.
 */
export function onExpiredCredentials<C>(client: C, credentials?: CredentialProvider): C {
  (client as MiddlewareClient).middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (!isExpiredCredentials(error)) throw error;
        const call = `${(context.clientName ?? '').replace(/Client$/, '')} ${(context.commandName ?? '').replace(/Command$/, '')}`;
        if (!credentials?.invalidate) throw Object.assign(error as object, { $call: call });
        credentials.invalidate();
        return next(args).catch((again: unknown) => {
          throw isExpiredCredentials(again)
            ? Object.assign(again as object, { $call: call })
            : again;
        });
      }
    },
    { step: 'initialize', name: 'expiredCredentials' },
  );
  return client;
}

/** `make`, called once, the first time the value is read. */
export function lazy<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}

export function createClients(options: ClientOptions): Clients {
  const { credentials } = options;
  // Every error names its service and operation (errors.ts).
  const lambda = lazy(() =>
    withErrorContext(onExpiredCredentials(new LambdaClient(clientConfig(options)), credentials)),
  );
  const codedeployWith = (attempts?: number) =>
    lazy(async () => {
      const { CodeDeployClient } = await import('@aws-sdk/client-codedeploy');
      const c = new CodeDeployClient(clientConfig(options, attempts));
      return withErrorContext(onExpiredCredentials(c, credentials));
    });
  const codedeploy = codedeployWith();
  const once = codedeployWith(1);
  const codedeployPoll = codedeployWith(POLL_ATTEMPTS);
  const lambdaPoll = lazy(() =>
    withErrorContext(
      onExpiredCredentials(new LambdaClient(clientConfig(options, POLL_ATTEMPTS)), credentials),
    ),
  );
  let s3: Promise<S3Api> | undefined;
  return {
    s3: (signal) => {
      s3 ??= createS3Api(
        { ...clientConfig(options), forcePathStyle: s3EndpointConfigured(options) },
        signal,
      );
      return s3;
    },
    get lambdaPoll() {
      return lambdaPoll();
    },
    codedeployPoll,
    get lambda() {
      return lambda();
    },
    codedeploy,
    codedeployOnce: once,
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
  return createCloudWatch(clientConfig(options), signal);
}
