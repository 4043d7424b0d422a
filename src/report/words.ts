// Numbers, times and versions as a person reads them, the same in the log and the summary:
// `v8`, `1 h 30 min`, `1 min 45 s`, `12:00:05 UTC`, `3.2 MiB`.
import type { Source } from '../settings/index.ts';
import { describeRouting, type Strategy } from '../strategy.ts';

/** `v8` for a numbered version, the text itself otherwise (`$LATEST`). */
export function versionLabel(version: string): string {
  return /^\d+$/.test(version) ? `v${version}` : version;
}

/** A duration: `0 s`, `45 s`, `1 min 45 s`, `5 min`, `1 h 30 min`. Whole seconds, rounded down. */
export function formatDuration(ms: number): string {
  const total = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  // Past an hour the seconds are noise.
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return s > 0 ? `${m} min ${s} s` : `${m} min`;
  return `${s} s`;
}

/** Minutes as a duration: 90 → `1 h 30 min`, 0.5 → `30 s`. */
export function formatMinutes(minutes: number): string {
  return formatDuration(Math.round(minutes * 60) * 1000);
}

/** A size: `512 B`, `4.5 KiB`, `3.2 MiB`, `1.1 GiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let n = bytes;
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit++;
  }
  const shown = unit === 0 || n >= 100 ? Math.round(n) : Math.round(n * 10) / 10;
  return `${shown} ${units[unit]}`;
}

function validTime(ms: number): boolean {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15;
}

/** `HH:MM:SS` in UTC. */
export function clock(ms: number): string {
  if (!validTime(ms)) return '?';
  return new Date(ms).toISOString().slice(11, 19);
}

/** `2025-06-01 12:00:05 UTC`. */
export function timestamp(ms: number): string {
  if (!validTime(ms)) return '?';
  return `${new Date(ms).toISOString().slice(0, 10)} ${clock(ms)} UTC`;
}

// What the release is about, in words: the code source and the strategy as a person reads
// them, over settings only (never over what the release found).
export function sourceWords(s: Source): string {
  switch (s.kind) {
    case 'latest':
      return '$LATEST as it stands';
    case 'zip-file':
      return `zip file ${s.given}`;
    case 'code-dir':
      return `directory ${s.given}`;
    case 's3':
      return `s3://${s.bucket}/${s.key}${s.objectVersion ? ` (version ${s.objectVersion})` : ''}`;
    case 'image':
      return `image ${s.uri}`;
    case 'version':
      return `version ${s.version}`;
    case 'from-alias':
      return `the version alias ${s.alias} points at`;
  }
}

/** The strategy before preflight has read a custom config's routing. */
export function strategyWords(s: Strategy): string {
  if (s.kind === 'direct') return 'direct: the alias moves at once, no CodeDeploy';
  if (s.kind === 'custom') return `custom config ${s.configName}`;
  return describeRouting(s.routing);
}
