// The main step's start: inputs in, then the release's first read sent at once; the code of
// the rest of the release (main-release.ts) is loaded once it has its answer. The first AWS
// request waits only for what it needs (start-up); compiling the rest before it had gone out
// would hold it back, since the request is written from this same thread.
import * as core from '@actions/core';
import { type CredentialProvider, createClients } from './aws/clients.ts';
import { roleToAssumeCredentials } from './aws/credentials.ts';
import { LambdaApi } from './aws/lambda.ts';
import { environmentSecrets } from './function-config/secrets.ts';
import { withFirstRead } from './release/first-read.ts';
import { ownDeployment } from './release/own-deployment.ts';
import { type ReleaseSettings, readRelease, type Settings } from './settings/index.ts';
import { listenForCancel } from './signals.ts';
import { saveRelease } from './state.ts';

/**
 * role-to-assume: credentials from the job's own OIDC token, refreshed before they expire for
 * the whole step (cancel path included). Without it, the SDK's default chain.
 */
export function shellCredentials(
  role: Settings['credentials']['role'],
  region: string,
): CredentialProvider | undefined {
  if (!role) return undefined;
  return roleToAssumeCredentials(
    role,
    region,
    (audience) => core.getIDToken(audience),
    ({ expiration, refreshes }) =>
      core.info(
        `${refreshes ? 'Refreshed the' : 'Got'} AWS credentials of role-to-assume ${role.roleArn}; they last until ${new Date(expiration).toISOString()}.`,
      ),
  );
}

/** Bad input still ends like every run: status and rolled-back set, a summary, one annotation. */
async function readInputs(startedAt: number): Promise<ReleaseSettings | undefined> {
  const input = (name: string) => core.getInput(name);
  try {
    const rs = await readRelease(input, process.env);
    // Before any line is logged: every environment value may be a secret.
    for (const e of rs.entries)
      for (const value of environmentSecrets(e.settings.config)) core.setSecret(value);
    return rs;
  } catch (error) {
    const { endInvalidInput } = await import('./main-release.ts');
    await endInvalidInput(error, input, startedAt);
    return undefined;
  }
}

export async function main(): Promise<void> {
  const startedAt = Date.now();
  const controller = new AbortController();
  listenForCancel(controller);
  const rs = await readInputs(startedAt);
  if (!rs) return;
  rs.entries.forEach(({ settings }, i) => {
    const { application, deploymentGroup, description, since } = ownDeployment(settings, startedAt);
    saveRelease(
      {
        region: settings.region,
        functionName: settings.functionName,
        alias: settings.alias,
        onCancel: settings.onCancel,
        // No group to search when the release moves the alias itself.
        ...(settings.strategy.kind === 'direct' ? {} : { application, deploymentGroup }),
        description,
        since,
        role: settings.credentials.role,
      },
      i,
    );
  });
  // The release-wide inputs are the same in every entry; the first entry's region goes first.
  const settings = rs.entries[0]!.settings;
  const credentials = shellCredentials(settings.credentials.role, settings.region);
  const clients = createClients({ region: settings.region, credentials });
  // Preflight's first call, sent now; preflight receives its answer.
  const { lambda, settled } = withFirstRead(
    new LambdaApi(() => clients.lambda, controller.signal),
    settings.functionName,
  );
  await settled;
  const { runRelease } = await import('./main-release.ts');
  await runRelease({ release: rs, startedAt, controller, credentials, clients, lambda });
}
