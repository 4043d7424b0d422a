// Renders the job summary of every outcome in test/fixtures/outcomes.ts as GitHub would show
// it, to look at: Markdown → HTML with cmark-gfm (GitHub's extensions) and github-markdown-css
// → PNG with headless Chromium. Output in .summaries/ (git-ignored). Needs Debian's
// `cmark-gfm` and `chromium`, so it does not run in CI; test/unit/summary.test.ts checks the
// facts there.
//
//   npm run summaries            every outcome
//   npm run summaries -- cancel  only outcomes whose name contains "cancel"
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderFleetSummary } from '../src/report/fleet.ts';
import { columnTimeline } from '../src/report/fleet-timeline.ts';
import { renderPostSummary } from '../src/report/post-summary.ts';
import { renderSummary } from '../src/report/summary.ts';
import { FLEET_OUTCOMES } from '../test/fixtures/fleet-outcomes.ts';
import { OUTCOMES } from '../test/fixtures/outcomes.ts';
import { POST_OUTCOMES } from '../test/fixtures/post-outcomes.ts';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const OUT = join(ROOT, '.summaries');
const CSS = readFileSync(
  join(ROOT, 'node_modules/github-markdown-css/github-markdown-light.css'),
  'utf8',
);
const CONTEXT = {
  serverUrl: 'https://github.com',
  repository: 'acme/orders',
  sha: '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b',
};

function toHtml(markdown: string): string {
  const body = execFileSync(
    'cmark-gfm',
    ['--unsafe', '-e', 'table', '-e', 'autolink', '-e', 'strikethrough', '-e', 'tagfilter'],
    { input: markdown, encoding: 'utf8' },
  );
  // The job summary page: a 1012 px wide column, GitHub's Markdown styles.
  return `<!doctype html><meta charset="utf-8"><style>${CSS}
body { margin: 0; background: #fff; }
.markdown-body { box-sizing: border-box; width: 1012px; padding: 24px 32px; }
</style><article class="markdown-body">${body}</article>`;
}

/** `height`: a guess from the Markdown's line count (a table row is about 40 px). */
function screenshot(html: string, png: string, height: number): void {
  const profile = mkdtempSync(join(tmpdir(), 'summaries-chromium-'));
  try {
    execFileSync(
      'chromium',
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--hide-scrollbars',
        `--user-data-dir=${profile}`,
        `--screenshot=${png}`,
        `--window-size=1012,${height}`,
        `file://${html}`,
      ],
      { stdio: 'ignore', timeout: 60_000 },
    );
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

const only = process.argv[2];
mkdirSync(OUT, { recursive: true });
const rendered = [
  ...Object.entries(OUTCOMES).map(([name, r]) => [name, renderSummary(r, CONTEXT)] as const),
  // The post step's own summary, written when main ended without one.
  ...Object.entries(POST_OUTCOMES).map(([name, r]) => [name, renderPostSummary(r)] as const),
  // A release of several functions.
  ...Object.entries(FLEET_OUTCOMES).map(
    ([name, f]) => [name, renderFleetSummary(f, CONTEXT)] as const,
  ),
  // The timeline layout not chosen, to compare (src/report/fleet-timeline.ts says why).
  ...Object.entries(FLEET_OUTCOMES).map(
    ([name, f]) => [`${name}-columns`, columnTimeline(f).join('\n\n') || 'no traffic'] as const,
  ),
];
for (const [name, markdown] of rendered) {
  if (only && !name.includes(only)) continue;
  writeFileSync(join(OUT, `${name}.md`), markdown);
  // The details open, so that the picture shows what a reader sees on a click too.
  const html = toHtml(markdown).replaceAll('<details>', '<details open>');
  const file = join(OUT, `${name}.html`);
  writeFileSync(file, html);
  screenshot(file, join(OUT, `${name}.png`), 120 + markdown.split('\n').length * 34);
  console.log(`${name}: .summaries/${name}.png`);
}
