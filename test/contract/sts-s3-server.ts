// A small node:http front for the STS, S3 and OIDC emulator services, until they are
// registered in the emulator's server: the contract tests drive it with the real SDK clients.
// Lambda- and CodeDeploy-shaped requests are only checked for expired credentials.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OidcTokenService } from '../emulator/oidc.ts';
import { handleS3, routeS3 } from '../emulator/s3/api.ts';
import { S3Model } from '../emulator/s3/model.ts';
import { handleSts, isStsRequest, stsOperation } from '../emulator/sts/api.ts';
import type { HttpAnswer } from '../emulator/sts/errors.ts';
import { StsModel } from '../emulator/sts/model.ts';
import { refuseCredentials } from '../emulator/sts/signature.ts';

export interface FrontCall {
  service: 'oidc' | 'sts' | 's3' | 'lambda' | 'codedeploy';
  /** The STS Action, or the HTTP method for the others. */
  operation: string;
  status: number;
  path: string;
  signed: boolean;
  headers: IncomingMessage['headers'];
}

export interface TestFront {
  url: string;
  sts: StsModel;
  s3: S3Model;
  oidc: OidcTokenService;
  /** Emulated epoch ms; tests move it by hand. */
  clock: { now: number };
  /** Requests answered, in order. */
  calls: FrontCall[];
  close(): Promise<void>;
}

export async function startFront(): Promise<TestFront> {
  const clock = { now: Date.UTC(2030, 0, 1, 12) };
  const now = () => clock.now;
  const sts = new StsModel(now);
  const s3 = new S3Model(now);
  const oidc = new OidcTokenService({ now });
  const calls: FrontCall[] = [];
  const server = createServer((req, res) => {
    void answer(req, res);
  });
  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://front');
    const method = req.method ?? 'GET';
    const [service, result] = route(req, url, method, body);
    const operation = service === 'sts' ? stsOperation(body) : method;
    const signed = req.headers.authorization !== undefined;
    calls.push({
      service,
      operation,
      status: result.status,
      path: url.pathname,
      signed,
      headers: req.headers,
    });
    send(res, result);
  }
  function route(
    req: IncomingMessage,
    url: URL,
    method: string,
    body: Buffer,
  ): [FrontCall['service'], HttpAnswer] {
    if (oidc.handles(url)) return ['oidc', oidc.handle(req, url)];
    if (isStsRequest(method, req.headers['content-type'], body))
      return ['sts', handleSts(sts, req.headers, body)];
    if (url.pathname.startsWith('/2015-03-31/')) {
      return [
        'lambda',
        refuseCredentials(sts, 'lambda', req.headers) ?? { status: 200, body: '{}' },
      ];
    }
    if (req.headers['x-amz-target'] !== undefined) {
      return [
        'codedeploy',
        refuseCredentials(sts, 'codedeploy', req.headers) ?? { status: 200, body: '{}' },
      ];
    }
    const refused = refuseCredentials(sts, 's3', req.headers, url.searchParams);
    return [
      's3',
      refused ??
        handleS3(s3, routeS3(method, url, req.headers.host, s3), method, url, req.headers, body),
    ];
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sts,
    s3,
    oidc,
    clock,
    calls,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, r: HttpAnswer): void {
  const headers: Record<string, string> = { ...(r.headers ?? {}) };
  if (r.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(r.body));
  res.writeHead(r.status, headers);
  res.end(r.body);
}
