// What the HTTP front needs from each emulated AWS service. A service is a model (its state
// and AWS's rules), an API (this interface: which requests are its own, each operation, its
// wire form) and its errors. The server handles what all protocols share: reading the body,
// the signature check, fault injection, the call log, advancing the clock-driven state.
import type { IncomingHttpHeaders } from 'node:http';
import type { ApiError } from './util.ts';

export interface HttpResult {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** One request as every service sees it. */
export interface AwsRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  /** The region it was signed for (the server's default when unsigned). */
  region: string;
  /** The X-Amz-Target header of JSON-protocol services, when present. */
  target?: string;
  body: Buffer;
}

/** A request matched to one operation of a service. */
export interface ServiceCall {
  /** The operation name for the call log and fault matching. */
  operation: string;
  /** Does the operation change state? (the call log records it) */
  mutating: boolean;
  /** Taken without a signature (STS AssumeRoleWithWebIdentity). */
  unsigned?: boolean;
  /** Answered before the signature check, e.g. an operation the service does not know. */
  error?: ApiError;
  /** The region the call was signed for (set by the registry, for the fault answers). */
  region?: string;
  /** The resource the request names (Lambda: the FunctionName of the path). */
  resource?: string;
  /** Run the operation; an ApiError thrown here is answered in the service's wire form. */
  run(): HttpResult;
}

/** The error a fault of this kind answers with. */
export type FaultError = (call: ServiceCall, fault: { retryAfterSeconds?: number }) => ApiError;

/** Fault kinds that answer with an error in the service's own wire form. */
export type ErrorFaultKind = 'throttle' | 'error500' | 'conflict' | 'denied';

export interface ServiceApi {
  /** Is this request for the service? The server asks the services in registration order. */
  claims(req: AwsRequest): boolean;
  route(req: AwsRequest): ServiceCall;
  /** An ApiError as the service's protocol sends it. */
  errorResponse(e: ApiError): HttpResult;
  /** "Missing Authentication Token" as the service sends it. */
  unauthenticated(): ApiError;
  /** The service's answer to each error fault; a kind missing here never hits the service. */
  readonly faults: Partial<Record<ErrorFaultKind, FaultError>>;
}
