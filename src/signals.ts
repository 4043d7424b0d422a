// The runner's cancel signals, heard from the start of the main step: one that comes before
// the release's code is loaded (its first read in flight) aborts that read at once and is
// handed over to the release's handler when there is one.
type CancelHandler = (signal: string) => void;

let handler: CancelHandler | undefined;
let early: string | undefined;

export function listenForCancel(controller: AbortController): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => {
      if (handler) return handler(signal);
      early ??= signal;
      controller.abort();
    });
}

/** From now on `h` hears every signal, first the one that came early, if any. */
export function onCancel(h: CancelHandler): void {
  handler = h;
  if (early) h(early);
}
