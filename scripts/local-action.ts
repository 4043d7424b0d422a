// Entry point for @github/local-action (`npm run local-action`): it imports this file and
// calls run(), the same one the bundle runs. Passed again as `--post`, the second call sees
// the isPost state main saved and runs the post step. local-action replaces @actions/core
// in-process: inputs come from the INPUT_* variables of the .env file, state stays in
// memory, and setFailed only prints the error (local-action itself still exits 0; read the
// log or the `status` output).
export { run } from '../src/entry.ts';
