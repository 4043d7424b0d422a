// The SDK's standard retry with its back-off on the emulator's scaled clock. The SDK sleeps
// between attempts on real time: at time scale 60 a 10 s throttling back-off is 10 real
// seconds, which in emulated time is ten minutes, long enough to outlast a whole deployment.
// Scaled, each back-off is what it would be against AWS, in the emulator's minutes.
import { StandardRetryStrategy } from '@smithy/core/retry';
import type { RetryStrategyV2, StandardRetryBackoffStrategy } from '@smithy/types';
import type { ClientOptions } from '../src/aws/clients.ts';

/** The standard back-off (random × min(20 s, base × 2^attempt)), divided by `scale`. */
class ScaledBackoff implements StandardRetryBackoffStrategy {
  #base = 50;
  readonly #scale: number;
  constructor(scale: number) {
    this.#scale = scale;
  }
  setDelayBase(delay: number): void {
    this.#base = delay;
  }
  computeNextBackoffDelay(attempt: number): number {
    return Math.floor((Math.random() * Math.min(this.#base * 2 ** attempt, 20_000)) / this.#scale);
  }
}

/** For ClientOptions.retryStrategy: `scaledRetry(emu.clock.scale)`. */
export function scaledRetry(scale: number): (maxAttempts: number) => RetryStrategyV2 {
  return (maxAttempts) =>
    new StandardRetryStrategy({ maxAttempts, backoff: new ScaledBackoff(scale) });
}

/** Client options for an in-process emulator: its endpoint and region, its clock's back-off. */
export function emulatorClientOptions(
  emu: { region: string; url: string; clock: { scale: number } },
  more: Partial<ClientOptions> = {},
): ClientOptions {
  return {
    region: emu.region,
    endpoint: emu.url,
    retryStrategy: scaledRetry(emu.clock.scale),
    ...more,
  };
}
