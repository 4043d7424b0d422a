// The HTTP front: one node:http server for every emulated service, plus the test control
// API under /__emulator/. It reads the body, asks the registry which service a request is
// for, checks a signature is present (SigV4 is accepted without verification), applies
// injected faults, logs the call and advances the clock-driven state around each operation.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from './clock.ts';
import { type FaultSpec, Faults } from './faults.ts';
import type { Service } from './registry.ts';
import type { AwsRequest, HttpResult, ServiceApi, ServiceCall } from './service.ts';
import { type TriggerSpec, Triggers } from './triggers.ts';
import { ApiError, uuid } from './util.ts';

export type { FaultSpec } from './faults.ts';
export type { Service } from './registry.ts';
export type { TriggerSpec } from './triggers.ts';

export interface CallRecord {
  service: Service;
  operation: string;
  /** The region the call was signed for (docs/aws-semantics.md#regions); the default when unsigned. */
  region: string;
  status: number;
  /** Emulated epoch ms. */
  at: number;
  errorCode?: string;
  mutating: boolean;
}

/** Room for a PutObject of a package at Lambda's 250 MB unzipped limit, aws-chunked framing included. */
const MAX_BODY = 260 * 1024 * 1024;

export interface ServerDeps {
  clock: Clock;
  services: [Service, ServiceApi][];
  /** The region a request is for: the one it was signed for, else the default. */
  regionOf: (headers: IncomingMessage['headers'], query: URLSearchParams) => string;
  /** Bring the clock-driven state up to now (before and after every operation). */
  tick: () => void;
  /** A control operation; `region` from the request's `?region=` (control/api.ts). */
  control: (
    op: string,
    body: unknown,
    method: string,
    region?: string,
  ) => Promise<unknown> | unknown;
  /** Endpoints that are not AWS services (the runner's OIDC token service), asked first. */
  routes?: { handles(url: URL): boolean; handle(req: IncomingMessage, url: URL): HttpResult }[];
  /** The refusal of a call signed with expired or unknown session credentials, if it is one. */
  refuse?: (
    service: Service,
    headers: IncomingMessage['headers'],
    query: URLSearchParams,
  ) => HttpResult | undefined;
}

type LogCall = (status: number, errorCode?: string) => void;

