// What a release did, in one line: the outcome word, its reason and the versions as they
// moved ("Rolled back — alarm orders-5xx: live v7 → v8 → v7"). The job summary's first line,
// the log's last line and the error annotation all start from this, so they say it alike.

import type { AliasState, ReleaseResult } from '../release/result.ts';
import { errorCode, isCodeDeployCode } from './codes.ts';
import { escapeMarkdown, inlineCode, toSingleLine, truncate } from './escape.ts';
import { formatAliasState, isSplit } from './progress.ts';
import { versionLabel } from './words.ts';

/** Text, a name (a code span in Markdown) or a version (`v8`). */
export type Piece = string | { name: string } | { version: string };

export type OutcomeKind =
  | 'released'
  | 'promoted'
  | 'first'
  | 'skipped'
  | 'planned'
  | 'started'
  | 'rolled-back'
  | 'before-traffic'
  | 'not-started'
  | 'cancelled'
  | 'timed-out'
  | 'split'
  | 'not-rolled-back'
  | 'unknown'
  | 'failed';

export interface Headline {
  kind: OutcomeKind;
  glyph: string;
  word: string;
  reason: Piece[];
  moves: Piece[];
}

const GLYPH: Record<OutcomeKind, string> = {
  released: '✅',
  promoted: '✅',
  first: '✅',
  skipped: '⏭️',
  planned: '📝',
  started: '▶️',
  'rolled-back': '↩️',
  'before-traffic': '❌',
  'not-started': '⛔',
  cancelled: '⏹️',
  'timed-out': '⏱️',
  split: '⚠️',
  'not-rolled-back': '❌',
  unknown: '❓',
  failed: '❌',
};

const MAX_NAME = 120;

/** The share (0..100) of the alias's traffic on `version`, when the alias was read back. */
export function shareOf(
  a: AliasState | undefined,
  version: string | undefined,
): number | undefined {
  if (a === undefined || version === undefined) return undefined;
  const others = Object.entries(a.weights)
    .filter(([v]) => v !== a.version)
    .reduce((sum, [, w]) => sum + (Number.isFinite(w) ? w : 0), 0);
  const share = version === a.version ? 1 - others : (a.weights[version] ?? 0);
  return Math.round(Math.min(1, Math.max(0, share)) * 10_000) / 100;
}

/** The highest share the new version was seen with, or was left with. */
export function peakShare(r: ReleaseResult): number {
  const seen = r.timeline.reduce(
    (max, p) => (Number.isFinite(p.newPercent) && p.newPercent > max ? p.newPercent : max),
    0,
  );
  return Math.max(seen, shareOf(r.finalAlias, r.version) ?? 0);
}

/** True when the release knows the new version never carried traffic. */
export function neverGotTraffic(r: ReleaseResult): boolean {
  if (r.version === undefined || peakShare(r) > 0) return false;
  // CodeDeploy shifts nothing before BeforeAllowTraffic succeeds; without a deployment (and
  // without `direct`, which moves the alias itself) the release never touched the alias.
  if (r.cause?.failedHook === 'BeforeAllowTraffic') return true;
  if (endedBeforeTraffic(r)) return true;
  return r.deploymentId === undefined && !r.strategy.direct;
}

/**
 * CodeDeploy ended the deployment with its own error code and ran no rollback, yet the alias
 * is wholly on the previous version: CodeDeploy only moves traffic back by a rollback
 * deployment, so it never moved any (it failed as it started, e.g. IAM_ROLE_MISSING;
 * docs/aws-semantics.md#deployment-start-checks).
 */
export function endedBeforeTraffic(r: ReleaseResult): boolean {
  return (
    r.deploymentId !== undefined &&
    r.rollbackDeploymentId === undefined &&
    r.rolledBack &&
    peakShare(r) === 0 &&
    isCodeDeployCode(r.cause?.code)
  );
}

function alarmsReason(alarms: string[]): Piece[] {
  const shown: Piece[] = [alarms.length === 1 ? 'alarm ' : 'alarms ', { name: alarms[0]! }];
  if (alarms.length > 1) shown.push(` and ${alarms.length - 1} more`);
  return shown;
}

