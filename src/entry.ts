// Main or post: the runner runs the same file for both, and main saves isPost, so the post
// step sees STATE_isPost. Each loads only its own code.
import { loadState, saveIsPost } from './state.ts';

export async function run(): Promise<void> {
  if (loadState().isPost) return (await import('./post.ts')).post();
  saveIsPost();
  return (await import('./main.ts')).main();
}
