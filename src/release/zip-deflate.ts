// Deflate for the zip workers, with one zlib stream kept for every file of a worker.
//
// zlib.deflateRawSync makes a stream a call: a Transform with its buffers on the JS heap and
// some 270 KiB of zlib state allocated and freed. For a tiny file that costs more than the
// deflate itself, and the garbage piles up in the worker (measured on 65,535 tiny files with
// two workers: 60 MiB above idle and 2.3 s of CPU with deflateRawSync, 42 MiB and 1.6 s with
// one stream reset between files). A reset stream gives the bytes a fresh one gives (see
// below; test/unit/zip.test.ts pins them).
//
// Node's public API has no synchronous deflate that reuses a stream, so this drives the
// stream's native handle as zlib.deflateRawSync itself does (lib/zlib.js: writeSync, then
// _writeState); Node 20 to 24 have both.

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
 * A raw deflate at `level`: `into` for a file read whole, `stream` for one read in chunks. It
 * uses nothing from outside itself, because the zip workers run it (sent as source text:
 * zip-workers.ts).
 */
export function deflater(zlib: typeof import('node:zlib'), level: number) {
  const { Z_NO_FLUSH, Z_FINISH } = zlib.constants;
  const engine = zlib.createDeflateRaw({ level }) as unknown as NativeDeflate;
  // A failure destroys the stream and emits 'error' later: it is seen through `destroyed`.
  engine.on('error', () => {});
  const handle = engine._handle;
  const state = engine._writeState;
  if (!handle || !state) {
    // A Node without these internals still gets the same bytes from the public API, a stream
    // a file, and a large file held whole until its end: slower and more memory, never wrong.
    const whole = (input: Buffer) => zlib.deflateRawSync(input, { level });
    return {
      into: (input: Buffer, out: Buffer, at: number, under: number): number => {
        const d = whole(input);
        if (d.length >= under) return -1;
        d.copy(out, at);
        return d.length;
      },
      stream: (_first: number, emit: (deflated: Buffer) => void) => {
        const chunks: Buffer[] = [];
        return (chunk: Buffer, last: boolean) => {
          chunks.push(Buffer.from(chunk));
          if (last) emit(whole(Buffer.concat(chunks)));
        };
      },
      broken: () => false,
    };
  }
  /** One deflate call over input[inOff, inOff + inLen) into out[outOff, outOff + outLen). */
  const step = (flush: number, input: Uint8Array, inOff: number, inLen: number, out: Buffer) => {
    handle.writeSync(flush, input, inOff, inLen, out, 0, out.length);
    if (engine.destroyed) throw new Error('zlib could not deflate a file');
  };

  // deflateReset leaves the previous file's bytes in zlib's window, where a fresh stream's
  // window is zero past the input's end (as far as a match may look, 258 bytes): stale bytes
  // there change which match deflate picks (valid, but other bytes). So before a file shorter
  // than what the window holds from earlier ones, the window is overwritten with zeros by
  // deflating that many of them. Past the window's 64 KiB a fresh stream zeroes nothing either.
  const WINDOW = 64 * 1024;
  const zeros = Buffer.alloc(WINDOW);
  const spare = Buffer.allocUnsafe(WINDOW + 1024);
  /** How far the window holds bytes of earlier files. */
  let dirty = 0;
  /** A file streamed is not finished (it failed, or was cancelled): reset before the next. */
  let open = false;
  /** Makes the stream as a fresh one for a file of `size` bytes (or more, when it is WINDOW). */
  const begin = (size: number) => {
    if (open) handle.reset();
    open = false;
    if (size < dirty) {
      step(Z_FINISH, zeros, 0, dirty, spare);
      handle.reset();
    }
    dirty = Math.min(size, WINDOW);
  };

  /**
   * Writes the deflate of `input` into `out` from `at` and returns its size when that is under
   * `under` bytes (`out` has that much room); otherwise returns -1 (the file is stored).
   */
  const into = (input: Buffer, out: Buffer, at: number, under: number): number => {
    if (under <= 0) return -1;
    begin(input.length);
    handle.writeSync(Z_FINISH, input, 0, input.length, out, at, under);
    if (engine.destroyed) throw new Error('zlib could not deflate a file');
    const left = state[0]!;
    handle.reset();
    // Room left over means deflate finished in less than `under` bytes.
    return left > 0 ? under - left : -1;
  };

  /**
   * Starts a file read in chunks, the first of them `first` bytes long; returns the function
   * that deflates each next chunk (`last` once the file has ended), passing what comes out to
   * `emit` (a view of a buffer reused by the next call: copy or write it at once).
   */
  const stream = (first: number, emit: (deflated: Buffer) => void) => {
    begin(first);
    open = true;
    return (chunk: Buffer, last: boolean) => {
      let inOff = 0;
      let inLen = chunk.length;
      for (;;) {
        step(last ? Z_FINISH : Z_NO_FLUSH, chunk, inOff, inLen, spare);
        const [availOut, availIn] = [state[0]!, state[1]!];
        if (availOut < spare.length) emit(spare.subarray(0, spare.length - availOut));
        inOff += inLen - availIn;
        inLen = availIn;
        // Output room left over: the input is all taken (and, when last, the stream ended).
        if (availOut > 0) break;
      }
      if (!last) return;
      handle.reset();
      open = false;
    };
  };

  /** True once zlib has failed: the stream is closed, and a new deflater is needed. */
  const broken = () => engine.destroyed;
  return { into, stream, broken };
}
