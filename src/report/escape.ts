// Escaping for the two places text leaves the action: GitHub-flavoured Markdown (the job
// summary) and the runner log (where a line starting with `::` is a workflow command).
// Every string that comes from inputs or from AWS goes through one of these.

const ZWSP = '\u200b';

/** C0/C1 control characters (tab, CR and LF are handled separately) and DEL. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
/** Bidirectional overrides and isolates: they can make text display differently from what it is. */
const BIDI = /[\u202a-\u202e\u2066-\u2069]/g;
const LINE_BREAKS = /\r\n|[\r\n\u2028\u2029]/g;

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Drops control characters and bidi overrides; turns every kind of line break into one space. */
export function toSingleLine(s: string): string {
  return s.replace(LINE_BREAKS, ' ').replace(/\t/g, ' ').replace(CONTROL, '').replace(BIDI, '');
}

/** HTML text/attribute escaping: `& < > " '`. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

/**
 * Text to place inline in Markdown: in a paragraph, a heading, a list item or a table cell.
 * The result renders as exactly the characters of `s` (whitespace collapsed, line breaks as
 * spaces): no emphasis, links, images, code, HTML, math, strikethrough, headings or list
 * markers, and no `|` that could end a table cell.
 */
export function escapeMarkdown(s: string): string {
  const flat = toSingleLine(s).replace(/ {2,}/g, ' ').trim();
  let out = '';
  for (const c of flat) {
    const entity = HTML_ENTITIES[c];
    if (entity !== undefined) out += entity;
    else if ('\\`*_[]#!~|$'.includes(c)) out += `\\${c}`;
    else out += c;
  }
  // Constructs that only count at the start of a block (a list item's text is one): `- x`,
  // `+ x`, `1. x`, `1) x`, `= x` (setext underline).
  return noAutolink(out.replace(/^([-+=])/, '\\$1').replace(/^(\d+)([.)])/, '$1\\$2'));
}

/**
 * GFM's autolink extension links `http://…`, `https://…`, `ftp://…` and `www.…` even inside
 * inline HTML such as `<code>`, and takes the escapes after them into the link as typed. An
 * entity for the `:` or the `.` that starts one shows the same character and links nothing.
 */
function noAutolink(s: string): string {
  return s.replace(/\b(https?|ftp):(?=\/\/)/gi, '$1&#58;').replace(/\b(www)\./gi, '$1&#46;');
}

/**
 * A code span showing `s` verbatim, safe in a table cell. Uses a backtick fence longer than
 * any run of backticks in `s`; falls back to `<code>` with escaped text when `s` holds a `|`
 * (a raw pipe would end the table cell even inside a code span).
 */
export function inlineCode(s: string): string {
  const flat = toSingleLine(s);
  if (flat.trim() === '') return escapeMarkdown(flat) || '<code></code>';
  if (flat.includes('|')) return `<code>${escapeMarkdown(flat)}</code>`;
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  // A leading/trailing backtick would merge with the fence; CommonMark strips one padding space.
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/**
 * Text for the runner log, so that no line of it is taken for a workflow command: a line
 * whose trimmed text starts with `::` (`::error::`, `::add-mask::`, `::stop-commands::`, ...)
 * gets a zero-width space between the two colons, and the legacy `##[command]` form (matched
 * anywhere in a line) gets one between `##` and `[`. The text reads the same to a person.
 */
export function neutralizeWorkflowCommands(s: string): string {
  return s
    .split(/(\r\n|\r|\n)/)
    .map((part) => part.replace(/^(\s*):(?=:)/, `$1:${ZWSP}`).replace(/##\[/g, `#${ZWSP}#[`))
    .join('');
}

/** As @actions/core escapes a workflow command's data (the text after the second `::`). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** As @actions/core escapes a workflow command's property value (`title=...`). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * Shortens `s` to at most `max` characters, saying how much was cut. Never splits a
 * surrogate pair.
 */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = s.slice(0, Math.max(0, max));
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut}… (${s.length - cut.length} more characters)`;
}
