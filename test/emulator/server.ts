// The HTTP front: one node:http server speaking Lambda REST-JSON (by path
// /2015-03-31/functions/...) and CodeDeploy JSON 1.1 (by X-Amz-Target
// CodeDeploy_20141006.<Op>), plus the test control API under /__emulator/.
// SigV4 is accepted without verification. Faults are injected before an operation runs.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from './clock.ts';
import { CODEDEPLOY_MUTATING, type CodeDeployService } from './codedeploy.ts';
import type { DeploymentEngine } from './engine.ts';
import {
  type HttpResult,
  LAMBDA_MUTATING,
  type LambdaService,
  lambdaErrorResponse,
  routeLambda,
} from './lambda.ts';
import { ApiError, isRecord, uuid } from './util.ts';

export type Service = 'lambda' | 'codedeploy';

export interface CallRecord {
  service: Service;
  operation: string;
  status: number;
  /** Emulated epoch ms. */
  at: number;
  errorCode?: string;
  mutating: boolean;
}

export interface FaultSpec {
  service?: Service;
  operation?: string;
  /**
   * `conflict` is Lambda's 409 ResourceConflictException "An update is in progress", as AWS
   * sends it while an earlier update of the function is still being applied (Lambda only:
   * CodeDeploy has no such error, so a `conflict` fault never matches a CodeDeploy call).
   */
  kind: 'throttle' | 'error500' | 'drop' | 'slow' | 'conflict';
  /** Probability 0..1 that a matching call is hit (default 1). */
  rate?: number;
  /** Hit this many calls, then stop. */
  count?: number;
  /** Real ms a `slow` response is delayed (default 1000). */
  delayMs?: number;
  /** Retry-After seconds on Lambda throttles (default 1). */
  retryAfterSeconds?: number;
}

interface FaultState extends FaultSpec {
  remaining?: number;
}

const MAX_BODY = 100 * 1024 * 1024;

export interface ServerDeps {
  clock: Clock;
  lambda: LambdaService;
  codedeploy: CodeDeployService;
  engine: DeploymentEngine;
  control: (op: string, body: unknown, method: string) => Promise<unknown> | unknown;
}

export class EmulatorServer {
  readonly #deps: ServerDeps;
  readonly #server: Server;
  readonly calls: CallRecord[] = [];
  #faults: FaultState[] = [];

