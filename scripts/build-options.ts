// The bundle's esbuild options, shared by `npm run build` and the bench's reference bundle.
import { readFileSync } from 'node:fs';
import type { BuildOptions } from 'esbuild';

export function bundleOptions(entry: string, outdir: string): BuildOptions {
  return {
    entryPoints: [entry],
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
    logLevel: 'warning',
    plugins: [
      {
        // The SDK's HTTP handler loads node:http with a dynamic import(), and Node answers that
        // with the ESM facade of node:http, which evaluates its lazy exports and so loads Node's
        // internal undici (~20 ms). A plain require() of the same module skips all of that.
        name: 'require-node-http',
        setup(b) {
          b.onLoad(
            { filter: /node-http-handler[\\/]dist-es[\\/]node-http-handler\.js$/ },
            (args) => {
              const source = readFileSync(args.path, 'utf8');
              const patched = source.replace('await import("node:http")', 'require("node:http")');
              if (patched === source)
                throw new Error(`${args.path}: import("node:http") not found`);
              return { contents: patched, loader: 'js' };
            },
          );
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
        // @actions/core imports its OIDC client, and so @actions/http-client, for getIDToken
        // alone, which only role-to-assume calls. A stand-in loads it then.
        name: 'lazy-oidc',
        setup(b) {
          b.onResolve({ filter: /^\.\/oidc-utils\.js$/ }, (args) =>
            args.namespace === 'lazy-oidc' || !/@actions[\\/]core/.test(args.importer)
              ? undefined
              : {
                  // A path without the checkout's folder: chunk names hash it, and dist/ must
                  // come out the same in any clone.
                  path: '@actions/core/lib/oidc-utils.js',
                  namespace: 'lazy-oidc',
                  pluginData: args.resolveDir,
                },
          );
          b.onLoad({ filter: /.*/, namespace: 'lazy-oidc' }, (args) => ({
            contents: `export class OidcClient {
  static async getIDToken(audience) {
    const { OidcClient } = await import('./oidc-utils.js');
    return OidcClient.getIDToken(audience);
  }
}`,
            loader: 'js',
            resolveDir: args.pluginData,
          }));
        },
      },
      {
        // @actions/http-client imports tunnel (and so node:assert) only for a proxy's agent, which
        // core.getIDToken needs behind a proxy. A stand-in loads tunnel when one is made.
        name: 'lazy-tunnel',
        setup(b) {
          b.onResolve({ filter: /^tunnel$/ }, (args) =>
            args.namespace === 'lazy-tunnel'
              ? undefined
              : { path: 'tunnel', namespace: 'lazy-tunnel', pluginData: args.resolveDir },
          );
          b.onLoad({ filter: /.*/, namespace: 'lazy-tunnel' }, (args) => ({
            contents: ['httpOverHttp', 'httpsOverHttp', 'httpOverHttps', 'httpsOverHttps']
              .map((f) => `exports.${f} = (options) => require('tunnel').${f}(options);`)
              .join('\n'),
            loader: 'js',
            resolveDir: args.pluginData,
          }));
        },
      },
      {
        // @actions/http-client imports undici (400 kB) only for getAgentDispatcher (the proxy
        // dispatcher of octokit's fetch), and @actions/github for its fetch; core.getIDToken,
        // which role-to-assume uses, goes through node:https. A stub keeps dist/ small: fetch is
        // Node's own (the same undici), and a proxy for GitHub API calls is refused by name.
        name: 'stub-undici',
        setup(b) {
          b.onResolve({ filter: /^undici$/ }, () => ({ path: 'undici', namespace: 'stub' }));
          b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
            contents: [
              "export class ProxyAgent { constructor() { throw new Error('GitHub API calls through a proxy (https_proxy) are not supported: undici is not bundled'); } }",
              'export const fetch = (url, options) => globalThis.fetch(url, options);',
            ].join('\n'),
            loader: 'js',
          }));
        },
      },
    ],
  };
}

// Some dependencies are CommonJS and require() Node's built-ins: the files that say `require`
// get one. Only those: createRequire and import.meta cost each module at start-up.
const REQUIRE =
  "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);\n";
export const withRequire = (text: string) => (/\brequire\b/.test(text) ? REQUIRE + text : text);
