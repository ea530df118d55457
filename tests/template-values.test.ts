/**
 * Template values (titles, summaries, glossary terms, URLs, clinic details) stand in a template's
 * Markdown as placeholders and go into the parsed tree as text (src/compose/values.ts). Whatever
 * the value — generated text full of Markdown syntax, HTML, directives, autolinks and the
 * placeholders' own characters — it must read back, through careprint's own processor, as exactly
 * that text, in every kind of place the templates put values, and must never add a node the
 * template did not have. (GFM turns a web or email address in plain text into a link, in a value
 * as in a template's own text — the text still reads the same.)
 */
import fc from 'fast-check';
import type { Link, Root } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { visit } from 'unist-util-visit';
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { composeTree, isChecked } from '../src/compose/compose.js';
import { oneLine, TemplateValues } from '../src/compose/values.js';
import { TEMPLATES_DIR } from '../src/compose/templates-dir.js';
import { loadContent } from '../src/content/load.js';
import { markdown } from '../src/pipeline/processor.js';

const parse = (text: string) => markdown.runSync(markdown.parse(new VFile({ value: text })), new VFile({ value: text })) as Root;
/** Parse `make`'s Markdown with `raw` held as a template value, and put the value in. */
const compose = (make: (v: string) => string, raw: string) => {
  const values = new TemplateValues();
  return values.fill(parse(make(values.hold(raw))));
};
/** The structure of a tree: its node types, leaving out text and GFM's address autolinks. */
const shape = (tree: Root) => {
  const types: string[] = [];
  visit(tree, (node) => {
    if (node.type === 'text') return;
    if (node.type === 'link' && toString(node) !== '' && (node.url.endsWith(toString(node)) || node.url === `mailto:${toString(node)}`)) return;
    types.push(node.type);
  });
  return types;
};

/** Places the templates put values, with the text each should read as. */
const contexts: Array<{ name: string; make: (v: string) => string; text: (v: string) => string }> = [
  { name: 'a paragraph of its own', make: (v) => `${v}\n`, text: (v) => v },
  { name: 'inside a sentence', make: (v) => `Before ${v} after\n`, text: (v) => `Before ${v} after` },
  { name: 'a line under a paragraph', make: (v) => `Intro\n${v}\n`, text: (v) => `Intro\n${v}` },
  { name: 'a heading', make: (v) => `# ${v}\n`, text: (v) => v },
  { name: 'a glossary item', make: (v) => `- **${v}**: ${v}\n`, text: (v) => `${v}: ${v}` },
  { name: 'a reference with a link', make: (v) => `1. [${v}](<${v}>). ${v}\n`, text: (v) => `${v}. ${v}` },
  { name: 'a container directive', make: (v) => `:::careprint-smallprint\n${v}\n:::\n`, text: (v) => v },
];

const syntax = [
  '*', '_', '`', '~', '|', '<', '>', '!', '[', ']', '(', ')', '{', '}', '#', '&', ':', '@', '.', '-', '+', '=', '\\', '$', '^', '"', "'",
  ' ', '  ', '\t', '\n', '\r\n', '1.', '2)', '- ', '# ', '> ', '    ', ':::', '::x', ':abbr[x]', '&amp;', '&#65;', '<b>', '<script>', '</div>',
  'www.example.org', 'https://x.org', 'a@b.org', '[^1]', '---', '===', '***', '```', '~~x~~', '| a | b |', 'x', 'word', 'é', '😀',
  '\uE000', '\uE001', '\uE0000\uE001', '\uE0001\uE001', '7',
];
const value = fc.array(fc.oneof(fc.constantFrom(...syntax), fc.string({ maxLength: 3 })), { maxLength: 12 }).map((parts) => parts.join('').replace(/\0/g, ''));

describe('template values', () => {
  it.each(contexts)('read back as the same text, adding no node, in $name', ({ make, text }) => {
    const plain = shape(parse(make('x')));
    fc.assert(
      fc.property(value, (raw) => {
        const v = oneLine(raw);
        if (v === '') return;
        const tree = compose(make, raw);
        expect(shape(tree)).toEqual(plain);
        expect(toString(tree, { includeImageAlt: false })).toBe(text(v));
      }),
      { numRuns: 300 },
    );
  });

  it('keep a URL as written in a link destination', () => {
    fc.assert(
      fc.property(value, (raw) => {
        const v = oneLine(raw);
        const links: Link[] = [];
        visit(compose((u) => `[x](<${u}>)\n`, raw), 'link', (node: Link) => void links.push(node));
        expect(links.map((l) => l.url)).toEqual([v]);
      }),
      { numRuns: 300 },
    );
  });

  it('keep a value as written in a directive attribute', () => {
    fc.assert(
      fc.property(value, (raw) => {
        const tree = compose((v) => `:::careprint-question{box="${v}"}\nx\n:::\n`, raw);
        const directive = tree.children[0];
        expect(directive?.type).toBe('containerDirective');
        expect(directive?.type === 'containerDirective' && directive.attributes?.box).toBe(oneLine(raw));
      }),
      { numRuns: 300 },
    );
  });

  it('link a web or email address in a value, as in a template\'s own text', () => {
    const tree = compose((v) => `Email: ${v}\n`, 'physio@riverside.example');
    const links: Link[] = [];
    visit(tree, 'link', (node: Link) => void links.push(node));
    expect(links.map((l) => [l.url, toString(l)])).toEqual([['mailto:physio@riverside.example', 'physio@riverside.example']]);
    const web: Link[] = [];
    visit(compose((v) => `Web: ${v}\n`, 'www.riverside.example'), 'link', (node: Link) => void web.push(node));
    expect(web.map((l) => l.url)).toEqual(['http://www.riverside.example']);
  });

  it('leave an empty value empty, so a template\'s {{#if}} sees it as absent', () => {
    const values = new TemplateValues();
    expect(values.hold({ a: ' \n ', b: '', c: null, d: 3, e: ['x', ''] })).toEqual({ a: '', b: '', c: null, d: 3, e: ['\uE0000\uE001', ''] });
  });

  it('give guides of the same shape their own values, whatever was done to an earlier tree', async () => {
    const root = path.resolve(import.meta.dirname, '..');
    const content = await loadContent(path.join(root, 'content'), { cwd: root });
    const guide = content.guides.filter(isChecked)[0]!;
    const other = { ...guide, meta: { ...guide.meta, title: 'Knee <b>pain</b> *now*', summary: 'Another: guide' } };
    // The same shape: the two handouts' Markdown differs only in the values held out of it.
    const first = composeTree('handout', { content, guide });
    visit(first, 'text', (node) => {
      node.value = 'changed by a renderer';
    });
    const second = composeTree('handout', { content, guide: other });
    const third = composeTree('handout', { content, guide });
    expect(toString(second)).toContain('Knee <b>pain</b> *now*');
    expect(toString(second)).not.toContain(guide.meta.title);
    expect(toString(third)).toContain(guide.meta.title);
    expect(toString(third)).not.toContain('changed by a renderer');
  });

  it("never meet a placeholder's characters in careprint's own templates (they are reserved)", () => {
    const files = readdirSync(TEMPLATES_DIR, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.md.hbs'));
    expect(files.length).toBeGreaterThan(5);
    const using = files.filter((name) => /[\uE000\uE001]/.test(readFileSync(path.join(TEMPLATES_DIR, name), 'utf8')));
    expect(using).toEqual([]);
  });
});
