// The `releases` output: one object per entry, in the names interface.md fixes.
import type { EntryResult } from './result.ts';

export interface ReleaseFacts {
  region: string;
  function: string;
  alias: string;
  wave: number;
  version: string | null;
  previousVersion: string | null;
  deploymentId: string | null;
  status: string;
  rolledBack: boolean;
  aliasArn: string | null;
}

/** An entry's status word: its own, or what one fate did to it. */
export function entryStatus(e: EntryResult): string {
  if (e.fate?.kind === 'not-started') return 'not-started';
  if (e.fate?.kind === 'returned') return 'returned';
  return e.status;
}

export function releaseFacts(e: EntryResult): ReleaseFacts {
  return {
    region: e.region,
    function: e.functionName,
    alias: e.alias,
    wave: e.wave,
    version: e.version ?? null,
    previousVersion: e.previousVersion ?? null,
    deploymentId: e.deploymentId ?? null,
    status: entryStatus(e),
    rolledBack: e.rolledBack,
    aliasArn: e.aliasArn ?? null,
  };
}
