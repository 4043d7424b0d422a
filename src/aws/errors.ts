// What an AWS SDK error is, in the few ways the release cares about.

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
