// How the run behaves: waiting and its timing, what to do on timeout, cancel or a busy group,
// dry run, summary.
import {
  DEFAULT_POLL_INTERVAL_SECONDS,
  MAX_POLL_INTERVAL_SECONDS,
  MAX_TIMEOUT_MINUTES,
} from './limits.ts';
import type { Reader } from './problems.ts';
import type { OnEvent, Settings } from './types.ts';
import { readBoolean, readChoice, readNumber } from './values.ts';

type RunOptions = Pick<
  Settings,
  | 'wait'
  | 'timeoutMinutes'
  | 'pollIntervalSeconds'
  | 'onTimeout'
  | 'onCancel'
  | 'ifBusy'
  | 'dryRun'
  | 'summary'
>;

const ON_EVENT: readonly OnEvent[] = ['rollback', 'leave'];

export function readRunOptions(r: Reader): RunOptions {
  const wait = readBoolean(r, 'wait', true);
  const dryRun = readBoolean(r, 'dry-run', false);
  const summary = readBoolean(r, 'summary', true);
  const timeoutMinutes = readNumber(
    r,
    'timeout-minutes',
    (n) => n > 0 && n <= MAX_TIMEOUT_MINUTES,
    (raw) =>
      `${raw} is not a valid number of minutes. Valid: a number greater than 0 and at most ${MAX_TIMEOUT_MINUTES} ` +
      "(CodeDeploy's 50 h limit), e.g. `90`; leave it empty to derive it from the strategy.",
  );
  const pollIntervalSeconds =
    readNumber(
      r,
      'poll-interval',
      (n) => n >= 1 && n <= MAX_POLL_INTERVAL_SECONDS,
      (raw) =>
        `${raw} is not a valid number of seconds. Valid: a number from 1 to ${MAX_POLL_INTERVAL_SECONDS}; default \`${DEFAULT_POLL_INTERVAL_SECONDS}\`.`,
    ) ?? DEFAULT_POLL_INTERVAL_SECONDS;
  return {
    wait,
    ...(timeoutMinutes !== undefined ? { timeoutMinutes } : {}),
    pollIntervalSeconds,
    onTimeout: readChoice(r, 'on-timeout', ON_EVENT, 'rollback'),
    onCancel: readChoice(r, 'on-cancel', ON_EVENT, 'rollback'),
    ifBusy: readChoice(r, 'if-busy', ['fail', 'wait'] as const, 'fail'),
    dryRun,
    summary,
  };
}
