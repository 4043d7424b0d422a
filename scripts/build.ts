// Builds dist/: index.js, the one entry that serves both the main and the post step, plus the
// chunks it loads on demand. `--check` builds in memory and fails when the committed dist/
// differs from the source (a changed, missing or extra file).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build } from 'esbuild';

const check = process.argv.includes('--check');
const outdir = 'dist';

const result = await build({
  entryPoints: ['src/index.ts'],
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  // Code only some runs need (credential providers other than the environment's, SSO, STS...)
  // goes into chunks that are loaded when used, so a start parses less.
  splitting: true,
  // Prefer the packages' ES modules: esbuild tree-shakes those, not CommonJS (the SDK clients
  // otherwise bring every command and schema of their service).
  mainFields: ['module', 'main'],
  minify: true,
  legalComments: 'none',
  write: false,
  outdir,
  // Some dependencies are CommonJS and require() Node's built-ins.
  banner: {
    js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
  },
  logLevel: 'warning',
  plugins: [
    {
      // The SDK's HTTP handler loads node:http with a dynamic import(), and Node answers that
      // with the ESM facade of node:http, which evaluates its lazy exports and so loads Node's
      // internal undici (~20 ms). A plain require() of the same module skips all of that.
      name: 'require-node-http',
      setup(b) {
        b.onLoad({ filter: /node-http-handler[\\/]dist-es[\\/]node-http-handler\.js$/ }, (args) => {
          const source = readFileSync(args.path, 'utf8');
          const patched = source.replace('await import("node:http")', 'require("node:http")');
          if (patched === source) throw new Error(`${args.path}: import("node:http") not found`);
          return { contents: patched, loader: 'js' };
        });
      },
    },
    {
      // The same for @actions/http-client's `import * as http from 'http'`: a namespace import
      // of node:http's ESM facade evaluates every export, undici included (~15 ms before the
      // first request); through require() it gets node:http's CommonJS exports as they are.
      name: 'require-http-in-http-client',
      setup(b) {
        b.onResolve({ filter: /^https?$/ }, (args) =>
          /@actions[\\/]http-client/.test(args.importer)
            ? { path: args.path, namespace: 'cjs-builtin' }
            : undefined,
        );
        b.onLoad({ filter: /.*/, namespace: 'cjs-builtin' }, (args) => ({
          contents: `module.exports = require('node:${args.path}');`,
          loader: 'js',
        }));
      },
    },
    {
      // @actions/http-client imports undici (400 kB) only for getAgentDispatcher (the proxy
      // dispatcher of octokit's fetch), which this action never calls; core.getIDToken, which
      // role-to-assume uses, goes through node:https. A stub keeps dist/ small.
      name: 'stub-undici',
      setup(b) {
        b.onResolve({ filter: /^undici$/ }, () => ({ path: 'undici', namespace: 'stub' }));
        b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
          contents:
            "export class ProxyAgent { constructor() { throw new Error('undici is not bundled'); } }",
          loader: 'js',
        }));
      },
    },
  ],
});

const built = new Map(result.outputFiles.map((f) => [basename(f.path), f.text]));
let committed: string[] = [];
try {
  committed = readdirSync(outdir);
} catch {}
const total = [...built.values()].reduce((n, text) => n + text.length, 0);

if (check) {
  const stale = [
    ...[...built].filter(([name, text]) => {
      try {
        return readFileSync(join(outdir, name), 'utf8') !== text;
      } catch {
        return true;
      }
    }),
  ].map(([name]) => name);
  const extra = committed.filter((name) => !built.has(name));
  if (stale.length || extra.length) {
    console.error(
      `dist/ does not match the source (${[...stale.map((n) => `changed or missing: ${n}`), ...extra.map((n) => `extra: ${n}`)].join('; ')}). Run \`npm run build\` and commit dist/.`,
    );
    process.exit(1);
  }
  console.log(`dist/ matches the source (${built.size} files, ${total} bytes).`);
} else {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  for (const [name, text] of built) writeFileSync(join(outdir, name), text);
  console.log(`wrote dist/ (${built.size} files, ${total} bytes)`);
}
