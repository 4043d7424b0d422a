// Main or post: the runner runs the same file for both, and main saves isPost, so the post
// step sees STATE_isPost.
import { main } from './main.ts';
import { post } from './post.ts';
import { loadState, saveIsPost } from './state.ts';

export async function run(): Promise<void> {
  if (loadState().isPost) return post();
  saveIsPost();
  return main();
}
