// The bundle's entry: one file serves both the main and the post step.
import * as core from '@actions/core';
import { run } from './entry.ts';

run().catch((error: unknown) => {
  core.setFailed(error instanceof Error ? (error.stack ?? error.message) : String(error));
});
