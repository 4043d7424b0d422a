// What went wrong getting or using role credentials, worded with the fix.
import { ReleaseError } from '../release/errors.ts';

export type CredentialStage = 'first' | 'refresh';

const DOING: Record<CredentialStage, string> = {
  first: 'getting AWS credentials for role-to-assume before the release',
  refresh:
    'refreshing the AWS credentials of role-to-assume during the release, before the current ones expire',
};

/** Before anything changes: the reason role-to-assume cannot work in this job, if any. */
export function idTokenAccessProblem(env: Record<string, string | undefined>): string | undefined {
  if (env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) return undefined;
  return 'role-to-assume needs a GitHub OIDC token, but this job cannot request one (ACTIONS_ID_TOKEN_REQUEST_URL is not set). Add `permissions: id-token: write` to the job (keep `contents: read` if the job checks out code).';
}

/** A getIDToken failure, with the job permission that fixes the usual cause. */
export function idTokenError(
  e: unknown,
  stage: CredentialStage,
  env: Record<string, string | undefined>,
): ReleaseError {
  const fix =
    idTokenAccessProblem(env) ??
    "The runner's token service did not answer; re-run the job. If it keeps failing, check that `permissions: id-token: write` is set for the job.";
  return new ReleaseError(
    'OIDC_TOKEN_UNAVAILABLE',
    `Could not get a GitHub OIDC token while ${DOING[stage]}: ${messageOf(e).replace(/^Error message: /, '')}. ${fix}`,
  );
}

/** An AssumeRoleWithWebIdentity failure: names STS, the role, the token's subject and the fix. */
export function assumeRoleError(
  e: unknown,
  o: { roleArn: string; durationSeconds: number; audience: string },
  stage: CredentialStage,
  webIdentityToken: string,
): ReleaseError {
  const name = nameOf(e);
  const subject = tokenSubject(webIdentityToken);
  const head = `STS AssumeRoleWithWebIdentity failed for role-to-assume ${o.roleArn} while ${DOING[stage]}: ${name}: ${messageOf(e)}.`;
  const code = name === 'AccessDenied' ? 'ASSUME_ROLE_DENIED' : 'ASSUME_ROLE_FAILED';
  return new ReleaseError(code, `${head} ${assumeFix(name, messageOf(e), o, subject)}`);
}

function assumeFix(
  name: string,
  message: string,
  o: { durationSeconds: number; audience: string },
  subject: string | undefined,
): string {
  const sub = subject ? `\`${subject}\`` : "this workflow's subject";
  if (name === 'AccessDenied') {
    return `The role's trust policy must allow the GitHub OIDC provider (token.actions.githubusercontent.com) with \`token.actions.githubusercontent.com:sub\` matching ${sub} and \`:aud\` ${o.audience}; also check that the role ARN is right.`;
  }
  if (name === 'InvalidIdentityTokenException' || name === 'InvalidIdentityToken') {
    return `Add the IAM OIDC identity provider https://token.actions.githubusercontent.com with audience ${o.audience} to the role's account (or fix the audience the role expects).`;
  }
  if (name === 'ExpiredTokenException')
    return 'The OIDC token expired before STS saw it (runner clock or a slow network); re-run the job.';
  if (name === 'ValidationError' && /DurationSeconds|MaxSessionDuration/i.test(message)) {
    return `Raise the role's maximum session duration to at least ${o.durationSeconds} s (up to 43200), or lower role-duration-seconds.`;
  }
  if (name === 'RegionDisabledException')
    return 'Activate STS in this region in the account settings (IAM → Account settings), or use another region.';
  return 'Check the role ARN and its trust policy; this error is reported as AWS sent it.';
}

/** The `sub` claim of a JWT (public: it names the repository and ref), for error messages. */
export function tokenSubject(jwt: string): string | undefined {
  try {
    const payload: unknown = JSON.parse(
      Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'),
    );
    const sub = (payload as { sub?: unknown } | null)?.sub;
    return typeof sub === 'string' ? sub : undefined;
  } catch {
    return undefined;
  }
}

const EXPIRED_NAMES = new Set(['ExpiredTokenException', 'ExpiredToken']);
const EXPIRED_TEXT =
  /security token included in the request is expired|provided token has expired/i;

/**
 * Whether an AWS error says the call's credentials expired. Retrying never helps: only new
 * credentials do. (STS's own ExpiredTokenException for an expired OIDC token, during
 * AssumeRoleWithWebIdentity, also lands here: the answer there too is a fresh token.)
 */
export function isExpiredCredentials(error: unknown): boolean {
  return EXPIRED_NAMES.has(nameOf(error)) || EXPIRED_TEXT.test(messageOf(error));
}

function nameOf(e: unknown): string {
  const n = (e as { name?: unknown } | null)?.name;
  return typeof n === 'string' ? n : 'Error';
}

function messageOf(e: unknown): string {
  const m = (e as { message?: unknown } | null)?.message;
  return (typeof m === 'string' ? m : String(e)).replace(/\.$/, '');
}

/** What the release knew when AWS refused its credentials as expired. */
export interface ExpiredContext {
  /** A deployment of ours that may still be running. */
  deploymentId?: string;
  consoleUrl?: string;
  /** role-to-assume was in use (and even a refresh did not help). */
  usingRoleToAssume: boolean;
  /** Seconds of session a release like this needs (for role-duration-seconds). */
  secondsNeeded?: number;
}

/**
 * AWS refused the credentials as expired. Retrying cannot help (only new credentials do), so
 * this ends the step at once, saying what is left running and what still guards it.
 */
export function expiredCredentialsError(e: unknown, c: ExpiredContext): ReleaseError {
  const call = (e as { $call?: unknown } | null)?.$call;
  const where = typeof call === 'string' && call.trim() ? ` (${call.trim()})` : '';
  const head = `AWS refused this action's credentials as expired${where}: ${nameOf(e)}: ${messageOf(e)}.`;
  const running = c.deploymentId
    ? ` Deployment ${c.deploymentId} is still running without this action watching it: CodeDeploy's own alarms and automatic rollback still guard it, and it ends on its own; follow it in the console: ${c.consoleUrl ?? ''}.`.replace(
        ': .',
        '.',
      )
    : ' No deployment had been started by this release.';
  const fix = c.usingRoleToAssume
    ? " New credentials from role-to-assume were refused too: check the runner's clock and the role's maximum session duration."
    : ` Fix: set \`role-to-assume\` on this action, which refreshes its own credentials for as long as the release runs; or give the credentials a longer life (\`role-duration-seconds: ${c.secondsNeeded ?? 3600}\` on aws-actions/configure-aws-credentials).`;
  return new ReleaseError('CREDENTIALS_EXPIRED', `${head}${running}${fix}`);
}
