// One bundle serves both steps: main saves isPost, so the runner's post step sees STATE_isPost.
import * as core from '@actions/core';
import { main } from './main.ts';
import { post } from './post.ts';
import { loadState, saveIsPost } from './state.ts';

async function entry(): Promise<void> {
  if (loadState().isPost) return post();
  saveIsPost();
  return main();
}

entry().catch((error: unknown) => {
  core.setFailed(error instanceof Error ? (error.stack ?? error.message) : String(error));
});
