// A stand-in for the GitHub REST endpoints the action calls for `github-environment`: create a
// deployment, create a deployment status. Served over HTTP in the test's process; the action
// reaches it through GITHUB_API_URL (@actions/github's base URL). It answers as GitHub does
// (docs.github.com "REST API endpoints for deployments" and "... deployment statuses"):
// 201 with the object made; 401 without a valid token; 403 "Resource not accessible by
// integration" for the job's token without `deployments: write`; 404 for an unknown
// deployment; 422 for a state GitHub does not know or a description over 140 characters
// (unverified: GitHub documents the limit, not the error; the stricter answer is modelled).
import { createServer, type IncomingMessage, type Server } from 'node:http';

export type StatusState =
  | 'error'
  | 'failure'
  | 'inactive'
  | 'in_progress'
  | 'queued'
  | 'pending'
  | 'success';

const STATES: readonly string[] = [
  'error',
  'failure',
  'inactive',
  'in_progress',
  'queued',
  'pending',
  'success',
];

export interface Deployment {
  id: number;
  repository: string;
  ref: string;
  sha: string;
  task: string;
  environment: string;
  description: string | null;
  payload: unknown;
  transient_environment: boolean;
  production_environment: boolean;
  /** What the request asked, for assertions. */
  request: Record<string, unknown>;
  statuses: DeploymentStatus[];
}

export interface DeploymentStatus {
  id: number;
  state: StatusState;
  description: string;
  environment_url: string;
  log_url: string;
  environment: string;
}

export interface GitHubApi {
  url: string;
  /** The token the stand-in accepts. */
  token: string;
  /** Whether that token may write deployments (`permissions: deployments: write`). */
  canWrite: boolean;
  deployments: Deployment[];
  /** Every request, `METHOD /path`, in order. */
  requests: string[];
  reset(): void;
  close(): Promise<void>;
}

export async function startGitHubApi(token = 'ghs_e2eFakeJobToken0001'): Promise<GitHubApi> {
  const api: GitHubApi = {
    url: '',
    token,
    canWrite: true,
    deployments: [],
    requests: [],
    reset() {
      api.canWrite = true;
      api.deployments.length = 0;
      api.requests.length = 0;
    },
    close: () => new Promise((done) => server.close(() => done())),
  };
  let ids = 1000;
  const server: Server = createServer((req, res) => {
    readBody(req).then((body) => {
      const { status, body: out } = answer(api, req, body, () => ++ids);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(out));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  api.url = `http://127.0.0.1:${address.port}`;
  return api;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
    });
    req.on('end', () => done(text));
  });
}

const DOCS = 'https://docs.github.com/rest/deployments';

function answer(
  api: GitHubApi,
  req: IncomingMessage,
  raw: string,
  nextId: () => number,
): { status: number; body: object } {
  const path = new URL(req.url ?? '/', api.url).pathname;
  api.requests.push(`${req.method} ${path}`);
  const send = (status: number, body: object) => ({ status, body });
  const auth = req.headers.authorization ?? '';
  if (auth !== `token ${api.token}` && auth !== `Bearer ${api.token}`)
    return send(401, { message: 'Bad credentials', documentation_url: DOCS });
  const create = /^\/repos\/([^/]+\/[^/]+)\/deployments$/.exec(path);
  const status = /^\/repos\/([^/]+\/[^/]+)\/deployments\/(\d+)\/statuses$/.exec(path);
  if (req.method !== 'POST' || (!create && !status))
    return send(404, { message: 'Not Found', documentation_url: DOCS });
  if (!api.canWrite)
    return send(403, {
      message: 'Resource not accessible by integration',
      documentation_url: DOCS,
    });
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(raw || '{}');
  } catch {
    return send(400, { message: 'Problems parsing JSON', documentation_url: DOCS });
  }
  const invalid = (field: string, message: string) =>
    send(422, {
      message: 'Validation Failed',
      errors: [
        { resource: create ? 'Deployment' : 'DeploymentStatus', field, code: 'custom', message },
      ],
      documentation_url: DOCS,
    });
  if (create) {
    if (typeof body.ref !== 'string' || !body.ref) return invalid('ref', 'ref is missing');
    const environment = typeof body.environment === 'string' ? body.environment : 'production';
    const d: Deployment = {
      id: nextId(),
      repository: create[1]!,
      ref: body.ref,
      sha: body.ref,
      task: typeof body.task === 'string' ? body.task : 'deploy',
      environment,
      description: typeof body.description === 'string' ? body.description : null,
      payload: body.payload ?? {},
      transient_environment: body.transient_environment === true,
      // GitHub's default: true only for the environment named `production`.
      production_environment:
        typeof body.production_environment === 'boolean'
          ? body.production_environment
          : environment === 'production',
      request: body,
      statuses: [],
    };
    api.deployments.push(d);
    const { request: _r, statuses: _s, ...shown } = d;
    return send(201, { ...shown, url: `${api.url}${path}/${d.id}` });
  }
  const d = api.deployments.find((x) => x.id === Number(status![2]) && x.repository === status![1]);
  if (!d) return send(404, { message: 'Not Found', documentation_url: DOCS });
  if (typeof body.state !== 'string' || !STATES.includes(body.state))
    return invalid('state', `state is not included in the list`);
  const description = typeof body.description === 'string' ? body.description : '';
  if ([...description].length > 140)
    return invalid('description', 'description is too long (maximum is 140 characters)');
  const s: DeploymentStatus = {
    id: nextId(),
    state: body.state as StatusState,
    description,
    environment_url: typeof body.environment_url === 'string' ? body.environment_url : '',
    log_url: typeof body.log_url === 'string' ? body.log_url : '',
    environment: d.environment,
  };
  d.statuses.push(s);
  return send(201, { ...s, url: `${api.url}${path}/${s.id}` });
}
