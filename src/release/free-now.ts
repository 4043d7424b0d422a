// Memory given back the moment a large buffer is done with (uploads of several functions).

/**
 * Gives a large buffer's memory back at once rather than at the next garbage collection,
 * which V8 starts only once 64 MB more of such memory is held: planning 25 entries of 5 MB
 * would otherwise hold several dead zips at the peak. Only a buffer that owns its whole
 * ArrayBuffer (not a slice of Node's pool) is freed; after this it reads as empty.
 */
export function freeNow(buf: Uint8Array): void {
  const ab = buf.buffer;
  if (ab instanceof ArrayBuffer && buf.byteOffset === 0 && buf.byteLength === ab.byteLength)
    ab.transfer(0);
}
