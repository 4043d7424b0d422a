// Security properties of the committed bundle, run as the runner runs it (test/e2e/runner.ts)
// against the emulator as its own process:
// (a) credentials and session tokens never reach the log, the annotations, the outputs, the
//     saved state or the job summary;
// (b) text from inputs and from AWS cannot inject workflow commands into the log, nor HTML,
//     links or table breaks into the summary;
// (c) no shell or other child process is ever started.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alarmsIn } from '../../src/release/outcome.ts';
import {
  type EmulatorProcess,
  NODE,
  ORDERS_INPUTS,
  runStep,
  type StepRun,
  seedOrders,
  startEmulatorProcess,
} from '../e2e/runner.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TRAP = path.join(import.meta.dirname, 'fixtures/trap-child-process.cjs');

let proc: EmulatorProcess;
let workspace: string;
beforeAll(async () => {
  proc = await startEmulatorProcess(120);
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'security-'));
  fs.mkdirSync(path.join(workspace, 'code'));
  fs.writeFileSync(path.join(workspace, 'code', 'index.js'), 'exports.handler = async () => 2;\n');
});
afterAll(async () => {
  await proc?.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});
beforeEach(async () => {
  await proc.reset();
  await seedOrders(proc, 1, 'v1');
});

const BASE = { ...ORDERS_INPUTS, 'code-dir': 'code', strategy: 'AllAtOnce' };

/** Fake, but shaped like the real thing; each is distinctive enough to find in any output. */
const SECRETS = {
  AWS_ACCESS_KEY_ID: 'AKIAHARDENING0FAKE01',
  // Nothing in common with the runner's fake GITHUB_SHA, which the summary's commit link shows.
  AWS_SECRET_ACCESS_KEY: 'hardening+Fake/Secret=KeyQwErTyUiOpZxCvXYZ',
  AWS_SESSION_TOKEN:
    'IQoJb3JpZ2luX2VjEHardeningFakeSessionToken0123456789//////////wEaCXVzLWVhc3QtMSJH',
};

interface Steps {
  main: StepRun;
  post: StepRun;
  /** What the child-process trap recorded in both steps. */
  trapped: string;
}

/** Main, then the post step with main's state, as the runner runs them; secrets in env. */
async function steps(inputs: Record<string, string>): Promise<Steps> {
  const trapLog = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'trap-')), 'calls');
  fs.writeFileSync(trapLog, '');
  const env = {
    ...SECRETS,
    // Debug logging on, as with "Re-run jobs with debug logging": the most the log ever holds.
    RUNNER_DEBUG: '1',
    NODE_OPTIONS: `--require=${TRAP}`,
    CHILD_PROCESS_TRAP_LOG: trapLog,
  };
  const main = await runStep({ emulatorUrl: proc.url, workspace, inputs, env });
  const post = await runStep({ emulatorUrl: proc.url, workspace, inputs, env, state: main.state });
  return { main, post, trapped: fs.readFileSync(trapLog, 'utf8') };
}

/** Everything the runner keeps from a step, as text. */
function everything(s: Steps): string {
  return [s.main, s.post]
    .flatMap((r) => [r.stdout, JSON.stringify(r.outputs), JSON.stringify(r.state), r.summary])
    .join('\n');
}

