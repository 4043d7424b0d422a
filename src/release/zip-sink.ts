// Where the zip is written: a file, appended to through a buffer (a zip of 65,535 tiny files
// is some 200,000 small pieces), with the two out-of-order writes a streamed entry needs:
// its local header once its sizes are known, and a cut back when its data is stored instead.
import type { FileHandle } from 'node:fs/promises';

const BUFFER_BYTES = 256 * 1024;
const BLOCK_BYTES = 64 * 1024;

export class FileSink {
  /** bytes appended so far: where the next append lands */
  position = 0;
  private readonly buf = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;
  /** where `buf` starts in the file */
  private flushedTo = 0;

  private readonly file: FileHandle;

  constructor(file: FileHandle) {
    this.file = file;
  }

  async append(data: Uint8Array): Promise<void> {
    if (this.used + data.length > this.buf.length) await this.flush();
    if (data.length >= this.buf.length) {
      await this.writeAll(data, this.flushedTo);
      this.flushedTo += data.length;
    } else {
      this.buf.set(data, this.used);
      this.used += data.length;
    }
    this.position += data.length;
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    await this.writeAll(this.buf.subarray(0, this.used), this.flushedTo);
    this.flushedTo += this.used;
    this.used = 0;
  }

  /** Overwrites bytes already appended (and flushed) at `at`. */
  async writeAt(at: number, data: Uint8Array): Promise<void> {
    await this.flush();
    await this.writeAll(data, at);
  }

  /** Drops everything appended from `at` on. */
  async cutTo(at: number): Promise<void> {
    await this.flush();
    await this.file.truncate(at);
    this.position = this.flushedTo = at;
  }

  private async writeAll(data: Uint8Array, at: number): Promise<void> {
    for (let done = 0; done < data.length; ) {
      const { bytesWritten } = await this.file.write(data, done, data.length - done, at + done);
      done += bytesWritten;
    }
  }
}

/**
 * Bytes gathered in blocks (the central directory), to be written once at the end. Every block
 * but the last is filled to its end, so the blocks laid end to end are exactly the bytes pushed.
 */
export class ByteList {
  readonly blocks: Buffer[] = [];
  length = 0;
  private last = Buffer.alloc(0);
  private used = 0;

  push(data: Uint8Array): void {
    let from = 0;
    while (from < data.length) {
      if (this.used === this.last.length) {
        this.last = Buffer.allocUnsafe(BLOCK_BYTES);
        this.blocks.push(this.last);
        this.used = 0;
      }
      const n = Math.min(data.length - from, this.last.length - this.used);
      this.last.set(data.subarray(from, from + n), this.used);
      this.used += n;
      from += n;
    }
    this.length += data.length;
  }

  /** The bytes, block by block, the last one cut to what it holds. */
  *chunks(): Generator<Buffer> {
    for (const b of this.blocks) yield b === this.last ? b.subarray(0, this.used) : b;
  }
}