export class EmulatorServer {
  readonly #deps: ServerDeps;
  readonly #server: Server;
  readonly #faults = new Faults();
  readonly #triggers = new Triggers();
  readonly calls: CallRecord[] = [];

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
    this.#faults.inject(f, this.#deps.clock.now());
  }

  clearFaults(): void {
    this.#faults.clear();
  }

  faults(): FaultSpec[] {
    return this.#faults.list();
  }

  onCall(t: TriggerSpec): void {
    this.#triggers.add(t);
  }

  triggers(): TriggerSpec[] {
    return this.#triggers.list();
  }

  reset(): void {
    this.#faults.clear();
    this.#triggers.clear();
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
    const route = this.#deps.routes?.find((r) => r.handles(url));
    if (route) {
      send(res, route.handle(req, url));
      return;
    }
    const target = header(req, 'x-amz-target');
    const request: AwsRequest = {
      method: req.method ?? 'GET',
      url,
      headers: req.headers,
      region: this.#deps.regionOf(req.headers, url.searchParams),
      body,
      ...(target !== undefined ? { target } : {}),
    };
    const entry = this.#deps.services.find(([, api]) => api.claims(request));
    if (!entry) {
      send(
        res,
        json(404, { message: `No emulated service for ${request.method} ${url.pathname}` }),
      );
      return;
    }
    await this.#onService(entry[0], entry[1], request, req, res);
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
      const region = url.searchParams.get('region') ?? undefined;
      const result = await this.#deps.control(op, parsed, req.method ?? 'GET', region);
      send(res, json(200, { result: result ?? null }));
    } catch (e) {
      send(res, json(400, { error: (e as Error).message, name: (e as Error).name }));
    }
  }

  async #onService(
    service: Service,
    api: ServiceApi,
    request: AwsRequest,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const call = api.route(request);
    const record: LogCall = (status, errorCode) =>
      this.#log(service, call.operation, request.region, status, errorCode, call.mutating);
    const respond = (r: HttpResult, errorCode?: string) => {
      record(r.status, errorCode);
      send(res, r);
    };
    const error = (e: ApiError) => respond(api.errorResponse(e), e.code);
    if (call.error) return error(call.error);
    if (!call.unsigned && !hasAuth(req)) return error(api.unauthenticated());
    await this.#fire(service, call.operation, 'before');
    const fault = await this.#fault(service, api, call, request.region, req, res, record, error);
    if (fault === 'answered') return;
    const refused = this.#deps.refuse?.(service, req.headers, request.url.searchParams);
    if (refused) return respond(refused, errorCodeOf(refused));
    let answer: () => void;
    try {
      this.#deps.tick();
      const r = call.run();
      this.#deps.tick();
      answer = () => respond(r);
    } catch (e) {
      answer = () => error(asApiError(e));
    }
    await this.#fire(service, call.operation, 'after');
    if (typeof fault === 'object') await new Promise((r) => setTimeout(r, fault.answerAfterMs));
    if (fault !== 'lose') return answer();
    // The operation ran; its answer is lost on the way back.
    record(0, 'AnswerLost');
    req.socket.destroy();
  }

  /** Someone else's action, timed to this call (triggers.ts). */
  async #fire(service: Service, operation: string, when: 'before' | 'after'): Promise<void> {
    for (const t of this.#triggers.take(service, operation, when)) {
      try {
        if (t.run) t.run();
        else await this.#deps.control(t.op!, t.args, 'POST');
      } catch (e) {
        console.error(`emulator: trigger ${t.op ?? 'run'} failed: ${(e as Error).message}`);
      }
    }
  }

  /**
   * Apply the first matching fault: 'answered' when the request was answered (or dropped),
   * 'lose' when it is to run but its answer be lost, a delay when its answer is to be slow.
   */
  async #fault(
    service: Service,
    api: ServiceApi,
    call: ServiceCall,
    region: string,
    req: IncomingMessage,
    res: ServerResponse,
    record: LogCall,
    error: (e: ApiError) => void,
  ): Promise<'answered' | 'lose' | { answerAfterMs: number } | undefined> {
    const f = this.#faults.take(service, api, call.operation, this.#deps.clock.now(), region);
    if (!f) return undefined;
    if (f.kind === 'lose') return 'lose';
    if (f.kind === 'slow' && f.slowAnswer) return { answerAfterMs: f.delayMs ?? 1000 };
    if (f.kind === 'slow') {
      await new Promise((r) => setTimeout(r, f.delayMs ?? 1000));
      return undefined;
    }
    if (f.kind === 'drop') {
      record(0, 'ConnectionDropped');
      req.socket.destroy();
      return 'answered';
    }
    if (f.kind === 'bad-gateway') {
      // Not the service speaking: a proxy in between, so no AWS error shape.
      record(502, 'BadGateway');
      send(res, {
        status: 502,
        headers: { 'Content-Type': 'text/html' },
        body: '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>',
      });
      return 'answered';
    }
    if (f.kind === 'denied' && !api.faults.denied) {
      // A service without its own AccessDenied shape (STS, S3, CloudWatch).
      error(accessDenied(service, call.operation));
      return 'answered';
    }
    const answer = api.faults[f.kind];
    if (!answer) return undefined;
    error(answer(call, f));
    return 'answered';
  }

  #log(
    service: Service,
    operation: string,
    region: string,
    status: number,
    errorCode: string | undefined,
    mutating: boolean,
  ): void {
    this.calls.push({
      service,
      operation,
      region,
      status,
      at: this.#deps.clock.now(),
      ...(errorCode !== undefined ? { errorCode } : {}),
      mutating,
    });
  }
}

/** AccessDenied as each service names it (CodeDeploy answers 400, the others 403). */
function accessDenied(service: Service, operation: string): ApiError {
  const code = service === 'sts' ? 'AccessDenied' : 'AccessDeniedException';
  return new ApiError(
    service === 'codedeploy' ? 400 : 403,
    code,
    `User: arn:aws:sts::123456789012:assumed-role/deployer/lambda-gated-release is not authorized to perform: ${service}:${operation} because no identity-based policy allows the ${service}:${operation} action`,
  );
}

/** The error code a refusal carries, for the call log. */
function errorCodeOf(r: HttpResult): string {
  const text = String(r.body ?? '');
  return (
    /"__type":"([^"]+)"|<Code>([^<]+)<\/Code>/.exec(text)?.slice(1).find(Boolean) ??
    r.headers?.['X-Amzn-ErrorType'] ??
    'CredentialsRefused'
  );
}

function asApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  return new ApiError(
    500,
    'ServiceException',
    `emulator failure: ${(e as Error)?.message ?? String(e)}`,
  );
}

function json(status: number, body: unknown): HttpResult {
  return { status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
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
