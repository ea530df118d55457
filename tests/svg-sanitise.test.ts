/**
 * The SVG allowlist (src/content/svg.ts) on generated input: whatever mix of drawing and hostile
 * pieces a file holds, either check refuses it or what careprint writes holds only allowlisted SVG
 * elements and attributes, no address but #id (or an embedded PNG/JPEG, or a hyperlink's web
 * address), and reads back as itself.
 */
import fc from 'fast-check';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { describe, expect, it } from 'vitest';
import { CSS_PROPERTIES, SVG_ATTRIBUTES, SVG_ELEMENTS, SVG_NS } from '../src/content/svg-allowlist.js';
import { isSvgProblem, sanitiseSvg } from '../src/content/svg.js';

const PIECES = [
  '<rect x="1" y="2" width="10" height="5" fill="#123456"/>',
  '<g transform="translate(1 2)"><circle r="3" style="fill: red; stroke: url(#g)"/></g>',
  '<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs>',
  '<use href="#g"/>',
  '<text x="1" y="9">Hip &amp; knee</text>',
  '<style>rect { fill: blue } @media print { rect { fill: red } }</style>',
  '<style><![CDATA[ <!-- ]]></style>',
  '<style><![CDATA[ --> ]]></style>',
  '<script>document.title = "ran"</script>',
  '<x:script xmlns:x="http://www.w3.org/2000/svg">1</x:script>',
  '<i:meta xmlns:i="urn:other">document.title = "ran"</i:meta>',
  '<a href="https://example.org/"><rect width="1" height="1"/></a>',
  '<a href="javascript:alert(1)">x</a>',
  '<image href="https://example.org/x.png" width="1" height="1"/>',
  '<rect width="1" height="1" onclick="alert(1)"/>',
  '<rect width="1" height="1" style="background: image-set(\'https://example.org/x\' 1x)"/>',
  '<rect width="1" height="1" fill="u\\rl(https://example.org/x)"/>',
  '<svg:rect xmlns:svg="http://www.w3.org/2000/svg" width="2" height="2"/>',
  '<animate attributeName="href" to="javascript:alert(1)"/>',
  '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>',
  '<rect width="1e400" height="1"/>',
  '<!-- a comment <script> -->',
  '<?xml-stylesheet href="x.css"?>',
];

const svgOf = (pieces: string[]) => `<svg xmlns="${SVG_NS}" width="20" height="10">${pieces.join('')}</svg>`;

/** Names in the written file that the allowlist does not hold, and addresses it should not keep. */
function outsideAllowlist(svg: string): string[] {
  const found: string[] = [];
  const parser = new SaxesParser({ xmlns: true });
  parser.on('opentag', (tag: SaxesTagNS) => {
    if (tag.uri !== SVG_NS || !SVG_ELEMENTS.has(tag.local)) found.push(`<${tag.name}>`);
    for (const attribute of Object.values(tag.attributes)) {
      if (attribute.name === 'xmlns' || attribute.name === 'style' || attribute.name === 'xml:space') continue;
      if (attribute.local === 'href') {
        if (!/^(#|data:image\/(png|jpeg);base64,|https?:|mailto:|tel:)/.test(attribute.value)) found.push(`href ${attribute.value}`);
      } else if (attribute.uri !== '' || !(SVG_ATTRIBUTES.has(attribute.local) || CSS_PROPERTIES.has(attribute.local))) found.push(attribute.name);
    }
  });
  parser.on('doctype', () => found.push('doctype'));
  parser.on('processinginstruction', () => found.push('instruction'));
  parser.write(svg).close();
  return found;
}

describe('SVG figures written again from the allowlist', () => {
  it('refuses or writes only allowlisted drawing, for any mix of pieces, and writing it again changes nothing', () => {
    let written = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 8 }), (pieces) => {
        const result = sanitiseSvg(svgOf(pieces));
        if (isSvgProblem(result)) {
          refused++;
          expect(result.reason).not.toBe('');
          return;
        }
        written++;
        expect(outsideAllowlist(result.svg)).toEqual([]);
        expect(result.svg).not.toMatch(/script|javascript:|image-set|onclick|ran"/i);
        const again = sanitiseSvg(result.svg);
        expect(isSvgProblem(again) ? again : again.svg).toBe(result.svg);
      }),
      { numRuns: 300, seed: 21 },
    );
    // Both paths were taken.
    expect(written).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(20);
  });

  it('keeps a figure as Inkscape draws it: size from width/height in real units, text, gradients by #id', () => {
    const result = sanitiseSvg(
      `<svg xmlns="${SVG_NS}" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" width="50mm" height="1in" viewBox="0 0 50 25" inkscape:version="1.3"><defs><radialGradient id="r"><stop offset="1" stop-color="#000"/></radialGradient></defs><path d="M0 0 L10 10" style="fill:url(#r);stroke-width:0.5;-inkscape-font-specification:Sans" inkscape:label="Line"/><text xml:space="preserve"><tspan x="1" y="2">Knee </tspan></text></svg>`,
    );
    expect(isSvgProblem(result)).toBe(false);
    if (isSvgProblem(result)) return;
    expect(result.width).toBeCloseTo(50 * (96 / 25.4), 5);
    expect(result.height).toBe(96);
    expect(result.svg).toContain('<path d="M0 0 L10 10" style="fill:url(#r);stroke-width:0.5"/>');
    expect(result.svg).toContain('<text xml:space="preserve"><tspan x="1" y="2">Knee </tspan></text>');
  });

  it("leaves a gradient's spreadMethod out (svg-to-pdfkit drew a repeated gradient stripe by stripe: ten million for 300 bytes)", () => {
    const result = sanitiseSvg(`<svg xmlns="${SVG_NS}" width="10" height="10"><linearGradient id="g" gradientUnits="userSpaceOnUse" x2="0.00001" spreadMethod="repeat"><stop offset="0" stop-color="#000"/></linearGradient><rect width="10" height="10" fill="url(#g)"/></svg>`);
    expect(!isSvgProblem(result) && result.svg).not.toContain('spreadMethod');
  });

  it('counts what url(#id) references draw again: a marker at every vertex', () => {
    const marker = (vertices: number) =>
      sanitiseSvg(`<svg xmlns="${SVG_NS}" width="10" height="10"><marker id="m"><circle r="1"/><circle r="2"/></marker><polyline points="${Array.from({ length: vertices }, (_, i) => `${i} 0`).join(' ')}" marker-mid="url(#m)"/></svg>`);
    const few = marker(10);
    const many = marker(10_000);
    expect(isSvgProblem(few) ? few.reason : few.elements).toBe(1 + 3 + (1 + 10 * 3)) // the svg, the marker and its two circles, the polyline and a marker at each of its ten vertices;
    expect(isSvgProblem(many) && many.rule).toBe('md-image-size');
  });

  it('names the line of the SVG where the trouble is', () => {
    const result = sanitiseSvg(`<svg xmlns="${SVG_NS}">\n<g>\n<script>1</script></g></svg>`);
    expect(isSvgProblem(result) && result.reason).toMatch(/<script>.*line 3 of the SVG/);
  });
});
