// Strategy names and inline forms → CodeDeploy traffic routing and timing.
// (Implementation to be filled in; the types are the contract other modules use.)

export type TrafficRouting =
  | { type: 'AllAtOnce' }
  | { type: 'TimeBasedCanary'; percentage: number; intervalMinutes: number }
  | { type: 'TimeBasedLinear'; percentage: number; intervalMinutes: number };

export type Strategy =
  /** Move the alias with one UpdateAlias/CreateAlias; no CodeDeploy. */
  | { kind: 'direct'; input: string }
  /** One of the nine CodeDeployDefault.Lambda* configs (also what inline `all-at-once` becomes). */
  | { kind: 'predefined'; input: string; configName: string; routing: TrafficRouting }
  /** Inline `canary 25% 15m` / `linear 20% 2m`: find a custom config with this routing, else create `configName`. */
  | { kind: 'inline'; input: string; configName: string; routing: TrafficRouting }
  /** The name of an existing custom Lambda deployment config; its routing is read in preflight. */
  | { kind: 'custom'; input: string; configName: string };

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

export function parseStrategy(_raw: string): ParseResult<Strategy> {
  throw new Error('not implemented');
}

/** Cumulative % on the new version at each shift, minutes after the first shift. */
export function routingSteps(_routing: TrafficRouting): { atMinute: number; percent: number }[] {
  throw new Error('not implemented');
}

/** Minutes between the first and the last traffic shift. */
export function shiftMinutes(_routing: TrafficRouting): number {
  throw new Error('not implemented');
}

/** In words, e.g. "canary: 10% for 5 minutes, then 100%". */
export function describeRouting(_routing: TrafficRouting): string {
  throw new Error('not implemented');
}

export function sameRouting(_a: TrafficRouting, _b: TrafficRouting): boolean {
  throw new Error('not implemented');
}

/** Default for `timeout-minutes`: the strategy's shifting time plus room for hooks and CodeDeploy's own steps. */
export function defaultTimeoutMinutes(_routing: TrafficRouting, _hookCount: number): number {
  throw new Error('not implemented');
}
