import { describe, expect, it } from 'vitest';
import {
  escapeData,
  escapeHtml,
  escapeMarkdown,
  escapeProperty,
  inlineCode,
  neutralizeWorkflowCommands,
  toSingleLine,
  truncate,
} from '../../src/report/escape.ts';
import { cells } from './table-cells.ts';

describe('escapeMarkdown', () => {
  it('escapes Markdown punctuation with backslashes', () => {
    expect(escapeMarkdown('a*b_c`d[e]f#g!h~i|j\\k$l')).toBe(
      'a\\*b\\_c\\`d\\[e\\]f\\#g\\!h\\~i\\|j\\\\k\\$l',
    );
  });

  it('links no URL: GFM would autolink it even inside <code>, escapes and all', () => {
    expect(escapeMarkdown('see https://x.io/a, HTTP://y and www.z.org or ftp://f')).toBe(
      'see https&#58;//x.io/a, HTTP&#58;//y and www&#46;z.org or ftp&#58;//f',
    );
    expect(inlineCode('a|http://e`b')).toBe('<code>a\\|http&#58;//e\\`b</code>');
    // A code span shows its text verbatim and links nothing: left as it is.
    expect(inlineCode('http://e')).toBe('`http://e`');
  });

  it('uses HTML entities for & < > " \'', () => {
    expect(escapeMarkdown(`<script>alert("x")</script> & 'y'`)).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;',
    );
  });

  it('turns line breaks into spaces and drops control characters', () => {
    expect(escapeMarkdown('one\ntwo\r\nthree\rfour\u2028five\ttab\u0007bell\u001b[31mred')).toBe(
      'one two three four five tabbell\\[31mred',
    );
  });

  it('collapses runs of spaces and trims', () => {
    expect(escapeMarkdown('   a    b  ')).toBe('a b');
  });

  it('removes bidi overrides', () => {
    expect(escapeMarkdown('abc\u202edef\u2066')).toBe('abcdef');
  });

  it('neutralises block markers at the start', () => {
    expect(escapeMarkdown('- item')).toBe('\\- item');
    expect(escapeMarkdown('+ item')).toBe('\\+ item');
    expect(escapeMarkdown('= x')).toBe('\\= x');
    expect(escapeMarkdown('12. item')).toBe('12\\. item');
    expect(escapeMarkdown('3) item')).toBe('3\\) item');
    expect(escapeMarkdown('# title')).toBe('\\# title');
    expect(escapeMarkdown('> quote')).toBe('&gt; quote');
    expect(escapeMarkdown('a - b. 1. c')).toBe('a - b. 1. c');
  });

  it('keeps a table row to its cells', () => {
    const row = `| a | ${escapeMarkdown('x | y \\| z\n| w')} |`;
    expect(cells(row)).toHaveLength(4);
  });

  it('leaves plain text alone', () => {
    expect(escapeMarkdown('d-ABC123 version 7, 10% (of traffic).')).toBe(
      'd-ABC123 version 7, 10% (of traffic).',
    );
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
  });
});

describe('inlineCode', () => {
  it('wraps plain text in single backticks', () => {
    expect(inlineCode('my-function')).toBe('`my-function`');
  });

  it('uses a longer fence than any backtick run inside', () => {
    expect(inlineCode('a`b``c')).toBe('```a`b``c```');
  });

  it('pads when the text starts or ends with a backtick', () => {
    expect(inlineCode('`x')).toBe('`` `x ``');
  });

  it('falls back to an escaped <code> element when the text holds a pipe', () => {
    expect(inlineCode('a|b<c>')).toBe('<code>a\\|b&lt;c&gt;</code>');
    expect(cells(`| ${inlineCode('a|b')} |`)).toHaveLength(3);
  });

  it('keeps HTML inside the code span (rendered as text there)', () => {
    expect(inlineCode('<script>')).toBe('`<script>`');
  });

  it('flattens line breaks', () => {
    expect(inlineCode('a\nb')).toBe('`a b`');
  });
});

describe('neutralizeWorkflowCommands', () => {
  const commandLike = (line: string) => line.trim().startsWith('::') || line.includes('##[');

  it('breaks `::` at the start of a line, after whitespace too', () => {
    for (const s of ['::error::boom', '  ::add-mask::x', '\t::stop-commands::tok', '::']) {
      const out = neutralizeWorkflowCommands(s);
      expect(commandLike(out)).toBe(false);
      expect(out.replace(/\u200b/g, '')).toBe(s);
    }
  });

  it('handles every line of a multi-line text', () => {
    const out = neutralizeWorkflowCommands(
      'ok\n::error::a\r\n  ::warning::b\r::set-output name=x::y',
    );
    for (const line of out.split(/\r\n|\r|\n/)) expect(commandLike(line)).toBe(false);
    expect(out.split(/\r\n|\r|\n/)).toHaveLength(4);
  });

  it('breaks the legacy ##[command] form anywhere in a line', () => {
    const out = neutralizeWorkflowCommands('x ##[error]boom ##[group]g');
    expect(out).not.toContain('##[');
  });

  it('leaves `::` that is not at the start alone', () => {
    expect(neutralizeWorkflowCommands('arn:aws::x a::b')).toBe('arn:aws::x a::b');
  });
});

describe('escapeData / escapeProperty', () => {
  it('escape as @actions/core does', () => {
    expect(escapeData('50%\r\nx')).toBe('50%25%0D%0Ax');
    expect(escapeProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A');
  });
});

describe('toSingleLine', () => {
  it('keeps text on one line', () => {
    expect(toSingleLine('a\nb\r\nc')).toBe('a b c');
  });
});

describe('truncate', () => {
  it('keeps short text', () => {
    expect(truncate('abc', 3)).toBe('abc');
  });
  it('says how much was cut', () => {
    expect(truncate('abcdef', 2)).toBe('ab… (4 more characters)');
  });
  it('never splits a surrogate pair', () => {
    const out = truncate('a😀b', 2);
    expect(out.startsWith('a…')).toBe(true);
  });
});
