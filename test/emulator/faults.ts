// Fault injection: what a test asks for, and which call each fault hits. The server applies
// a matching fault before the operation runs; the service decides what an error fault says.
import type { Service } from './registry.ts';
import type { ErrorFaultKind, ServiceApi } from './service.ts';

export interface FaultSpec {
  /** Only calls to this service (default: any). */
  service?: Service;
  operation?: string;
  /** Only calls signed for this region (default: any). */
  region?: string;
  /**
   * `throttle`, `error500` and `conflict` answer with the service's own error (see each
   * service's `faults`); a service without one for the kind is never hit by it. `conflict` is
   * Lambda's 409 ResourceConflictException "An update is in progress", as AWS sends it while
   * an earlier update of the function is still being applied (CodeDeploy has no such error).
   * `denied` is IAM's AccessDeniedException naming the action.
   * `drop` closes the connection before the call runs; `lose` lets the call run, then
   * closes the connection instead of answering (the change is made, the caller never hears
   * of it); `slow` delays the call, then lets it run; `bad-gateway` is a proxy's 502 HTML
   * page in place of the service's answer. `denied` answers AccessDenied in the service's
   * form, as AWS does when the caller's policy lacks the action.
   */
  kind: ErrorFaultKind | 'drop' | 'lose' | 'slow' | 'bad-gateway';
  /** Probability 0..1 that a matching call is hit (default 1). */
  rate?: number;
  /** Hit this many calls, then stop. */
  count?: number;
  /** Real ms a `slow` response is delayed (default 1000). */
  delayMs?: number;
  /**
   * `slow` only: run the call at once and delay its answer instead (a slow answer, not a
   * slow start): a client that gives up meanwhile has had its change made all the same.
   */
  slowAnswer?: boolean;
  /** Retry-After seconds on Lambda throttles (default 1). */
  retryAfterSeconds?: number;
  /** Emulated ms after injection before the fault starts hitting (default 0). */
  afterMs?: number;
  /** Emulated ms the fault hits for, from its start (default: until cleared). An outage. */
  forMs?: number;
}

interface FaultState extends FaultSpec {
  remaining?: number;
  /** Emulated epoch ms window in which it hits. */
  from: number;
  until: number;
}

export class Faults {
  #faults: FaultState[] = [];

  /** `now`: emulated epoch ms, from which afterMs / forMs count. */
  inject(f: FaultSpec, now = 0): void {
    const from = now + (f.afterMs ?? 0);
    const until = f.forMs !== undefined ? from + f.forMs : Number.POSITIVE_INFINITY;
    this.#faults.push({
      ...f,
      ...(f.count !== undefined ? { remaining: f.count } : {}),
      from,
      until,
    });
  }

  clear(): void {
    this.#faults = [];
  }

  list(): FaultSpec[] {
    return this.#faults.map(({ remaining: _r, from: _f, until: _u, ...f }) => f);
  }

  /** The fault that hits this call, if any (and count it). Every matching fault gets its own roll. */
  take(
    service: Service,
    api: ServiceApi,
    operation: string,
    now = 0,
    region?: string,
  ): FaultSpec | undefined {
    const f = this.#faults.find(
      (x) =>
        now >= x.from &&
        now < x.until &&
        (x.service === undefined || x.service === service) &&
        (x.kind === 'drop' ||
          x.kind === 'lose' ||
          x.kind === 'slow' ||
          x.kind === 'bad-gateway' ||
          x.kind === 'denied' ||
          api.faults[x.kind] !== undefined) &&
        (x.operation === undefined || x.operation === operation) &&
        (x.region === undefined || x.region === region) &&
        (x.remaining === undefined || x.remaining > 0) &&
        Math.random() < (x.rate ?? 1),
    );
    if (f?.remaining !== undefined) f.remaining--;
    return f;
  }
}
