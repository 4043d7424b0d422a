// Where the zip (and its central directory, until it is copied in) is written: a file,
// appended to through a buffer.
import type { FileHandle } from 'node:fs/promises';

const BUFFER_BYTES = 256 * 1024;

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

  private async writeAll(data: Uint8Array, at: number): Promise<void> {
    for (let done = 0; done < data.length; ) {
      const { bytesWritten } = await this.file.write(data, done, data.length - done, at + done);
      done += bytesWritten;
    }
  }
}
