// XML for the services that answer in it (STS query protocol, S3 REST-XML).

export function xmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A value: text (escaped), or nested elements in order. Undefined members are left out. */
export type XmlValue = string | number | boolean | XmlFields;
export type XmlFields = ReadonlyArray<readonly [string, XmlValue | undefined]>;

export function xmlElement(name: string, value: XmlValue, attributes = ''): string {
  const open = attributes ? `<${name} ${attributes}>` : `<${name}>`;
  if (typeof value !== 'object') return `${open}${xmlEscape(String(value))}</${name}>`;
  const inner = value
    .filter((f): f is readonly [string, XmlValue] => f[1] !== undefined)
    .map(([k, v]) => xmlElement(k, v))
    .join('');
  return `${open}${inner}</${name}>`;
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** ISO 8601 without milliseconds, as STS and S3 write timestamps in XML. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
