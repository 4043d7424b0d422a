// Builds dist/index.js, the one bundle that serves both the main and the post step.
// `--check` builds in memory and fails when the committed dist/ differs from the source.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const check = process.argv.includes('--check');
const outfile = 'dist/index.js';

const result = await build({
  entryPoints: ['src/index.ts'],
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  minify: true,
  legalComments: 'none',
  write: false,
  outfile,
  // Some SDK dependencies are CommonJS and require() node built-ins.
  banner: {
    js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
  },
  logLevel: 'warning',
  plugins: [
    {
      // @actions/http-client imports undici (400 kB) only for the proxy dispatcher of
      // core.getIDToken, which this action never calls. A stub keeps dist/ small.
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
const code = result.outputFiles[0]!.text;

if (check) {
  let committed = '';
  try {
    committed = readFileSync(outfile, 'utf8');
  } catch {}
  if (committed !== code) {
    console.error(`${outfile} does not match the source. Run \`npm run build\` and commit dist/.`);
    process.exit(1);
  }
  console.log(`${outfile} matches the source (${code.length} bytes).`);
} else {
  mkdirSync('dist', { recursive: true });
  writeFileSync(outfile, code);
  console.log(`wrote ${outfile} (${code.length} bytes)`);
}
