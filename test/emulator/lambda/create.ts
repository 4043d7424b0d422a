// CreateFunction (POST /2015-03-31/functions): the request's checks and the new function,
// Pending until it is ready
// (docs/aws-semantics.md#readiness-createfunction-snapstart-and-failed-updates).
import { isRecord, uuid } from '../util.ts';
import { applySettings, checkSettings, defaultSettings } from './config.ts';
import { invalidParam, validation } from './errors.ts';
import {
  type CodeState,
  DEFAULT_CREATE_PENDING_MS,
  type FunctionRecord,
  type LambdaModel,
  type PackageType,
} from './model.ts';
import { checkCreateRuntime } from './runtimes.ts';
import { latestConfig, versionConfig } from './shapes.ts';

const NAME = /^[a-zA-Z0-9-_]{1,64}$/;

function packageOf(body: Record<string, unknown>, code: Record<string, unknown>): PackageType {
  const type = body['PackageType'] ?? 'Zip';
  if (type !== 'Zip' && type !== 'Image')
    throw validation(
      String(type),
      'packageType',
      'Member must satisfy enum value set: [Zip, Image]',
    );
  if (type === 'Image' && code['ImageUri'] == null)
    throw invalidParam('Please provide ImageUri when creating a function with packageType Image.');
  if (type === 'Zip' && code['ImageUri'] != null)
    throw invalidParam('Please provide PackageType Image when creating a function from ImageUri.');
  if (
    type === 'Zip' &&
    (typeof body['Runtime'] !== 'string' || typeof body['Handler'] !== 'string')
  )
    throw invalidParam(
      'Runtime and Handler are mandatory parameters for functions created with deployment packages.',
    );
  return type;
}

function architecturesOf(body: Record<string, unknown>): string[] {
  const arch = body['Architectures'];
  if (arch === undefined) return ['x86_64'];
  if (!Array.isArray(arch) || arch.length !== 1 || (arch[0] !== 'x86_64' && arch[0] !== 'arm64'))
    throw validation(
      JSON.stringify(arch),
      'architectures',
      'Member must have length less than or equal to 1',
    );
  return [arch[0]];
}

/** Checks the request, adds the function (Pending) and answers its FunctionConfiguration. */
export function createFunction(
  m: LambdaModel,
  body: Record<string, unknown>,
  codeFromBody: (code: Record<string, unknown>) => CodeState,
): Record<string, unknown> {
  const name = body['FunctionName'];
  if (typeof name !== 'string' || !NAME.test(name))
    throw validation(
      String(name),
      'functionName',
      'Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+',
    );
  if (typeof body['Role'] !== 'string') throw validation('null', 'role', 'Member must not be null');
  const code = isRecord(body['Code']) ? body['Code'] : undefined;
  if (!code) throw validation('null', 'code', 'Member must not be null');
  const packageType = packageOf(body, code);
  checkSettings(body, m.region);
  if (packageType === 'Zip') checkCreateRuntime(body['Runtime'], m.now());
  const now = m.now();
  const fn: FunctionRecord = {
    name,
    packageType,
    latest: {
      code: codeFromBody(code),
      revisionId: uuid(),
      lastModified: now,
      lastUpdateStatus: 'Successful',
      description: typeof body['Description'] === 'string' ? body['Description'] : '',
      role: body['Role'],
      architectures: architecturesOf(body),
      settings: defaultSettings(),
      state: 'Pending',
      activeAt: now,
    },
    versions: [],
    nextVersion: 1,
    aliases: new Map(),
    behaviour: {},
    invocations: [],
  };
  applySettings(fn.latest.settings, body);
  m.addFunction(fn);
  fn.behaviour = m.pendingBehaviour(name);
  fn.latest.activeAt = now + (fn.behaviour.createPendingMs ?? DEFAULT_CREATE_PENDING_MS);
  if (body['Publish'] === true) {
    const v = m.newVersion(fn, now, fn.latest.description, fn.latest.revisionId);
    v.activeAt = Math.max(v.activeAt, fn.latest.activeAt);
    v.active = false;
    return versionConfig(m, fn, v);
  }
  return latestConfig(m, fn);
}
