// Deflate into a buffer given, with one zlib stream kept for every file of a worker.
//
// zlib.deflateRawSync makes a stream a call: a Transform with its buffers on the JS heap and
// some 270 KiB of zlib state allocated and freed. For a tiny file that costs more than the
// deflate itself, and the garbage piles up in the worker (measured on 65,535 tiny files with
// two workers: 60 MiB above idle and 2.3 s of CPU with deflateRawSync, 42 MiB and 1.6 s with
// one stream reset between files). deflateReset leaves the stream as deflateInit left it, so
// the bytes are the same (test/unit/zip.test.ts pins them).
//
// Node's public API has no way to reuse a stream for a synchronous deflate, so this drives the
// stream's native handle as zlib.deflateRawSync itself does (writeSync, then _writeState);
// where a Node lacks them it falls back to deflateRawSync.

/** The parts of Node's zlib stream its synchronous calls use (lib/zlib.js). */
interface NativeDeflate {
  _handle?: {
    writeSync(
      flush: number,
      input: Uint8Array,
      inOff: number,
      inLen: number,
      out: Uint8Array,
      outOff: number,
      outLen: number,
    ): void;
    reset(): void;
  };
  /** [avail_out, avail_in] after each writeSync */
  _writeState?: Uint32Array;
  destroyed: boolean;
  on(event: 'error', listener: () => void): void;
}

/**
 * Returns `deflateInto(input, out, at, under)`: writes the raw deflate of `input` (at `level`)
 * into `out` from `at` and returns its size when that is under `under` bytes (`out` has that
 * much room); otherwise returns -1 (the caller stores the file). It uses nothing from outside
 * itself, because the zip workers run it (sent as source text: zip-workers.ts).
 */
export function deflater(zlib: typeof import('node:zlib'), level: number) {
  const FINISH = zlib.constants.Z_FINISH;
  const engine = zlib.createDeflateRaw({ level }) as unknown as NativeDeflate;
  // A failure destroys the stream and emits 'error' later: it is seen through `destroyed`.
  engine.on('error', () => {});
  const handle = engine._handle;
  const state = engine._writeState;
  // deflateReset leaves the previous file's bytes in zlib's window, and a fresh stream's window
  // is zero past the input's end (as far as a match may look, 258 bytes): stale bytes there
  // change which match deflate picks (valid, but other bytes). So before a file shorter than
  // what the window holds from earlier ones, the window is overwritten with zeros by deflating
  // that many of them. Past the window's 64 KiB a fresh stream zeroes nothing either.
  const WINDOW = 64 * 1024;
  const zeros = Buffer.alloc(WINDOW);
  const spare = Buffer.allocUnsafe(WINDOW + 1024);
  /** How far the window holds bytes of earlier files. */
  let dirty = 0;
  const run = (input: Buffer, length: number, out: Buffer, at: number, room: number) => {
    handle!.writeSync(FINISH, input, 0, length, out, at, room);
    if (engine.destroyed) throw new Error('zlib could not deflate a file');
    const left = state![0]!;
    handle!.reset();
    return left;
  };
  const viaHandle = (input: Buffer, out: Buffer, at: number, under: number): number => {
    if (input.length < dirty) run(zeros, dirty, spare, 0, spare.length);
    dirty = Math.min(input.length, WINDOW);
    const left = run(input, input.length, out, at, under);
    // Output room left over means deflate finished in less than `under` bytes.
    return left > 0 ? under - left : -1;
  };
  const viaCopy = (input: Buffer, out: Buffer, at: number, under: number): number => {
    const deflated = zlib.deflateRawSync(input, { level });
    if (deflated.length >= under) return -1;
    deflated.copy(out, at);
    return deflated.length;
  };
  const deflate = handle && state ? viaHandle : viaCopy;
  return (input: Buffer, out: Buffer, at: number, under: number): number =>
    under <= 0 ? -1 : deflate(input, out, at, under);
}
