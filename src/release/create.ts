// First use (`create-function: true`): the function does not exist, so create it from the code
// source and the configuration inputs, and wait until it is ready (it starts Pending; a Managed
// Instances function is then ActiveNonInvocable, never Active: ready.ts).
import type { FunctionState } from '../aws/lambda.ts';
import { newCode } from './code.ts';
import type { ReleaseDeps } from './deps.ts';
import { ReleaseError } from './errors.ts';
import type { Plan } from './plan.ts';
import { waitUntilUpdated } from './ready.ts';

export async function createFunction(plan: Plan, deps: ReleaseDeps): Promise<FunctionState> {
  const fn = plan.functionRef;
  const configuration = plan.configuration;
  const code = newCode(plan);
  // Settings refuse create-function without a code source.
  if (!code) throw new ReleaseError('CODE_UNREADABLE', '`create-function` needs a code source.');
  const created = await deps.lambda.createFunction(fn, {
    code,
    packageType: plan.create!.packageType,
    architecture: configuration?.desired.architecture,
    fields: configuration?.desired.fields ?? {},
  });
  deps.output('function-arn', created.arn.replace(/:\$LATEST$/, ''));
  deps.progress({
    kind: 'info',
    message: `Created function ${plan.functionName}; waiting until Lambda reports it ${plan.capacityProviderArn ? 'ActiveNonInvocable (a Managed Instances function: its $LATEST is never invocable, only its versions)' : 'Active'}.`,
  });
  return waitUntilUpdated(fn, deps, created, 'the new function');
}
