// Progress events → one plain-text log line each. The lines go to the runner log, so they
// are flattened to one line and kept from being read as workflow commands.

import type { AliasState, ProgressEvent } from '../release/result.ts';
import { neutralizeWorkflowCommands, toSingleLine } from './escape.ts';
import { formatDuration, versionLabel } from './words.ts';

export { formatDuration, versionLabel };

/** A percentage with at most two decimals and no float noise: 10, 33.33, 0.5. */
export function formatPercent(percent: number): string {
  if (!Number.isFinite(percent)) return '?';
  return `${Math.round(percent * 100) / 100}`;
}

/** Basis points (1/100 of a percent) of a Lambda routing weight (0..1). */
function weightBasisPoints(weight: number): number {
  return Number.isFinite(weight) ? Math.round(weight * 10_000) : 0;
}

/**
 * The traffic split of an alias: `v7` when one version carries everything, else the main
 * version first and the additional versions after it, e.g. `90% v7, 10% v8`.
 */
export function formatAliasState(a: AliasState): string {
  const extra = Object.entries(a.weights)
    .map(([version, weight]) => ({ version, bp: weightBasisPoints(weight) }))
    .filter((w) => w.bp > 0 && w.version !== a.version)
    .sort((x, y) => compareVersions(x.version, y.version));
  if (extra.length === 0) return versionLabel(a.version);
  const mainBp = Math.max(0, 10_000 - extra.reduce((sum, w) => sum + w.bp, 0));
  return [{ version: a.version, bp: mainBp }, ...extra]
    .map((w) => `${formatPercent(w.bp / 100)}% ${versionLabel(w.version)}`)
    .join(', ');
}

/** True when the alias sends traffic to more than one version. */
export function isSplit(a: AliasState): boolean {
  return Object.entries(a.weights).some(
    ([version, weight]) => version !== a.version && weightBasisPoints(weight) > 0,
  );
}

function compareVersions(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isInteger(na) && Number.isInteger(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `250 ms`, `1.2 s`, `45 s`, `2 min 5 s`. */
export function formatDelay(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '0 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(Math.round(ms / 100) / 10).toFixed(1)} s`;
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  return formatDuration(ms);
}

function trafficLine(newVersion: string, oldVersion: string, newPercent: number): string {
  const pct = Math.min(100, Math.max(0, Number.isFinite(newPercent) ? newPercent : 0));
  const newBp = Math.round(pct * 100);
  const nv = versionLabel(newVersion);
  const ov = versionLabel(oldVersion);
  if (newBp >= 10_000) return `traffic: 100% → ${nv}`;
  if (newBp <= 0) return `traffic: 100% → ${ov} (0% → ${nv})`;
  return `traffic: ${formatPercent(newBp / 100)}% → ${nv}, ${formatPercent((10_000 - newBp) / 100)}% → ${ov}`;
}

function text(e: ProgressEvent): string {
  switch (e.kind) {
    case 'phase':
      return `== ${e.name} ==`;
    case 'info':
      return e.message;
    case 'warning':
      // The caller sends it with core.warning, which marks it as a warning already.
      return e.message;
    case 'retry':
      return `retrying ${e.operation} after ${e.reason} (attempt ${e.attempt}, in ${formatDelay(e.delayMs)})`;
    case 'deployment-created':
      return `deployment ${e.deploymentId} created: ${e.consoleUrl}`;
    case 'status':
      return `deployment ${e.deploymentId}: ${e.status}`;
    case 'traffic':
      return trafficLine(e.newVersion, e.oldVersion, e.newPercent);
    case 'hook':
      return `hook ${e.hook} (${e.functionName}): ${e.status}`;
  }
}

/** One log line for a progress event: plain text, one line, no workflow command in it. */
export function formatProgress(e: ProgressEvent): string {
  return neutralizeWorkflowCommands(toSingleLine(text(e)));
}