  constructor(deps: ServerDeps) {
    this.#deps = deps;
    this.#server = createServer((req, res) => {
      this.#onRequest(req, res).catch((e: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ message: `emulator error: ${(e as Error).message}` }));
        }
      });
    });
    this.#server.keepAliveTimeout = 5000;
  }

  listen(port: number, host = '127.0.0.1'): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        const addr = this.#server.address() as AddressInfo;
        resolve(`http://${host}:${addr.port}`);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  injectFault(f: FaultSpec): void {
    this.#faults.push({ ...f, ...(f.count !== undefined ? { remaining: f.count } : {}) });
  }

  clearFaults(): void {
    this.#faults = [];
  }

  faults(): FaultSpec[] {
    return this.#faults.map((f) => ({ ...f }));
  }

  reset(): void {
    this.#faults = [];
    this.calls.length = 0;
  }

  // ------------------------------------------------------------------ request handling

  async #onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch {
      res.writeHead(413, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: 'Request entity too large' }));
      return;
    }
    if (url.pathname.startsWith('/__emulator/')) {
      await this.#onControl(url, req, res, body);
      return;
    }
    const target = header(req, 'x-amz-target');
    if (target !== undefined) {
      await this.#onCodeDeploy(target, req, res, body);
      return;
    }
    await this.#onLambda(url, req, res, body);
  }

  async #onControl(
    url: URL,
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
  ): Promise<void> {
    const op = decodeURIComponent(url.pathname.slice('/__emulator/'.length));
    try {
      const parsed: unknown = body.length > 0 ? JSON.parse(body.toString('utf8')) : undefined;
      const result = await this.#deps.control(op, parsed, req.method ?? 'GET');
      send(res, {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ result: result ?? null }),
      });
    } catch (e) {
      send(res, {
        status: 400,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ error: (e as Error).message, name: (e as Error).name }),
      });
    }
  }

  async #onCodeDeploy(
    target: string,
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
  ): Promise<void> {
    const prefix = 'CodeDeploy_20141006.';
    const operation = target.startsWith(prefix) ? target.slice(prefix.length) : target;
    const record = (status: number, errorCode?: string) =>
      this.#log('codedeploy', operation, status, errorCode, CODEDEPLOY_MUTATING.has(operation));
    const respond = (r: HttpResult, errorCode?: string) => {
      record(r.status, errorCode);
      send(res, r);
    };
    const error = (e: ApiError) => respond(codeDeployErrorResponse(e), e.code);
    if (!target.startsWith(prefix)) {
      error(new ApiError(400, 'UnknownOperationException', `Unknown target ${target}`));
      return;
    }
    if (!hasAuth(req)) {
      error(
        new ApiError(400, 'MissingAuthenticationTokenException', 'Missing Authentication Token'),
      );
      return;
    }
    if (await this.#fault('codedeploy', operation, req, res, record)) return;
    let input: Record<string, unknown>;
    try {
      const parsed: unknown = body.length > 0 ? JSON.parse(body.toString('utf8')) : {};
      if (!isRecord(parsed)) throw new Error('not an object');
      input = parsed;
    } catch {
      error(
        new ApiError(
          400,
          'SerializationException',
          'Start of structure or map found where not expected.',
        ),
      );
      return;
    }
    try {
      this.#deps.engine.advance();
      const out = this.#deps.codedeploy.handle(operation, input);
      this.#deps.engine.advance();
      respond({
        status: 200,
        headers: { 'Content-Type': 'application/x-amz-json-1.1' },
        body: JSON.stringify(out ?? {}),
      });
    } catch (e) {
      error(asApiError(e));
    }
  }

  async #onLambda(
    url: URL,
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
  ): Promise<void> {
    const route = routeLambda(req.method ?? 'GET', url.pathname);
    const operation = route?.operation ?? 'Unknown';
    const record = (status: number, errorCode?: string) =>
      this.#log('lambda', operation, status, errorCode, LAMBDA_MUTATING.has(operation));
    const respond = (r: HttpResult, errorCode?: string) => {
      record(r.status, errorCode);
      send(res, r);
    };
    const error = (e: ApiError) => respond(lambdaErrorResponse(e), e.code);
    if (!route) {
      error(
        new ApiError(
          404,
          'UnknownOperationException',
          `Unknown operation ${req.method} ${url.pathname}`,
        ),
      );
      return;
    }
    if (!hasAuth(req)) {
      error(
        new ApiError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token'),
      );
      return;
    }
    if (await this.#fault('lambda', operation, req, res, record, route.functionName)) return;
    try {
      this.#deps.engine.advance();
      const r = this.#deps.lambda.handle(route, url.searchParams, req.headers, body);
      this.#deps.engine.advance();
      respond(r);
    } catch (e) {
      error(asApiError(e));
    }
  }

  /** Apply the first matching fault. Returns true when the request was answered (or dropped). */
  async #fault(
    service: Service,
    operation: string,
    req: IncomingMessage,
    res: ServerResponse,
    record: (status: number, errorCode?: string) => void,
    lambdaFunction?: string,
  ): Promise<boolean> {
    // Every matching fault gets its own roll; the first that fires applies.
    const f = this.#faults.find(
      (x) =>
        (x.service === undefined || x.service === service) &&
        (x.kind !== 'conflict' || service === 'lambda') &&
        (x.operation === undefined || x.operation === operation) &&
        (x.remaining === undefined || x.remaining > 0) &&
        Math.random() < (x.rate ?? 1),
    );
    if (!f) return false;
    if (f.remaining !== undefined) f.remaining--;
    switch (f.kind) {
      case 'slow':
        await new Promise((r) => setTimeout(r, f.delayMs ?? 1000));
        return false;
      case 'drop':
        record(0, 'ConnectionDropped');
        req.socket.destroy();
        return true;
      case 'throttle': {
        if (service === 'lambda') {
          const e = new ApiError(
            429,
            'TooManyRequestsException',
            'Rate exceeded',
            { Reason: 'CallerRateLimitExceeded' },
            { 'Retry-After': String(f.retryAfterSeconds ?? 1) },
          );
          record(429, e.code);
          send(res, lambdaErrorResponse(e));
        } else {
          const e = new ApiError(400, 'ThrottlingException', 'Rate exceeded');
          record(400, e.code);
          send(res, codeDeployErrorResponse(e));
        }
        return true;
      }
      case 'conflict': {
        // As Lambda words it for UpdateFunctionCode / PublishVersion / UpdateFunctionConfiguration
        // while LastUpdateStatus is InProgress: 409, X-Amzn-ErrorType, {"Type":"User","message"}.
        const name = lambdaFunction ?? '';
        const arn = name.startsWith('arn:')
          ? name
          : this.#deps.lambda.functionArn(name.replace(/^\d{12}:function:/, ''));
        const e = new ApiError(
          409,
          'ResourceConflictException',
          `The operation cannot be performed at this time. An update is in progress for resource: ${arn}`,
        );
        record(409, e.code);
        send(res, lambdaErrorResponse(e));
        return true;
      }
      case 'error500': {
        if (service === 'lambda') {
          const e = new ApiError(
            500,
            'ServiceException',
            'An internal error occurred (injected by the emulator).',
          );
          record(500, e.code);
          send(res, lambdaErrorResponse(e));
        } else {
          const e = new ApiError(
            500,
            'InternalFailure',
            'An internal error occurred (injected by the emulator).',
          );
          record(500, e.code);
          send(res, codeDeployErrorResponse(e));
        }
        return true;
      }
    }
  }

  #log(
    service: Service,
    operation: string,
    status: number,
    errorCode: string | undefined,
    mutating: boolean,
  ): void {
    this.calls.push({
      service,
      operation,
      status,
      at: this.#deps.clock.now(),
      ...(errorCode !== undefined ? { errorCode } : {}),
      mutating,
    });
  }
}

export function codeDeployErrorResponse(e: ApiError): HttpResult {
  return {
    status: e.status,
    headers: { 'Content-Type': 'application/x-amz-json-1.1' },
    body: JSON.stringify({ __type: e.code, message: e.message }),
  };
}

function asApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  return new ApiError(
    500,
    'ServiceException',
    `emulator failure: ${(e as Error)?.message ?? String(e)}`,
  );
}

function send(res: ServerResponse, r: HttpResult): void {
  if (res.destroyed) return;
  const headers: Record<string, string> = { 'x-amzn-RequestId': uuid(), ...(r.headers ?? {}) };
  if (r.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(r.body));
  res.writeHead(r.status, headers);
  res.end(r.body);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function hasAuth(req: IncomingMessage): boolean {
  // Any SigV4 signature is accepted; only its presence is required.
  const auth = header(req, 'authorization');
  return (
    (auth !== undefined && auth.length > 0) ||
    new URL(req.url ?? '/', 'http://x').searchParams.has('X-Amz-Signature')
  );
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
