// The `aws-chunked` content encoding the SDK uses for streamed uploads with a trailing
// checksum: `<hex size>[;chunk-signature=..]\r\n<bytes>\r\n` ... `0[;..]\r\n` then trailer
// lines `name:value\r\n` and a closing `\r\n`.
import { S3Error } from './errors.ts';

export interface DecodedBody {
  data: Buffer;
  trailers: Record<string, string>;
}

export function isAwsChunked(headers: Record<string, string | string[] | undefined>): boolean {
  const encoding = String(headers['content-encoding'] ?? '');
  const sha = String(headers['x-amz-content-sha256'] ?? '');
  return (
    encoding.split(',').some((e) => e.trim() === 'aws-chunked') || sha.startsWith('STREAMING-')
  );
}

export function decodeAwsChunked(body: Buffer): DecodedBody {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', pos);
    if (eol < 0) throw incomplete();
    const sizeText = body.subarray(pos, eol).toString('latin1').split(';')[0]?.trim() ?? '';
    const size = Number.parseInt(sizeText, 16);
    if (!/^[0-9a-fA-F]+$/.test(sizeText) || !Number.isFinite(size)) throw incomplete();
    pos = eol + 2;
    if (size === 0) break;
    if (pos + size + 2 > body.length) throw incomplete();
    parts.push(body.subarray(pos, pos + size));
    pos += size;
    if (body.toString('latin1', pos, pos + 2) !== '\r\n') throw incomplete();
    pos += 2;
  }
  return { data: Buffer.concat(parts), trailers: parseTrailers(body.toString('latin1', pos)) };
}

function parseTrailers(text: string): Record<string, string> {
  const trailers: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0)
      trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return trailers;
}

function incomplete(): S3Error {
  return new S3Error(
    400,
    'IncompleteBody',
    'You did not provide the number of bytes specified by the Content-Length HTTP header.',
  );
}
