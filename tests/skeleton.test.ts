/**
 * A composed template's Markdown is parsed block by block, each block's parse reused by the next
 * output with the same block (src/compose/skeleton.ts). The tree must be the one parsing the whole
 * text gives — every node, every field, every position — whatever the Markdown: the CommonMark
 * spec's examples alone and run together, and random documents made of the constructs that cross
 * blank lines (container directives nested and not, lists, block quotes, indented code, tables)
 * with template placeholders in them.
 */
import fc from 'fast-check';
import type { Root } from 'mdast';
import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { blockStarts, parseSkeleton } from '../src/compose/skeleton.js';
import { markdown } from '../src/pipeline/processor.js';

const spec = (createRequire(import.meta.url)('commonmark-spec') as { tests: Array<{ markdown: string }> }).tests.map((t) => t.markdown.replace(/→/g, '\t'));

const wholeParse = (text: string) => {
  const file = new VFile({ value: text });
  return markdown.runSync(markdown.parse(file), file) as Root;
};
/** Plain data (no prototypes or undefined fields), as the renderers see it. */
const data = (tree: Root): unknown => JSON.parse(JSON.stringify(tree));

/** The texts whose block-by-block parse differs from the whole parse. */
const differing = (texts: readonly string[]) => texts.filter((text) => !isDeepStrictEqual(data(parseSkeleton(undefined, text)), data(wholeParse(text))));

const P = (n: number) => `\uE000${n}\uE001`;
/** Pieces of Markdown whose meaning can depend on what is around them. */
const pieces = [
  ':::note\ntext\n:::', '::::outer\n:::inner\nx\n\ny\n:::\n\nz\n::::', ':::a\n\n- x\n- y\n\nfoo\n:::', ':::a{b="c"}\n# H\n\npara\n\n:::', ':::\n', ':::x', 'para\n:::y\nin\n:::', '   :::z\n\nq\n   :::',
  '- a\n- b', '- a\n\n  b', '1. x\n2. y', '1986. what', '* * *', '---', 'Title\n===', '> quote\n> more', '> q\n\nlazy', '    code\n\n    more', 'a | b\n--|--\n1 | 2',
  `${P(3)} text ${P(12)}`, `# ${P(7)}`, `- **${P(1)}**: ${P(2)}`, `1. [${P(5)}](<${P(6)}>). ${P(7)}`, '::careprint-body', `:careprint-page{section="${P(9)}"}`,
  'plain paragraph\nwith two lines', '\tindented by tab', '  two spaces', 'www.example.org and a@b.org', '*emph* **strong** ~~del~~', '- [ ] task', '+ plus', 'text  \nhard break', '\\:::escaped',
  '```\nfenced\n\n```', '<div>\n\nhtml\n</div>', '[ref]: /url', 'a [ref] b', 'note[^1]', '[^1]: the note',
];
const separators = ['\n', '\n\n', '\n\n\n', '\n  \n', '\r\n\r\n'];

describe('composed Markdown parsed block by block', () => {
  it('gives the whole parse for every CommonMark spec example', () => {
    expect(spec.length).toBeGreaterThan(600);
    expect(differing(spec)).toEqual([]);
  });

  it('gives the whole parse for spec examples run together', () => {
    const texts = fc.sample(
      fc.tuple(fc.array(fc.constantFrom(...spec), { minLength: 2, maxLength: 4 }), fc.constantFrom(...separators)).map(([parts, sep]) => parts.join(sep)),
      { numRuns: 1500, seed: 7 },
    );
    expect(texts.filter((text) => blockStarts(text).length > 1).length).toBeGreaterThan(200);
    expect(differing(texts)).toEqual([]);
  });

  it('gives the whole parse for documents of containers, lists, quotes, code and placeholders', () => {
    const texts = fc.sample(
      fc
        .tuple(fc.array(fc.tuple(fc.constantFrom(...pieces), fc.constantFrom(...separators)), { minLength: 1, maxLength: 7 }), fc.boolean())
        .map(([parts, trim]) => {
          const text = parts.map(([piece, sep]) => piece + sep).join('');
          return trim ? text.trimEnd() : text;
        }),
      { numRuns: 4000, seed: 11 },
    );
    expect(texts.filter((text) => blockStarts(text).length > 1).length).toBeGreaterThan(1000);
    expect(differing(texts)).toEqual([]);
  });

  it('splits where a new top-level block starts, and not inside a container, before a list item or across a fence', () => {
    const lines = (text: string) => blockStarts(text).map((s) => s.line);
    expect(lines('# T\n\npara\n\n:::box\nin\n\nstill in\n:::\n\nafter\n')).toEqual([0, 2, 4, 10]);
    expect(lines('- a\n\n- b\n\nnext\n')).toEqual([0, 4]);
    expect(lines('::::outer\n:::inner\n:::\n\nin outer\n::::\n\nout\n')).toEqual([0, 7]);
    expect(lines('```\na\n\nb\n```\n\nc\n')).toEqual([0]);
    expect(lines('a\n\n[x]: /u\n\nb\n')).toEqual([0]);
  });

  it('puts each output its own placeholders back, in text, links and directive attributes', () => {
    const block = (n: number) => `:::q{box="${P(n)}"}\n## ${P(n + 1)}\n\n[${P(n + 2)}](<${P(n + 3)}>)\n:::\n`;
    const first = parseSkeleton(undefined, `# ${P(0)}\n\n${block(1)}`);
    const second = parseSkeleton(undefined, `# ${P(0)}\n\n${block(117)}`);
    expect(JSON.stringify(first)).toContain(`"box":"${P(1)}"`);
    expect(JSON.stringify(second)).toContain(`"box":"${P(117)}"`);
    expect(JSON.stringify(second)).toContain(`"url":"${P(120)}"`);
    expect(data(second)).toEqual(data(wholeParse(`# ${P(0)}\n\n${block(117)}`)));
    // Each call gives a tree of its own: changing one leaves the next parse as it was.
    first.children.length = 0;
    expect(data(parseSkeleton(undefined, `# ${P(0)}\n\n${block(1)}`))).toEqual(data(wholeParse(`# ${P(0)}\n\n${block(1)}`)));
  });
});
