// How an AWS error reads: the service and operation, what the action was doing, and the fix
// for missing credentials, refused credentials and access denied.
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { callOf, describeAwsError, withErrorContext } from '../../src/aws/errors.ts';
import { explainFailure, ReleaseError } from '../../src/release/errors.ts';

/** An error as a client tagged by withErrorContext throws it from `command`. */
async function thrownBy(clientName: string, commandName: string, error: Error): Promise<unknown> {
  let mw:
    | ((next: () => Promise<never>, ctx: object) => (args: unknown) => Promise<unknown>)
    | undefined;
  withErrorContext({ middlewareStack: { add: (m: typeof mw) => (mw = m) } });
  try {
    await mw!(() => Promise.reject(error), { clientName, commandName })({});
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
}

function sdkError(name: string, message: string, status?: number): Error {
  return Object.assign(new Error(message), {
    name,
    ...(status ? { $metadata: { httpStatusCode: status } } : {}),
  });
}

describe('describeAwsError', () => {
  it('no credentials: names the call, what the action was doing, and how to give the job credentials', async () => {
    const e = await thrownBy(
      'LambdaClient',
      'GetFunctionCommand',
      sdkError('CredentialsProviderError', 'Could not load credentials from any providers'),
    );
    const d = describeAwsError(e, 'checking the function');
    expect(d.code).toBe('NO_CREDENTIALS');
    expect(d.message).toMatch(
      /^No AWS credentials for Lambda GetFunction while checking the function/,
    );
    expect(d.message).toContain('aws-actions/configure-aws-credentials');
    expect(d.message).toContain('`role-to-assume`');
    expect(d.message).toContain('permissions: id-token: write');
  });

  it('access denied: the IAM action from the operation when AWS does not name it', async () => {
    const e = await thrownBy(
      'LambdaClient',
      'UpdateFunctionCodeCommand',
      sdkError('AccessDeniedException', 'Access denied', 403),
    );
    const d = describeAwsError(e, 'uploading the new code');
    expect(d.code).toBe('ACCESS_DENIED');
    expect(d.message).toMatch(
      /^Lambda UpdateFunctionCode failed while uploading the new code: AccessDeniedException: Access denied\./,
    );
    expect(d.message).toContain('Allow `lambda:UpdateFunctionCode`');
  });

  it('access denied: the IAM action as AWS named it', async () => {
    const e = await thrownBy(
      'CodeDeployClient',
      'StopDeploymentCommand',
      sdkError(
        'AccessDeniedException',
        'User: arn:aws:sts::1:assumed-role/r/s is not authorized to perform: codedeploy:StopDeployment on resource: x',
        400,
      ),
    );
    expect(describeAwsError(e).message).toContain('Allow `codedeploy:StopDeployment`');
  });

  it("drops the SDK's advice to inspect $response and says what came back", async () => {
    const e = await thrownBy(
      'CodeDeployClient',
      'StopDeploymentCommand',
      sdkError(
        'SyntaxError',
        `Unexpected token '<', "<html>" is not valid JSON\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.`,
        502,
      ),
    );
    const d = describeAwsError(e, 'stopping the deployment');
    expect(d.message).not.toContain('$response');
    expect(d.message).toMatch(
      /^CodeDeploy StopDeployment failed while stopping the deployment: AWS answered HTTP 502/,
    );
  });

  it('refused credentials point at the step that sets them', async () => {
    const e = await thrownBy(
      'CodeDeployClient',
      'GetApplicationCommand',
      sdkError(
        'UnrecognizedClientException',
        'The security token included in the request is invalid',
        400,
      ),
    );
    const d = describeAwsError(e);
    expect(d.code).toBe('UnrecognizedClientException');
    expect(d.message).toMatch(/^CodeDeploy GetApplication failed: UnrecognizedClientException/);
    expect(d.message).toContain('aws-actions/configure-aws-credentials');
  });

  it('an error from no known call still reads as a sentence', () => {
    expect(describeAwsError(new Error('socket hang up')).message).toBe(
      'An AWS call failed: Error: socket hang up.',
    );
  });

  it('a real client tags its errors with the service and operation', async () => {
    const client = withErrorContext(
      new LambdaClient({
        region: 'us-east-1',
        endpoint: 'http://127.0.0.1:9',
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        maxAttempts: 1,
      }),
    );
    const e = await client.send(new GetFunctionCommand({ FunctionName: 'f' })).catch((x) => x);
    expect(callOf(e)).toEqual({ service: 'Lambda', operation: 'GetFunction' });
    expect(describeAwsError(e).message).toMatch(/^Lambda GetFunction failed: /);
  });
});

describe('explainFailure', () => {
  const named = (name: string, message: string) => Object.assign(new Error(message), { name });
  const explain = () => 'S3 PutObject failed. Run it again.';

  it('words an AWS failure with its own code and explanation', async () => {
    const e = await explainFailure('S3_UPLOAD_FAILED', explain, () =>
      Promise.reject(named('SlowDown', 'Please reduce your request rate.')),
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ReleaseError);
    expect(e).toMatchObject({ code: 'S3_UPLOAD_FAILED', message: explain() });
  });

  it.each([
    ['expired', named('ExpiredToken', 'The provided token has expired.')],
    ['missing', named('CredentialsProviderError', 'Could not load credentials from any providers')],
  ])(
    'lets %s credentials through for the release to word once, without a retry hint',
    async (_, err) => {
      const e = await explainFailure('S3_UPLOAD_FAILED', explain, () => Promise.reject(err)).catch(
        (x: unknown) => x,
      );
      expect(e).toBe(err);
    },
  );
});
