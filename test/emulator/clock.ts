// The emulator's clock: emulated time runs `scale` times faster than real time.
//   emulated epoch ms = start + realElapsed × scale
// At scale 600 one emulated minute takes 100 real ms, so a Canary10Percent5Minutes
// deployment takes about half a second of wall time.

export interface Clock {
  /** Emulated epoch milliseconds. */
  now(): number;
  /** Wait `ms` emulated milliseconds (ms / scale real milliseconds). Abortable. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  readonly scale: number;
  /**
   * The real epoch ms at which the clock shows `emulatedMs`. A client compares instants it is
   * given (a credential's Expiration) with its own, real clock: this is the instant to send.
   */
  realEpoch(emulatedMs: number): number;
}

export class ScaledClock implements Clock {
  readonly scale: number;
  readonly #startEpoch: number;
  readonly #startReal: number;

  constructor(scale = 1, startEpoch = Date.now()) {
    if (!(scale > 0) || !Number.isFinite(scale)) throw new Error(`invalid time scale: ${scale}`);
    this.scale = scale;
    this.#startEpoch = startEpoch;
    this.#startReal = performance.now();
  }

  now(): number {
    return Math.floor(this.#startEpoch + (performance.now() - this.#startReal) * this.scale);
  }

  realEpoch(emulatedMs: number): number {
    return Math.floor(this.#startEpoch + (emulatedMs - this.#startEpoch) / this.scale);
  }

  /** Real milliseconds that `emulatedMs` take. */
  realMs(emulatedMs: number): number {
    return emulatedMs / this.scale;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason ?? new DOMException('The operation was aborted', 'AbortError'));
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason ?? new DOMException('The operation was aborted', 'AbortError'));
      };
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, this.realMs(ms)),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