/** Why it ended so, in a few words: the alarm, the hook, or the error code's reason. */
export function causeReason(r: ReleaseResult): Piece[] {
  const c = r.cause;
  if (c === undefined) return [];
  // The gate as the user wrote it, not the alarm name the action made up for it.
  const gate = r.canary?.stoppedBy;
  if (gate && c.alarms?.length === 1 && c.alarms[0] === gate.alarmName)
    return ['metric gate ', { name: gate.gate.text }];
  if (c.alarms && c.alarms.length > 0) return alarmsReason(c.alarms);
  if (c.failedHook) return [`${c.failedHook} hook`];
  const known = errorCode(c.code);
  if (known) return [known.reason];
  return c.code ? [{ name: c.code }] : [];
}

function splitWord(a: AliasState): string {
  const shares = formatAliasState(a)
    .split(', ')
    .map((part) => part.split('%')[0]);
  return `Traffic split ${shares.join('/')}`;
}

/** `live` `v7 → v8`, `live` `v7 → v8 → v7`, `live stays on v7`, `live now 90% v7, 10% v8`. */
function moves(r: ReleaseResult, kind: OutcomeKind): Piece[] {
  const alias: Piece = { name: r.alias };
  const prev = r.previousVersion;
  const next = r.version;
  const from: Piece[] = prev !== undefined ? [{ version: prev }, ' → '] : [];
  const nextPiece: Piece = next !== undefined ? { version: next } : 'a new version';
  const state = (how: string): Piece[] =>
    r.finalAlias ? [alias, ` ${how} ${formatAliasState(r.finalAlias)}`] : [];
  const now = (): Piece[] => state(r.status === 'failed' && r.deploymentId ? 'last seen' : 'now');
  const stays = (): Piece[] => (prev !== undefined ? [alias, ' stays on ', { version: prev }] : []);
  switch (kind) {
    case 'released':
    case 'promoted':
    case 'started':
    case 'planned':
    case 'not-rolled-back':
      return [alias, ' ', ...from, nextPiece];
    case 'first':
      return [alias, ' → ', nextPiece];
    case 'skipped':
      return next !== undefined ? [alias, ' stays on ', { version: next }] : [];
    case 'rolled-back':
    case 'cancelled':
    case 'timed-out':
      if (!r.rolledBack) return r.deploymentId ? now() : stays();
      if (prev === undefined) return [];
      return peakShare(r) > 0 && next !== undefined
        ? [alias, ' ', { version: prev }, ' → ', { version: next }, ' → ', { version: prev }]
        : [alias, ' back on ', { version: prev }];
    case 'before-traffic': {
      const never: Piece[] =
        next !== undefined ? [{ version: next }, ' never received traffic'] : [];
      const s = stays();
      return s.length > 0 && never.length > 0 ? [...s, '; ', ...never] : [...s, ...never];
    }
    case 'not-started':
      return r.finalAlias && isSplit(r.finalAlias) ? state('now') : stays();
    case 'split':
      return state('now');
    case 'unknown':
    case 'failed':
      return now();
  }
}

function failureKind(r: ReleaseResult): OutcomeKind {
  const code = r.cause?.code;
  // A deployment left running may be mid-shift: a split then is no fault of its own.
  if (code === 'LOST_CONTACT') return 'unknown';
  const leftRunning = r.status === 'failed' && r.deploymentId !== undefined;
  if (code === 'CANCELLED' && leftRunning) return 'cancelled';
  if ((code === 'TIMEOUT' || code === 'TIMEOUT_STOP_FAILED') && leftRunning) return 'timed-out';
  // A busy group's own deployment may hold the alias split: not ours, and no fault of its own.
  if (code === 'GROUP_BUSY' || (code === 'TIMEOUT' && !r.deploymentId)) return 'not-started';
  if (r.finalAlias && isSplit(r.finalAlias)) return 'split';
  if (code === 'CANCELLED') return 'cancelled';
  if (code === 'TIMEOUT' && r.deploymentId) return 'timed-out';
  if (neverGotTraffic(r)) {
    return r.version === undefined || (!r.deploymentId && errorCode(code)?.beforeChange)
      ? 'not-started'
      : 'before-traffic';
  }
  if (r.rolledBack) return 'rolled-back';
  if (!r.deploymentId && !r.strategy.direct && (errorCode(code)?.beforeChange || !r.version))
    return 'not-started';
  if (r.version !== undefined && r.finalAlias?.version === r.version) return 'not-rolled-back';
  return 'failed';
}

