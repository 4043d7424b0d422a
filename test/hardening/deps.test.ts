// scripts/check-deps.ts: the production dependency tree is what package.json names and what
// that pulls in (per the committed package-lock.json), one copy of each SDK package, and the
// bundle draws on nothing else. Synthetic trees prove each check fires; the real tree passes.
import { describe, expect, it } from 'vitest';
import {
  allowedFromLock,
  checkBundled,
  checkDeclared,
  checkInstalled,
  type Lockfile,
  type LsNode,
  main,
  packageOf,
  resolveIn,
} from '../../scripts/check-deps.ts';

const LOCK: Lockfile = {
  lockfileVersion: 3,
  packages: {
    '': {
      dependencies: { '@aws-sdk/client-lambda': '1.0.0', '@actions/core': '3.0.1' },
      devDependencies: { vitest: '5.0.0' },
    } as Lockfile['packages'][string],
    'node_modules/@aws-sdk/client-lambda': {
      version: '1.0.0',
      dependencies: { '@smithy/core': '^3.0.0', tslib: '^2' },
      optionalDependencies: { 'fsevents-like': '1' },
    },
    'node_modules/@smithy/core': { version: '3.1.0', dependencies: { tslib: '^2' } },
    'node_modules/tslib': { version: '2.8.0' },
    'node_modules/@actions/core': {
      version: '3.0.1',
      dependencies: { '@actions/http-client': '4' },
    },
    'node_modules/@actions/http-client': { version: '4.0.1' },
    // A nested copy that only a dev dependency uses.
    'node_modules/vitest': { version: '5.0.0', dependencies: { '@actions/http-client': '3' } },
    'node_modules/vitest/node_modules/@actions/http-client': { version: '3.0.2' },
  },
};

const ROOT = '/repo';
const node = (name: string, version: string, location: string, deps: LsNode[] = []): LsNode => ({
  name,
  version,
  path: `${ROOT}/${location}`,
  dependencies: Object.fromEntries(deps.map((d) => [d.name!, d])),
});

function goodTree(): LsNode {
  return {
    dependencies: {
      '@aws-sdk/client-lambda': node(
        '@aws-sdk/client-lambda',
        '1.0.0',
        'node_modules/@aws-sdk/client-lambda',
        [
          node('@smithy/core', '3.1.0', 'node_modules/@smithy/core', [
            node('tslib', '2.8.0', 'node_modules/tslib'),
          ]),
          node('tslib', '2.8.0', 'node_modules/tslib'),
        ],
      ),
      '@actions/core': node('@actions/core', '3.0.1', 'node_modules/@actions/core', [
        node('@actions/http-client', '4.0.1', 'node_modules/@actions/http-client'),
      ]),
    },
  };
}

