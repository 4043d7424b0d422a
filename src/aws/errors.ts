// What an AWS SDK error is, in the few ways the release cares about, and how a person reads
// it: every error names the service and operation (tagged on by `withErrorContext`), what the
// action was doing, and for missing credentials and access denied, the fix.

export interface AwsErrorLike {
  name: string;
  message: string;
  status?: number;
}

export function awsError(error: unknown): AwsErrorLike {
  if (error && typeof error === 'object') {
    const e = error as {
      name?: unknown;
      message?: unknown;
      $metadata?: { httpStatusCode?: number };
    };
    return {
      name: typeof e.name === 'string' ? e.name : 'Error',
      message: typeof e.message === 'string' ? e.message : String(error),
      status: e.$metadata?.httpStatusCode,
    };
  }
  return { name: 'Error', message: String(error) };
}

export function isAwsError(error: unknown, ...names: string[]): boolean {
  return names.includes(awsError(error).name);
}

export function isAbort(error: unknown): boolean {
  return isAwsError(error, 'AbortError');
}

/** The call's result, or undefined when AWS answers with one of the "does not exist" errors. */
export async function orUndefined<T>(
  call: Promise<T>,
  ...missing: string[]
): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (isAwsError(error, ...missing)) return undefined;
    throw error;
  }
}

/** Which call an error came from: set by `withErrorContext` on every error a client throws. */
export interface CallContext {
  /** `Lambda`, `CodeDeploy`, `S3`, ... */
  service: string;
  /** `UpdateFunctionCode`, ... */
  operation: string;
}

const CALL = Symbol.for('lambda-gated-release.call');

interface Stackable {
  middlewareStack: {
    add(
      mw: (
        next: (args: unknown) => Promise<unknown>,
        context: { clientName?: string; commandName?: string },
      ) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

/**
 * Tags every error the client throws (AWS's answers, credential and network failures alike)
 * with the service and operation, so the message can name them. Outermost step: it sees the
 * error after the SDK's retries.
 */
export function withErrorContext<C>(client: C): C {
  (client as unknown as Stackable).middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (error && typeof error === 'object' && !(CALL in error)) {
          const call: CallContext = {
            service: (context.clientName ?? 'AWS').replace(/Client$/, ''),
            operation: (context.commandName ?? 'call').replace(/Command$/, ''),
          };
          Object.defineProperty(error, CALL, { value: call, enumerable: false });
        }
        throw error;
      }
    },
    { step: 'initialize', name: 'lambdaGatedReleaseErrorContext' },
  );
  return client;
}

export function callOf(error: unknown): CallContext | undefined {
  return error && typeof error === 'object' ? (error as { [CALL]?: CallContext })[CALL] : undefined;
}

/** IAM's prefix for each service's actions. */
const IAM_PREFIX: Record<string, string> = {
  Lambda: 'lambda',
  CodeDeploy: 'codedeploy',
  S3: 's3',
  STS: 'sts',
  CloudWatch: 'cloudwatch',
};

const NO_CREDENTIALS =
  /Could not load credentials|Unable to find credentials|credentials? (is|are) missing/i;
const ACCESS_DENIED =
  /^(AccessDenied|AccessDeniedException|UnauthorizedOperation|AuthorizationError)$/;
const BAD_CREDENTIALS =
  /^(UnrecognizedClientException|InvalidClientTokenId|InvalidSignatureException|SignatureDoesNotMatch|InvalidAccessKeyId|ExpiredToken|ExpiredTokenException)$/;
/** The SDK's advice to a programmer, which a person reading the log cannot follow. */
const SDK_ADVICE =
  /\s*Deserialization error: to see the raw response, inspect the hidden field \{error\}\.\$response on this object\.?/;

export interface DescribedError {
  /** The catalogue code (NO_CREDENTIALS, ACCESS_DENIED) or AWS's own error name. */
  code: string;
  message: string;
}

