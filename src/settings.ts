// Inputs → one typed Settings object. Every problem is reported at once, each naming the
// input, what was wrong and the valid forms. Nothing here talks to AWS.
// (Implementation to be filled in; the types are the contract other modules use.)
import type { Strategy } from './strategy.ts';

export type Source =
  /** No code source: publish $LATEST as it stands. */
  | { kind: 'latest' }
  | { kind: 'zip-file'; path: string }
  | { kind: 'code-dir'; path: string }
  | { kind: 's3'; bucket: string; key: string; objectVersion?: string }
  | { kind: 'image'; uri: string }
  /** Promotion: release this existing published version. */
  | { kind: 'version'; version: string }
  /** Promotion: release the version another alias points at. */
  | { kind: 'from-alias'; alias: string };

export type OnEvent = 'rollback' | 'leave';

export interface Settings {
  /** The function name, or the ARN as given (unqualified). */
  functionName: string;
  alias: string;
  /** Required unless strategy is direct. */
  application?: string;
  deploymentGroup?: string;
  strategy: Strategy;
  source: Source;
  versionDescription: string;
  beforeTrafficHook?: string;
  afterTrafficHook?: string;
  alarms: string[];
  autoRollback: boolean;
  /** Validated JSON text. */
  smokeTestPayload?: string;
  wait: boolean;
  /** Undefined: derived from the strategy in preflight. */
  timeoutMinutes?: number;
  pollIntervalSeconds: number;
  onTimeout: OnEvent;
  onCancel: OnEvent;
  ifBusy: 'fail' | 'wait';
  dryRun: boolean;
  summary: boolean;
  region: string;
}

export class SettingsError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(
      problems.length === 1
        ? `Invalid input: ${problems[0]}`
        : `Invalid inputs:\n${problems.map((p) => `- ${p}`).join('\n')}`,
    );
    this.name = 'SettingsError';
    this.problems = problems;
  }
}

export type InputReader = (name: string) => string;

export function readSettings(
  _input: InputReader,
  _env: Record<string, string | undefined>,
): Settings {
  throw new Error('not implemented');
}
