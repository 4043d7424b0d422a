// Preflight: will the job's own session credentials outlive this release? Credentials set by
// configure-aws-credentials last role-duration-seconds (default 3600) and are never
// refreshed, so a longer release would die part-way with ExpiredTokenException.

/** Releases expected to run longer than this get the warning. */
export const LIFETIME_WARNING_MS = 55 * 60_000;
const MARGIN_MS = 10 * 60_000;
const MAX_SESSION_SECONDS = 43_200;

/**
 * How long a release is expected to run: its traffic shifting plus a few minutes for
 * CodeDeploy's own steps and the hooks, at most its timeout; minutes when it does not wait.
 */
export function expectedReleaseMs(p: {
  shiftMinutes: number;
  timeoutMinutes: number;
  wait: boolean;
}): number {
  if (!p.wait) return 5 * 60_000;
  return Math.min(p.shiftMinutes + 5, p.timeoutMinutes) * 60_000;
}

/** The seconds of session a release of this length needs, margin included, in 5-minute steps. */
export function sessionSecondsNeeded(expectedDurationMs: number): number {
  return Math.max(3600, Math.ceil((expectedDurationMs + MARGIN_MS) / 300_000) * 300);
}

/** The warning text, or undefined when the credentials are refreshed or need not be. */
export function credentialLifetimeWarning(
  env: Record<string, string | undefined>,
  expectedDurationMs: number,
  usingRoleToAssume: boolean,
): string | undefined {
  if (usingRoleToAssume || !env.AWS_SESSION_TOKEN || expectedDurationMs <= LIFETIME_WARNING_MS) {
    return undefined;
  }
  const minutes = Math.ceil(expectedDurationMs / 60_000);
  const seconds = sessionSecondsNeeded(expectedDurationMs);
  const head =
    `This release may take about ${minutes} minutes, but its AWS credentials are session credentials ` +
    'from the environment (AWS_SESSION_TOKEN is set, e.g. by aws-actions/configure-aws-credentials, ' +
    'whose role-duration-seconds defaults to 3600) and this action cannot refresh them: once they expire, ' +
    'every AWS call fails with ExpiredTokenException and the release stops part-way.';
  const roleFix =
    'set `role-to-assume` on this action, which then assumes the role through GitHub OIDC itself and refreshes the credentials before they expire';
  if (seconds > MAX_SESSION_SECONDS) {
    return `${head} No role session lasts that long (${MAX_SESSION_SECONDS} seconds at most): ${roleFix}.`;
  }
  return (
    `${head} Fix: ${roleFix}; or set \`role-duration-seconds: ${seconds}\` on configure-aws-credentials ` +
    `(the role's maximum session duration must allow ${seconds} seconds; chained roles are capped at 3600).`
  );
}