function expectNoSecrets(text: string) {
  for (const [name, secret] of Object.entries(SECRETS)) {
    // Not the value, nor any 12-character piece of it (a truncated or split leak).
    for (let i = 0; i + 12 <= secret.length; i++) {
      const piece = secret.slice(i, i + 12);
      if (text.includes(piece)) throw new Error(`${name} leaked: ${JSON.stringify(piece)}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------

describe('(a) credentials never appear in any output', () => {
  it('a successful release', async () => {
    const s = await steps(BASE);
    expect(s.main.exitCode).toBe(0);
    expect(s.main.outputs.status).toBe('succeeded');
    expectNoSecrets(everything(s));
    expect(s.trapped).toBe('');
  });

  it('a failing hook, rolled back', async () => {
    await proc.setHook('CodeDeployHook_check', { result: 'Failed' });
    const s = await steps({ ...BASE, 'after-traffic-hook': 'CodeDeployHook_check' });
    expect(s.main.exitCode).toBe(1);
    expect(s.main.outputs).toMatchObject({ status: 'failed', 'rolled-back': 'true' });
    expect(s.main.summary).toContain('HOOK_EXECUTION_FAILURE');
    expectNoSecrets(everything(s));
    expect(s.trapped).toBe('');
  });

  it('bad input', async () => {
    const s = await steps({ ...BASE, alias: '$LATEST' });
    expect(s.main.exitCode).toBe(1);
    expect(s.main.stdout).toMatch(
      /::error::Not started — invalid input\. INVALID_INPUT: Invalid input: `alias`/,
    );
    expectNoSecrets(everything(s));
    expect(s.trapped).toBe('');
  });

  it('the check itself finds a leak', () => {
    expect(() => expectNoSecrets(`key ${SECRETS.AWS_SECRET_ACCESS_KEY.slice(5, 20)}…`)).toThrow(
      /AWS_SECRET_ACCESS_KEY leaked/,
    );
  });
});

// ---------------------------------------------------------------------------------------------

/** Workflow commands the action itself issues (through @actions/core). */
const OWN_COMMANDS = new Set(['error', 'warning', 'notice', 'debug', 'group', 'endgroup']);

/**
 * The runner reads a line as a command when its trimmed text starts with `::` (and, the
 * legacy form, when it holds `##[` anywhere, unless it already is a `::` command). Every
 * command in the log must be one the action issues itself, and none may carry injected text
 * as its own command.
 */
function expectNoInjectedCommands(stdout: string) {
  for (const line of stdout.split('\n')) {
    const command = /^\s*::([^\s:]*)/.exec(line)?.[1];
    if (command !== undefined) {
      expect(OWN_COMMANDS, line).toContain(command);
      // The text of our own command never starts another one.
      const data = /^\s*::[^:]*::(.*)$/.exec(line)?.[1] ?? '';
      expect(data, line).not.toMatch(/^\s*(::|##\[)/);
    } else {
      expect(line, 'legacy ##[command] in a plain log line').not.toContain('##[');
    }
  }
}

/** CommonMark code spans: backtick runs of equal length; the text between them is literal. */
function withoutCodeSpans(line: string): string {
  let out = '';
  let i = 0;
  while (i < line.length) {
    if (line[i] === '\\') {
      out += line.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (line[i] !== '`') {
      out += line[i];
      i++;
      continue;
    }
    const run = /^`+/.exec(line.slice(i))![0];
    const close = line.indexOf(run, i + run.length);
    // The closing run must be exactly as long (not part of a longer run).
    let end = close;
    while (end >= 0 && (line[end + run.length] === '`' || line[end - 1] === '`')) {
      end = line.indexOf(run, end + 1);
    }
    if (end < 0) {
      out += run;
      i += run.length;
      continue;
    }
    out += '`CODE`';
    i = end + run.length;
  }
  return out;
}

/**
 * The summary renders the injected text as text: outside code spans (whose content GitHub
 * shows literally) there is no HTML tag but `<code>` and the details fold, no link or emphasis from the input, no
 * block construct, and every table row has as many cells as its header.
 */
function expectSafeSummary(summary: string) {
  const lines = summary.split('\n');
  let inFence = false;
  let header: number | undefined;
  for (const line of lines) {
    if (/^```/.test(line)) inFence = !inFence;
    if (inFence) continue;
    const prose = withoutCodeSpans(line);
    // The renderer's own tags: <code> and the fold of the details, each exactly as it writes it.
    const tags = prose
      .replace(/<\/?code>/g, '')
      .replace(/^<details><summary>Details<\/summary>$|^<\/details>$/, '')
      .match(/<[A-Za-z/!?]/g);
    expect(tags, line).toBeNull();
    expect(prose, line).not.toMatch(/<script/i);
    expect(prose, line).not.toMatch(/(?<!\\)\[[^\]]*(?<!\\)\]\(https?:\/\/evil/);
    expect(prose, line).not.toMatch(/(?<!\\)\*\*bold(?<!\\)\*\*/);
    expect(line, line).not.toMatch(/^\s*(::|##\[|#+ ?PWN|PWN)/);
    // Tables: cells are separated by pipes not escaped by a backslash, code spans included
    // (GitHub splits a table row on them even there).
    if (line.startsWith('|')) {
      const cells = line.match(/(?<!\\)\|/g)!.length;
      header ??= cells;
      expect(cells, line).toBe(header);
    } else header = undefined;
  }
}

const DESCRIPTION = [
  'PWN-DESC **bold** _em_ <script>alert(1)</script> <img src=x onerror=alert(1)>',
  '| a | b | [x](https://evil.example) `tick` $x$ ~~s~~',
  '::set-output name=status::hacked',
  '::error::PWN-DESC-CMD',
  '##[error]PWN-DESC-LEGACY',
  '::add-mask::PWN',
].join('\n');

const ALARMS = [
  'PWN-ALARM-1 <script>alert(1)</script>',
  'PWN-ALARM-2|a|b|',
  '::set-output name=status::hacked',
  '::error::PWN-ALARM-4',
  '##[error]PWN-ALARM-5 **bold** [x](https://evil.example)',
  '# PWN-ALARM-6 `tick` _em_',
];

describe('(b) text from inputs and AWS cannot inject commands, HTML or table breaks', () => {
  it('the injection payloads are inputs the action accepts', () => {
    expect(DESCRIPTION.length).toBeLessThanOrEqual(256);
    expect(ALARMS.every((a) => !/[,\n]/.test(a))).toBe(true);
  });

  it('a description full of Markdown, HTML and workflow commands, in a dry run (plan in log and summary)', async () => {
    const s = await steps({ ...BASE, 'version-description': DESCRIPTION, 'dry-run': 'true' });
    expect(s.main.exitCode).toBe(0);
    expect(s.main.outputs.status).toBe('planned');
    // The text went through: into the log and the summary.
    expect(s.main.stdout).toContain('PWN-DESC-CMD');
    expect(s.main.summary).toContain('PWN-DESC-LEGACY');
    expectNoInjectedCommands(s.main.stdout);
    expectNoInjectedCommands(s.post.stdout);
    expectSafeSummary(s.main.summary);
    expect(s.trapped).toBe('');
  });

  it('the same description and alarm names full of it, firing: the version, the stop, the annotation and the summary', async () => {
    for (const a of ALARMS) await proc.setAlarm(a, 'ALARM');
    const s = await steps({
      ...BASE,
      'version-description': DESCRIPTION,
      alarms: ALARMS.join('\n'),
    });
    expect(s.main.exitCode).toBe(1);
    expect(s.main.outputs.status).toBe('stopped');
    // CodeDeploy stopped it on those alarms, and the action said so.
    expect(s.main.summary).toContain('`ALARM_ACTIVE`');
    expect(s.main.summary).toContain('PWN-ALARM-2');
    expect(s.main.stdout).toMatch(/^::error::.*ALARM_ACTIVE.*PWN-ALARM-4/m);
    // The description reached Lambda as given (it is data there, not markup).
    const versions = await proc.versions('orders');
    expect(versions.at(-1)!.description).toBe(DESCRIPTION);
    expectNoInjectedCommands(s.main.stdout);
    expectNoInjectedCommands(s.post.stdout);
    expectSafeSummary(s.main.summary);
    expect(s.trapped).toBe('');
  });

  // CloudWatch allows any UTF-8 but control characters in a name, so `<`, `>` and spaces can
  // sit inside the angle brackets of CodeDeploy's message: the names we know are matched whole.
  it('an alarm name holding `>` is named whole among the alarms that fired', () => {
    const fired = [ALARMS[0]!, ALARMS[1]!];
    const message = `One or more alarms have been activated according to the Amazon CloudWatch metrics you selected, and the affected deployments have been stopped. Activated alarms: ${fired.map((a) => `<${a}>`).join(' ')}`;
    expect(alarmsIn(message, ALARMS)).toEqual(fired);
    // Unknown names still come out of the brackets as well as they can.
    expect(alarmsIn('Activated alarms: <a-b> <c d>')).toEqual(['a-b', 'c d']);
  });

  it('a hook whose (valid) name is Markdown emphasis fails: shown as a name, not as markup', async () => {
    await proc.setHook('CodeDeployHook__pwn__', { result: 'Failed' });
    const s = await steps({ ...BASE, 'after-traffic-hook': 'CodeDeployHook__pwn__' });
    expect(s.main.exitCode).toBe(1);
    expect(s.main.summary).toContain('`CodeDeployHook__pwn__`');
    // Outside code spans and link destinations (a console URL naming the hook's log group,
    // where Markdown knows no emphasis).
    const prose = withoutCodeSpans(s.main.summary).replace(/\]\(https:\/\/[^)\s]*\)/g, ']()');
    expect(prose).not.toMatch(/(?<!\\)__pwn(?<!\\)__/);
    expectNoInjectedCommands(s.main.stdout);
    expectSafeSummary(s.main.summary);
  });

  it('a hook name full of workflow commands is refused as bad input, in one annotation line', async () => {
    const s = await steps({
      ...BASE,
      'before-traffic-hook': 'x\n::set-output name=status::hacked\n##[error]PWN-HOOK\n::error::PWN',
    });
    expect(s.main.exitCode).toBe(1);
    const commands = s.main.stdout.split('\n').filter((l) => /^\s*::/.test(l));
    expect(commands).toHaveLength(1);
    expect(commands[0]).toMatch(
      /^::error::Not started — invalid input\. INVALID_INPUT: Invalid input: `before-traffic-hook`/,
    );
    expectNoInjectedCommands(s.main.stdout);
    expect(await proc.calls()).toEqual([]);
  });

  it('the checks themselves catch what they look for', () => {
    expect(() => expectNoInjectedCommands('::set-output name=status::hacked')).toThrow();
    expect(() => expectNoInjectedCommands('plan: ##[error]x')).toThrow();
    expect(() => expectNoInjectedCommands('::error::::add-mask::x')).toThrow();
    expect(() =>
      expectNoInjectedCommands('::error::fired: ::add-mask::x ##[error]y'),
    ).not.toThrow();
    expect(() => expectSafeSummary('- alarm <script>alert(1)</script>')).toThrow();
    expect(() => expectSafeSummary('| a | b |\n|---|---|\n| x | `a|b` |')).toThrow();
    expect(() => expectSafeSummary('see [x](https://evil.example)')).toThrow();
    expect(() => expectSafeSummary('a **bold** b')).toThrow();
    expect(() => expectSafeSummary('| a | b |\n|---|---|\n| `<script>` | a\\|b |')).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------

function listFiles(dir: string, ext: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext))
    .map((e) => path.join(e.parentPath, e.name));
}

/** The one module of src/ that may start worker threads: the zip's (issue #21). */
const WORKER_MODULE = 'src/release/zip-workers.ts';

describe('(c) no shell, no child process', () => {
  it('src/ never imports child_process nor calls spawn/exec/fork; every .exec( is RegExp.prototype.exec', () => {
    const files = listFiles(path.join(ROOT, 'src'), '.ts');
    expect(files.length).toBeGreaterThan(10);
    const found: string[] = [];
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const rel = path.relative(ROOT, file);
      // One exception: the zip's worker threads (issue #21), checked below to run only the
      // code of their own module, never a string from outside.
      const allowed = rel === WORKER_MODULE ? /worker_threads/g : /$^/g;
      if (
        /child_process|process\.binding|worker_threads|node:cluster/.test(text.replace(allowed, ''))
      )
        found.push(`${rel}: child_process / process.binding / worker_threads / cluster`);
      for (const m of text.matchAll(
        /(?<![.\w$])(spawn|spawnSync|exec|execSync|execFile|execFileSync|fork)\s*\(/g,
      ))
        found.push(`${rel}: ${m[0]}`);
      for (const m of text.matchAll(
        /\.\s*(spawn|spawnSync|execSync|execFile|execFileSync|fork)\s*\(/g,
      ))
        found.push(`${rel}: ${m[0]}`);
      // `.exec(` is allowed on a regular expression only: a literal, or a constant that is one.
      for (const m of text.matchAll(/([\w$]+|\/[dgimsuyv]*)\s*\.\s*exec\s*\(/g)) {
        const receiver = m[1]!;
        if (receiver.startsWith('/')) continue;
        const isRegex = new RegExp(
          `(?:const|let)\\s+${receiver}\\s*(?::\\s*RegExp\\s*)?=\\s*(?:/|new RegExp\\()`,
        ).test(text);
        if (!isRegex) found.push(`${rel}: ${receiver}.exec( (not a RegExp)`);
      }
    }
    expect(found).toEqual([]);
  });

  it("the zip's workers run their own module's function, nothing else", () => {
    const text = fs.readFileSync(path.join(ROOT, WORKER_MODULE), 'utf8');
    const workers = [...text.matchAll(/new Worker\(([^,)]*)/g)].map((m) => m[1]);
    expect(workers).toEqual(['WORKER_SOURCE']);
    // The worker's source: its main, given the listing, the packer, the header writers and the
    // deflate, which come from the zip's own modules.
    expect(text).toMatch(
      /const WORKER_SOURCE = `\(\$\{workerMain\.toString\(\)\}\)\(\$\{listTree\.toString\(\)\}, \$\{packer\.toString\(\)\}, \$\{writers\.toString\(\)\}, \$\{makeDeflater\.toString\(\)\}\)`;/,
    );
    expect(text).toMatch(/import \{ deflater as makeDeflater \} from '\.\/zip-deflate\.ts';/);
    expect(text).toMatch(/import \{ headerWriters as writers \} from '\.\/zip-format\.ts';/);
    expect(text).toMatch(/import \{ type Listing, listTree \} from '\.\/zip-list\.ts';/);
    expect(text).toMatch(/import \{[^}]*\bpacker\b[^}]*\} from '\.\/zip-pack\.ts';/);
    const elsewhere = listFiles(path.join(ROOT, 'src'), '.ts').filter(
      (f) =>
        path.relative(ROOT, f) !== WORKER_MODULE && /new Worker\(/.test(fs.readFileSync(f, 'utf8')),
    );
    expect(elsewhere).toEqual([]);
  });

  it('the scan would see a child process', () => {
    const text = "import { exec } from 'node:child_process'; exec('ls');";
    expect(/child_process/.test(text)).toBe(true);
    expect([...text.matchAll(/(?<![.\w$])(exec)\s*\(/g)]).toHaveLength(1);
  });

  // dist/ bundles the AWS SDK's default credential chain, which includes
  // @aws-sdk/credential-provider-process: the `credential_process` setting of a shared AWS
  // config profile, run with child_process.exec. Its chunk is loaded (dynamic import) only
  // when a profile in ~/.aws/config names a credential_process and no earlier source
  // (environment variables, as aws-actions/configure-aws-credentials sets them, or web
  // identity) has credentials: a command the user configured, not one the action builds. No
  // other child_process use is in dist/; this test fails if one appears. The runtime trap
  // above proves the releases themselves start no process.
  it('dist/: child_process only in the SDK credential_process provider, loaded on demand', () => {
    const dir = path.join(ROOT, 'dist');
    const files = listFiles(dir, '.js').map((f) => ({
      name: path.basename(f),
      text: fs.readFileSync(f, 'utf8'),
    }));
    expect(files.map((f) => f.name)).toContain('index.js');
    const users = files.filter((f) => f.text.includes('child_process'));
    expect(users).toHaveLength(1);
    const chunk = users[0]!;
    expect(chunk.name).not.toBe('index.js');
    // Only `exec` is taken from it, in the credential_process provider.
    expect([...chunk.text.matchAll(/child_process/g)]).toHaveLength(1);
    expect(chunk.text).toMatch(/import\{exec as \w+\}from"node:child_process"/);
    expect(chunk.text).toContain('credential_process did not return Version 1');
    // Nothing imports that chunk statically: it loads only when a profile asks for it.
    for (const f of files) {
      if (f === chunk || !f.text.includes(chunk.name)) continue;
      const refs = [
        ...f.text.matchAll(
          new RegExp(`(.{0,20})["']\\./${chunk.name.replace('.', '\\.')}["']`, 'g'),
        ),
      ];
      for (const r of refs) expect(r[1], f.name).toMatch(/import\($/);
    }
    // No process-spawning API by any other name anywhere.
    for (const f of files) {
      expect(f.text, f.name).not.toMatch(/\b(spawnSync|execFileSync|execSync)\b/);
      expect(f.text, f.name).not.toMatch(/process\.binding\(/);
    }
  });

  it('the runtime trap works: a child process under it is recorded and refused', () => {
    const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'trap-')), 'calls');
    fs.writeFileSync(log, '');
    const r = spawnSync(
      NODE,
      [
        '--input-type=module',
        '-e',
        "import { execSync } from 'node:child_process'; execSync('echo hi');",
      ],
      { env: { ...process.env, NODE_OPTIONS: `--require=${TRAP}`, CHILD_PROCESS_TRAP_LOG: log } },
    );
    expect(r.status).not.toBe(0);
    expect(fs.readFileSync(log, 'utf8')).toBe('execSync "echo hi"\n');
  });
});
