// CloudWatch as one of the emulator server's services: it claims requests by their
// X-Amz-Target prefix, answers through api.ts, and sends the server's own errors (faults, a
// missing signature) in CloudWatch's query-compatible JSON form (errors.ts).
import type { AliasHistoryEntry } from '../lambda/model.ts';
import type { AwsRequest, HttpResult, ServiceApi, ServiceCall } from '../service.ts';
import { ApiError } from '../util.ts';
import {
  CLOUDWATCH_MUTATING,
  CLOUDWATCH_TARGET_PREFIX,
  cloudWatchHandler,
  respond,
} from './api.ts';
import { CloudWatchError, errorResponse } from './errors.ts';
import type { CloudWatchModel } from './model.ts';

/** The query-protocol code and HTTP status of the errors the server itself raises. */
const QUERY_CODES: Record<string, string> = {
  ThrottlingException: 'Throttling',
  InternalServiceFault: 'InternalServiceError',
  MissingAuthenticationTokenException: 'MissingAuthenticationToken',
};

export class CloudWatchService implements ServiceApi {
  readonly #handler: (operation: string, body: unknown) => unknown;
  readonly faults = {
    throttle: () => new ApiError(400, 'ThrottlingException', 'Rate exceeded'),
    error500: () =>
      new ApiError(
        500,
        'InternalServiceFault',
        'Internal service error (injected by the emulator).',
      ),
  };

  constructor(model: CloudWatchModel) {
    this.#handler = cloudWatchHandler(model);
  }

  claims(req: AwsRequest): boolean {
    return req.target?.startsWith(CLOUDWATCH_TARGET_PREFIX) ?? false;
  }

  route(req: AwsRequest): ServiceCall {
    const target = req.target ?? '';
    const operation = target.slice(CLOUDWATCH_TARGET_PREFIX.length);
    return {
      operation,
      mutating: CLOUDWATCH_MUTATING.has(operation),
      run: () => respond(this.#handler, target, req.body.toString('utf8')),
    };
  }

  errorResponse(e: ApiError): HttpResult {
    const code = QUERY_CODES[e.code] ?? e.code;
    return errorResponse(new CloudWatchError(e.status, e.code, code, e.message));
  }

  unauthenticated(): ApiError {
    return new ApiError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
}

/** The alias's split at `atMs` from its history, version → share; undefined before it existed. */
export function weightsAt(
  history: readonly AliasHistoryEntry[],
  atMs: number,
): Readonly<Record<string, number>> | undefined {
  // The last entry at or before atMs, found from the end: traffic asks about recent moments.
  let entry: AliasHistoryEntry | undefined;
  for (let i = history.length - 1; i >= 0 && !entry; i--)
    if (history[i]!.at <= atMs) entry = history[i];
  if (!entry) return undefined;
  let split = splits.get(entry);
  if (!split) {
    const extra = Object.values(entry.weights).reduce((a, w) => a + w, 0);
    split = { [entry.version]: Math.max(0, 1 - extra), ...entry.weights };
    splits.set(entry, split);
  }
  return split;
}

/** Each history entry's split, made once: an entry never changes once recorded. */
const splits = new WeakMap<AliasHistoryEntry, Readonly<Record<string, number>>>();
