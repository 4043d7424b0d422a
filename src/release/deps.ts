// What the release needs from the outside world, passed in so tests can supply their own.
import type { CodeDeployApi } from '../aws/codedeploy.ts';
import type { LambdaApi } from '../aws/lambda.ts';
import type { ProgressSink } from './result.ts';

export interface Clock {
  /** epoch milliseconds */
  now(): number;
  /** Rejects with an AbortError when the signal fires. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export type OutputName =
  | 'version'
  | 'previous-version'
  | 'deployment-id'
  | 'status'
  | 'rolled-back'
  | 'alias-arn'
  | 'function-arn'
  | 'code-sha256';

export interface ReleaseDeps {
  lambda: LambdaApi;
  codedeploy: CodeDeployApi;
  clock: Clock;
  progress: ProgressSink;
  /** Sets a step output the moment its value is known. */
  output(name: OutputName, value: string): void;
  /** Called the moment a deployment exists (the post step's backstop needs its id). */
  onDeployment?(id: string): void;
  /** Runs one phase (the runner shows it as a collapsible group). */
  group?<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** Fires on cancellation: in-flight calls and sleeps are abandoned. */
  signal?: AbortSignal;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortError());
      const timer = setTimeout(done, ms);
      function done() {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }
      function onAbort() {
        clearTimeout(timer);
        reject(abortError());
      }
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export function abortError(): Error {
  const e = new Error('The operation was aborted');
  e.name = 'AbortError';
  return e;
}