describe('check-deps', () => {
  it('resolves like Node: the nearest node_modules up the tree', () => {
    expect(resolveIn(LOCK.packages, 'node_modules/vitest', '@actions/http-client')).toBe(
      'node_modules/vitest/node_modules/@actions/http-client',
    );
    expect(resolveIn(LOCK.packages, 'node_modules/@actions/core', '@actions/http-client')).toBe(
      'node_modules/@actions/http-client',
    );
    expect(resolveIn(LOCK.packages, '', 'nothing')).toBeUndefined();
  });

  it('allows what package.json dependencies pull in, not the dev tree', () => {
    const { allowed, problems } = allowedFromLock(LOCK);
    expect(problems).toEqual([]); // the optional one may be absent
    expect([...allowed.keys()].sort()).toEqual([
      'node_modules/@actions/core',
      'node_modules/@actions/http-client',
      'node_modules/@aws-sdk/client-lambda',
      'node_modules/@smithy/core',
      'node_modules/tslib',
    ]);
  });

  it('says when the lockfile cannot resolve a dependency', () => {
    const lock = structuredClone(LOCK);
    delete lock.packages['node_modules/tslib'];
    expect(allowedFromLock(lock).problems).toEqual([
      'node_modules/@aws-sdk/client-lambda needs tslib, which package-lock.json does not hold',
      'node_modules/@smithy/core needs tslib, which package-lock.json does not hold',
    ]);
  });

  it('package.json may name only the declared production dependencies', () => {
    expect(
      checkDeclared({ dependencies: { '@actions/core': '3', '@aws-sdk/client-lambda': '3' } }),
    ).toEqual([]);
    expect(checkDeclared({ dependencies: { '@actions/core': '3', 'left-pad': '1' } })).toEqual([
      expect.stringMatching(
        /^package\.json dependencies names left-pad; only @actions\/core, @actions\/github, @aws-sdk\/client-codedeploy, @aws-sdk\/client-lambda, @aws-sdk\/client-s3, @aws-sdk\/client-sts, @aws-sdk\/client-cloudwatch, yaml may be/,
      ),
    ]);
  });

  it('the installed tree passes when it is the lockfile graph', () => {
    const { allowed } = allowedFromLock(LOCK);
    expect(checkInstalled(goodTree(), ROOT, allowed)).toEqual({
      problems: [],
      count: 5,
      sdkPackages: 2,
    });
  });

  it('a production package outside the graph fails', () => {
    const { allowed } = allowedFromLock(LOCK);
    const tree = goodTree();
    tree.dependencies!['@actions/core']!.dependencies!['evil'] = node(
      'evil',
      '6.6.6',
      'node_modules/evil',
    );
    expect(checkInstalled(tree, ROOT, allowed).problems).toEqual([
      'node_modules/evil (evil@6.6.6) is installed for production but is not reachable from package.json dependencies in package-lock.json',
    ]);
  });

  it('a version other than the lockfile’s fails, and so does an extraneous package', () => {
    const { allowed } = allowedFromLock(LOCK);
    const tree = goodTree();
    tree.dependencies!['@actions/core']!.dependencies!['@actions/http-client']!.version = '4.0.2';
    tree.dependencies!['@actions/core']!.dependencies!['@actions/http-client']!.extraneous = true;
    expect(checkInstalled(tree, ROOT, allowed).problems).toEqual([
      'node_modules/@actions/http-client (@actions/http-client@4.0.2) is extraneous: not in package-lock.json',
      'node_modules/@actions/http-client is @actions/http-client@4.0.2, but package-lock.json has 4.0.1',
    ]);
  });

  it('two versions of an SDK core package fail', () => {
    const lock = structuredClone(LOCK);
    lock.packages['node_modules/@aws-sdk/client-lambda/node_modules/@smithy/core'] = {
      version: '3.0.9',
    };
    lock.packages['node_modules/@actions/core']!.dependencies!['@smithy/core'] = '^3.1.0';
    const { allowed } = allowedFromLock(lock);
    const tree = goodTree();
    tree.dependencies!['@aws-sdk/client-lambda']!.dependencies!['@smithy/core'] = node(
      '@smithy/core',
      '3.0.9',
      'node_modules/@aws-sdk/client-lambda/node_modules/@smithy/core',
    );
    // The hoisted copy stays, for @actions/core: both are installed, both in the lockfile.
    tree.dependencies!['@actions/core']!.dependencies!['@smithy/core'] = node(
      '@smithy/core',
      '3.1.0',
      'node_modules/@smithy/core',
    );
    expect(checkInstalled(tree, ROOT, allowed).problems).toEqual([
      "@smithy/core is installed in 2 versions (3.0.9, 3.1.0); the AWS SDK's packages must be one copy each",
    ]);
  });

  it('the bundle may draw only on allowed packages', () => {
    const { allowed } = allowedFromLock(LOCK);
    expect(packageOf('node_modules/@smithy/core/dist-es/index.js')).toBe(
      'node_modules/@smithy/core',
    );
    expect(packageOf('node_modules/a/node_modules/b/x.js')).toBe('node_modules/a/node_modules/b');
    expect(packageOf('src/index.ts')).toBeUndefined();
    const ok = checkBundled(['src/index.ts', 'node_modules/tslib/tslib.es6.mjs'], allowed);
    expect(ok.problems).toEqual([]);
    const bad = checkBundled(['node_modules/vitest/dist/index.js'], allowed);
    expect(bad.problems).toEqual([
      'the bundle (src/index.ts) includes node_modules/vitest, which is not a production dependency: name it in package.json dependencies or stop importing it from src/',
    ]);
  });

  it('the real tree passes', async () => {
    const logs: string[] = [];
    const log = console.log;
    console.log = (m: string) => logs.push(m);
    try {
      expect(await main()).toBe(0);
    } finally {
      console.log = log;
    }
    expect(logs).toEqual([
      expect.stringMatching(/^check-deps: OK: 8 declared dependencies, \d+ production packages/),
    ]);
  }, 30_000);
});
