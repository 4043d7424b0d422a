// Messages the action writes (causes, notes, plan steps) mark names with backticks and carry
// console URLs bare, so they read well in the log. In the summary those marks become code
// spans and links; everything else, the AWS and user text inside included, is escaped once.

import { isConsoleUrl } from '../aws/console.ts';
import { escapeMarkdown, inlineCode, toSingleLine, truncate } from './escape.ts';

/** A Markdown link; `url` comes from links.ts, so it is already percent-encoded. */
export function link(text: string, url: string): string {
  return `[${text}](${url.replace(/[\s()<>]/g, (c) => encodeURIComponent(c))})`;
}

/** Backtick spans and console URLs; the rest is text. */
const MARKS = /`([^`]+)`|https:\/\/[^\s<>()`|\\]+/g;

/**
 * One message as inline Markdown: `name` → a code span showing the name verbatim; a bare AWS
 * console URL → a `console` link; any other text escaped, so it shows as typed. A URL to
 * anywhere else stays text.
 */
export function renderMessage(message: string, max: number): string {
  const flat = toSingleLine(truncate(message, max));
  let out = '';
  let at = 0;
  for (const m of flat.matchAll(MARKS)) {
    out += escapeText(flat.slice(at, m.index));
    const url = m[0].replace(/[.,;:]+$/, '');
    if (m[1] !== undefined) out += inlineCode(m[1]);
    else if (isConsoleUrl(url))
      out += `${link('console', url)}${escapeText(m[0].slice(url.length))}`;
    else out += escapeText(m[0]);
    at = m.index + m[0].length;
  }
  return (out + escapeText(flat.slice(at))).trim();
}

/** escapeMarkdown for a piece inside a line: keeps the spaces at its ends. */
function escapeText(s: string): string {
  if (s === '') return '';
  const lead = /^\s/.test(s) ? ' ' : '';
  const trail = /\s$/.test(s) && s.trim() !== '' ? ' ' : '';
  const inner = escapeMarkdown(s);
  return inner === '' ? ' ' : `${lead}${inner}${trail}`;
}

/** The same message as plain text, for the log and annotations: the backticks dropped. */
export function plainMessage(message: string): string {
  return toSingleLine(message).replace(/`([^`]+)`/g, '$1');
}
