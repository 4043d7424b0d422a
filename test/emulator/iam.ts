// IAM, as far as CodeDeploy needs it: whether a service role exists. Every role exists until
// a test deletes it (`deleteRole`), so tests that never name IAM see no change. One set for
// every region, as IAM is global. See docs/aws-semantics.md#deployment-start-checks.

/** What an IAM role ARN looks like. */
export const ROLE_ARN = /^arn:aws[a-zA-Z-]*:iam::\d{12}:role\/.+/;

export class IamRoles {
  readonly #deleted = new Set<string>();

  exists(arn: string): boolean {
    return !this.#deleted.has(arn);
  }

  delete(arn: string): void {
    if (typeof arn !== 'string' || !ROLE_ARN.test(arn))
      throw new Error(`deleteRole: ${JSON.stringify(arn)} is not a role ARN`);
    this.#deleted.add(arn);
  }

  reset(): void {
    this.#deleted.clear();
  }

  state(): { deletedRoles: string[] } {
    return { deletedRoles: [...this.#deleted] };
  }
}
