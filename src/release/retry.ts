// Retries for the conflicts the SDK does not retry itself: Lambda's 409 "An update is in
// progress" clears once the running update finishes, so it is worth waiting for.
import { awsError } from '../aws/errors.ts';
import type { ReleaseDeps } from './deps.ts';

export async function retryWhile<T>(
  deps: Pick<ReleaseDeps, 'clock' | 'progress' | 'signal'>,
  operation: string,
  retryable: (error: unknown) => boolean,
  fn: () => Promise<T>,
  { attempts = 8, firstDelayMs = 1_000, maxDelayMs = 15_000 } = {},
): Promise<T> {
  let delay = firstDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= attempts || !retryable(error)) throw error;
      deps.progress({
        kind: 'retry',
        operation,
        reason: awsError(error).name,
        attempt: attempt + 1,
        delayMs: delay,
      });
      await deps.clock.sleep(delay, deps.signal);
      delay = Math.min(delay * 2, maxDelayMs);
    }
  }
}

export function isUpdateInProgress(error: unknown): boolean {
  return awsError(error).name === 'ResourceConflictException';
}

/** Errors worth another poll: throttling, 5xx and the network, after the SDK's own retries ran out. */
export function isTransient(error: unknown): boolean {
  const e = awsError(error);
  if (e.name === 'AbortError') return false;
  if (e.status !== undefined && (e.status === 429 || e.status >= 500)) return true;
  return /Throttl|TooManyRequests|Timeout|ECONNRESET|ECONNREFUSED|EPIPE|socket hang up|ServiceUnavailable|InternalFailure|ServiceException|NetworkingError/i.test(
    `${e.name} ${e.message}`,
  );
}