function kindOf(r: ReleaseResult): OutcomeKind {
  switch (r.status) {
    case 'succeeded':
      return r.origin.kind === 'alias' ? 'promoted' : 'released';
    case 'created':
      return 'first';
    case 'skipped':
      return 'skipped';
    case 'planned':
      return 'planned';
    case 'started':
      return 'started';
    case 'failed':
    case 'stopped':
      return failureKind(r);
  }
}

/** The outcome word and its reason. Distinct words per outcome. */
function wordAndReason(r: ReleaseResult, kind: OutcomeKind): [string, Piece[]] {
  const back = r.rolledBack ? 'rolled back' : r.deploymentId ? 'not confirmed back' : '';
  switch (kind) {
    case 'released':
      return ['Released', []];
    case 'promoted':
      return ['Promoted', r.origin.kind === 'alias' ? ['from ', { name: r.origin.alias }] : []];
    case 'first':
      return ['First release', ['alias created']];
    case 'skipped':
      return ['Skipped', ['nothing new to release']];
    case 'planned':
      return ['Dry run', ['nothing changed']];
    case 'started':
      return ['Started', ['not waited for']];
    case 'rolled-back':
      return ['Rolled back', causeReason(r)];
    case 'before-traffic':
      return ['Failed before traffic', causeReason(r)];
    case 'not-started':
      return ['Not started', r.cause?.code === 'TIMEOUT' ? ['group still busy'] : causeReason(r)];
    case 'cancelled':
      return [
        'Cancelled',
        [
          !r.deploymentId
            ? 'no deployment had started'
            : r.status === 'failed'
              ? 'deployment left running'
              : back,
        ],
      ];
    case 'timed-out':
      return [
        'Timed out',
        [
          r.cause?.code === 'TIMEOUT_STOP_FAILED'
            ? 'stop failed, still running'
            : r.status === 'failed'
              ? 'deployment left running'
              : back,
        ],
      ];
    case 'split':
      return [splitWord(r.finalAlias!), ['action needed']];
    case 'not-rolled-back':
      return ['Failed, not rolled back', causeReason(r)];
    case 'unknown':
      return ['Outcome unknown', causeReason(r)];
    case 'failed':
      return ['Failed', causeReason(r)];
  }
}

export function headlineOf(r: ReleaseResult): Headline {
  const kind = kindOf(r);
  const [word, reason] = wordAndReason(r, kind);
  return {
    kind,
    glyph: GLYPH[kind],
    word,
    reason: reason.filter((p) => p !== ''),
    moves: moves(r, kind),
  };
}

export function plainPiece(p: Piece): string {
  if (typeof p === 'string') return p;
  if ('name' in p) return truncate(toSingleLine(p.name), MAX_NAME);
  return versionLabel(truncate(toSingleLine(p.version), MAX_NAME));
}

/** A piece as Markdown: text escaped, names as code spans, `v8` or a code span for `$LATEST`. */
export function markdownPiece(p: Piece): string {
  if (typeof p === 'string') return p.trim() === '' ? p : keepSpaces(p, escapeMarkdown(p));
  if ('name' in p) return inlineCode(truncate(p.name, MAX_NAME));
  const v = truncate(p.version, MAX_NAME);
  return /^\d+$/.test(v) ? `v${v}` : inlineCode(v);
}

function keepSpaces(raw: string, escaped: string): string {
  return `${/^\s/.test(raw) ? ' ' : ''}${escaped}${/\s$/.test(raw) ? ' ' : ''}`;
}

function join(h: Headline, piece: (p: Piece) => string): string {
  const reason = h.reason.map(piece).join('');
  const moved = h.moves.map(piece).join('');
  return `${h.word}${reason ? ` — ${reason}` : ''}${moved ? `: ${moved}` : ''}`;
}

/** The outcome in one plain line: "Rolled back — alarm orders-5xx: live v7 → v8 → v7". */
export function headline(r: ReleaseResult): string {
  return join(headlineOf(r), plainPiece);
}

/** The same line as Markdown, with its glyph, for the summary's heading. */
export function headlineMarkdown(r: ReleaseResult): string {
  const h = headlineOf(r);
  return `${h.glyph} ${join(h, markdownPiece)}`;
}

/** `90% v7, 10% v8` for Markdown. */
export function aliasStateMarkdown(a: AliasState): string {
  return escapeMarkdown(truncate(formatAliasState(a), 400));
}
