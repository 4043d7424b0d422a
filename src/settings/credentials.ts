// How the action gets AWS credentials: `role-to-assume` (its own GitHub OIDC token traded
// with STS, refreshed for as long as the release runs), or the SDK's standard chain.
import { idTokenAccessProblem } from '../aws/credential-errors.ts';
import { DEFAULT_AUDIENCE } from '../aws/credentials.ts';
import { type Reader, show } from './problems.ts';
import { readNumber } from './values.ts';

export interface RoleToAssume {
  roleArn: string;
  sessionName: string;
  audience: string;
  durationSeconds: number;
}

export interface CredentialSettings {
  /** Absent: the standard SDK chain (environment, web identity file, ...). */
  role?: RoleToAssume;
  /** The environment holds session credentials this action cannot refresh (AWS_SESSION_TOKEN). */
  sessionFromEnv: boolean;
}

export const DEFAULT_SESSION_NAME = 'lambda-gated-release';
export const DEFAULT_ROLE_DURATION_SECONDS = 3600;
const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

export function readCredentials(r: Reader): { credentials: CredentialSettings } {
  const sessionFromEnv = !!r.env.AWS_SESSION_TOKEN;
  const arn = r.get('role-to-assume');
  // role-session-name, audience and role-duration-seconds alone are ignored: the runner passes
  // their defaults whether or not role-to-assume is set.
  if (!arn) return { credentials: { sessionFromEnv } };
  if (!ROLE_ARN.test(arn))
    r.problem(
      'role-to-assume',
      `${show(arn)} is not an IAM role ARN. Valid: \`arn:aws:iam::<12-digit account>:role/<name>\` (a path before the name is allowed, e.g. \`arn:aws:iam::123456789012:role/ci/deployer\`).`,
    );
  const access = idTokenAccessProblem(r.env);
  if (access) r.problem('role-to-assume', access);
  const sessionName = r.get('role-session-name') || DEFAULT_SESSION_NAME;
  if (!SESSION_NAME.test(sessionName))
    r.problem(
      'role-session-name',
      `${show(sessionName)} is not a valid session name. Valid: 2 to 64 characters of letters, digits and \`+=,.@_-\`; default \`${DEFAULT_SESSION_NAME}\`.`,
    );
  const durationSeconds =
    readNumber(
      r,
      'role-duration-seconds',
      (n) => Number.isInteger(n) && n >= 900 && n <= 43_200,
      (raw) =>
        `${raw} is not a valid session length. Valid: whole seconds from 900 to 43200 (the role's maximum session duration caps it); default \`${DEFAULT_ROLE_DURATION_SECONDS}\`. The action refreshes the credentials before they expire, so the default suits any release.`,
    ) ?? DEFAULT_ROLE_DURATION_SECONDS;
  const audience = r.get('audience') || DEFAULT_AUDIENCE;
  return {
    credentials: { role: { roleArn: arn, sessionName, audience, durationSeconds }, sessionFromEnv },
  };
}