const CONFIGURE_FIX =
  'Give the job AWS credentials: add a step with `aws-actions/configure-aws-credentials` before this one, or set this action’s `role-to-assume`; for GitHub OIDC (either way) the job needs `permissions: id-token: write`.';

/** What AWS (or the SDK) said, in a person's words: the SDK's hints dropped, empty answers named. */
function whatWasSaid(e: AwsErrorLike): string {
  const status = e.status !== undefined ? `HTTP ${e.status}` : 'an answer';
  if (SDK_ADVICE.test(e.message)) {
    const detail = e.message.replace(SDK_ADVICE, '').trim();
    return `AWS answered ${status} with a body that is not the service's JSON (${detail}): a proxy, a firewall or an outage between the runner and AWS`;
  }
  if (e.name === 'Unknown' || e.message === 'UnknownError')
    return `AWS answered ${status} with no error details`;
  return `${e.name}: ${e.message.replace(/\.$/, '')}`;
}

const REFUSED_FIX =
  'AWS refused the credentials the job has: check the step that sets them (`aws-actions/configure-aws-credentials` or `role-to-assume`), that they are for this account and not expired.';

/** The IAM action to allow: as AWS named it, else the service's prefix and the operation. */
function accessFix(e: AwsErrorLike, call: CallContext | undefined): string {
  const named = /not authorized to perform:?\s*([\w-]+:[\w*]+)/i.exec(e.message)?.[1];
  const prefix = call && IAM_PREFIX[call.service];
  const action = named ?? (prefix && call ? `${prefix}:${call.operation}` : undefined);
  return `Allow ${action ? `\`${action}\`` : 'the call'} in the IAM policy of the role the job uses (the README lists every action the action calls).`;
}

/** Lambda's words when a runtime's block date has passed (docs/aws-semantics.md "Runtimes"). */
const BLOCKED_RUNTIME = /The runtime parameter of (\S+) is no longer supported/i;

/** A blocked runtime: the cause is the runtime's calendar, and the `runtime` input is the fix. */
function blockedRuntimeFix(e: AwsErrorLike, call: CallContext | undefined): string | undefined {
  const runtime =
    e.name === 'InvalidParameterValueException' && BLOCKED_RUNTIME.exec(e.message)?.[1];
  if (!runtime) return undefined;
  const order =
    call?.operation === 'UpdateFunctionCode'
      ? ' The action uploads code before it changes the configuration, so first release the runtime change alone (`runtime`, no code source), then the new code.'
      : '';
  return ` Lambda no longer creates or updates functions on \`${runtime}\`: the runtime is past its block date (Lambda's runtime calendar). Set the \`runtime\` input to a supported runtime, e.g. \`nodejs24.x\` or \`python3.13\`.${order}`;
}

/**
 * An error as a person reads it: `Lambda UpdateFunctionCode failed while uploading the new
 * code: AccessDeniedException: …. Allow \`lambda:UpdateFunctionCode\` …`.
 */
export function describeAwsError(error: unknown, doing?: string): DescribedError {
  const e = awsError(error);
  const call = callOf(error);
  const where = call ? `${call.service} ${call.operation}` : 'An AWS call';
  const while_ = doing ? ` while ${doing}` : '';
  if (e.name === 'CredentialsProviderError' || NO_CREDENTIALS.test(e.message))
    return {
      code: 'NO_CREDENTIALS',
      message: `No AWS credentials for ${where}${while_}: the AWS SDK found none in the environment, the shared config files or the instance metadata (${e.name}: ${e.message.replace(/\.$/, '')}). ${CONFIGURE_FIX}`,
    };
  const head = `${where} failed${while_}: ${whatWasSaid(e)}.`;
  if (ACCESS_DENIED.test(e.name))
    return { code: 'ACCESS_DENIED', message: `${head} ${accessFix(e, call)}` };
  const fix = BAD_CREDENTIALS.test(e.name) ? ` ${REFUSED_FIX}` : (blockedRuntimeFix(e, call) ?? '');
  return { code: e.name, message: `${head}${fix}` };
}
