// The runner's cancel signals, heard from the start of the main step: one that comes before
// the release's code is loaded (its first read is in flight) is handed over when it is.
type CancelHandler = (signal: string) => void;

let handler: CancelHandler | undefined;
let early: string | undefined;

export function listenForCancel(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => {
      if (handler) handler(signal);
      else early ??= signal;
    });
}

/** From now on `h` hears every signal, first the one that came early, if any. */
export function onCancel(h: CancelHandler): void {
  handler = h;
  if (early) h(early);
}
