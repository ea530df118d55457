import type { ContainerDirective, LeafDirective } from 'mdast-util-directive';
import { toString } from 'mdast-util-to-string';
import QRCode from 'qrcode';
import { CALLOUT_LABELS, isCallout, type CalloutName } from '../../../compose/labels.js';
import { withSideBar } from '../decorations.js';
import { fontName } from '../fonts.js';
import { drawText, pdfNumber } from '../text.js';
import { asWritten, bodyStyle } from '../inline.js';
import type { PdfState } from '../state.js';
import { drawImageFile, resolveImage } from './image.js';
import { renderBlocks } from './index.js';

interface BoxStyle {
  border: string;
  background: string;
}

/**
 * A tinted box with a coloured bar: kept on one page unless longer than a page, in which case
 * it flows on and its bar is drawn on every page it spans (its tint only where it fits whole).
 */
function box(state: PdfState, style: BoxStyle, structType: string, title: string | undefined, content: () => void): void {
  const { layout, theme, doc } = state;
  const pad = theme.bodySize * 0.7;
  const bar = 5;
  const inner = () =>
    layout.indented(bar + pad, pad, () => {
      layout.y += pad * 0.8;
      content();
      layout.y += pad;
    });
  layout.space(theme.blockSpace * 1.3);
  const height = layout.measure(inner);
  if (height <= layout.pageContentHeight) layout.ensure(height);
  if (height <= layout.remaining + 0.01) {
    const top = layout.y;
    layout.artifact(() => doc.save().fillColor(style.background).rect(layout.left, top, layout.width, height).fill().restore());
  }
  layout.tagger.within(structType, () => withSideBar(state, style.border, bar, inner), title ? { title } : {});
}

/** Callouts: a label (never colour alone; red flags and warnings add a warning sign). */
function callout(node: ContainerDirective, name: CalloutName, state: PdfState): void {
  const colors = state.theme.colors.callouts[name];
  const label = name === 'exercise' ? `${CALLOUT_LABELS.exercise}: ${node.attributes?.title ?? ''}` : CALLOUT_LABELS[name];
  box(state, colors, 'Sect', label, () => {
    drawLabel(label, name, state);
    const figure = name === 'exercise' && node.attributes?.image ? resolveImage(state, node.attributes.image) : undefined;
    if (figure) drawImageFile(figure.file, figure.info, node.attributes?.alt ?? '', state, 0.3);
    renderBlocks(node.children, state);
  });
}

function drawLabel(text: string, name: CalloutName, state: PdfState): void {
  const { layout, theme, doc } = state;
  const color = theme.colors.callouts[name].label;
  const size = theme.bodySize * 1.05;
  const runs = [{ text, face: 'bold' as const, size, color }];
  if (name !== 'red-flags' && name !== 'warning') {
    layout.tagger.within('P', () => layout.flow(runs));
    return;
  }
  // A warning triangle with "!" beside the label: shape and word, not colour alone.
  const side = size * 1.1;
  const lineHeight = size * theme.lineHeight;
  layout.ensure(lineHeight);
  const x = layout.left;
  const top = layout.y + (lineHeight - side) / 2;
  layout.artifact(() => {
    doc.save().fillColor(color).polygon([x + side / 2, top], [x + side, top + side], [x, top + side]).fill();
    drawText(doc, fontName('text', 'bold'), size * 0.75, x + side / 2 - size * 0.1, top + side * 0.92, '!', '#ffffff');
    doc.restore();
  });
  layout.indented(side + size * 0.4, 0, () => layout.tagger.within('P', () => layout.flow(runs)));
}

/** Name / date / score lines at the top of a quiz sheet. */
function answerLines(state: PdfState): void {
  const { layout, theme, doc } = state;
  const style = bodyStyle(state);
  const lineHeight = theme.bodySize * 2.4;
  layout.space(theme.blockSpace);
  for (const label of ['Name', 'Date', 'Score']) {
    layout.ensure(lineHeight);
    const baseline = layout.y + lineHeight * 0.7;
    if (!layout.dry) {
      layout.tagger.within('P', () =>
        layout.tagger.mark(() =>
          drawText(doc, fontName('text', 'bold'), style.size, layout.left, baseline, `${label}:`, style.color),
        ),
      );
      const start = layout.left + theme.bodySize * 4.5;
      const end = layout.left + layout.width * (label === 'Name' ? 1 : 0.5);
      layout.artifact(() => doc.save().lineWidth(0.8).strokeColor(theme.colors.rule).moveTo(start, baseline + 2).lineTo(end, baseline + 2).stroke().restore());
    }
    layout.y += lineHeight;
  }
}

/**
 * A QR code for the guide's web page, drawn as vector squares (crisp at any printer resolution),
 * tagged as a figure whose alt text is the address. Returns its side length.
 */
/** The last QR code made: a guide's handouts (each paper, each print size) share one URL. */
let lastQr: { url: string; qr: QRCode.QRCode } | undefined;

function qrFor(url: string): QRCode.QRCode {
  if (lastQr?.url !== url) lastQr = { url, qr: QRCode.create(url, { errorCorrectionLevel: 'M' }) };
  return lastQr.qr;
}

function drawQrCode(state: PdfState, url: string, x: number, top: number, side: number): void {
  const { layout, doc } = state;
  const qr = qrFor(url);
  const count = qr.modules.size;
  const cell = side / (count + 2); // a one-module quiet zone; the page margin adds the rest
  layout.tagger.within(
    'Figure',
    () =>
      layout.tagger.mark(() => {
        // In module units (a `cm` scales them), one rectangle per run of dark modules in a row:
        // a fifth of the bytes of a square per module, and no hairline seams between neighbours.
        const rects: string[] = [];
        for (let row = 0; row < count; row++) {
          for (let col = 0; col < count; col++) {
            if (!qr.modules.get(row, col)) continue;
            const start = col;
            while (col + 1 < count && qr.modules.get(row, col + 1)) col++;
            rects.push(`${start + 1} ${row + 1} ${col + 1 - start} 1 re`);
          }
        }
        doc.save();
        doc.addContent(`${pdfNumber(cell)} 0 0 ${pdfNumber(cell)} ${pdfNumber(x)} ${pdfNumber(top)} cm\n0 0 0 rg\n${rects.join('\n')}\nf`);
        doc.restore();
      }),
    { alt: `QR code linking to this guide online: ${url}` },
  );
}

/**
 * The title block: organisation (muted) above the title, summary below, a rule to close it,
 * and the QR code to the guide's web page at the top right with a caption under it.
 */
function titleBlock(node: ContainerDirective, state: PdfState): void {
  const { layout, theme, doc } = state;
  const url = state.qrUrl;
  const side = url ? Math.max(78, theme.bodySize * 6.2) : 0;
  const gap = url ? theme.bodySize : 0;
  const top = layout.y;
  layout.indented(0, side + gap, () =>
    layout.tagger.within('Sect', () => {
      const [first, ...rest] = node.children;
      if (first && first.type === 'paragraph') {
        layout.tagger.within('P', () => layout.flow([{ text: toString(first), face: 'bold', size: theme.smallSize * 1.1, color: theme.colors.muted }]));
        renderBlocks(rest, state);
      } else {
        renderBlocks(node.children, state);
      }
    }),
  );
  // Drawn after the title block so a screen reader meets the title first.
  if (url && !layout.dry) {
    const x = layout.left + layout.width - side;
    drawQrCode(state, url, x, top, side);
    const caption = 'Scan to read online';
    const size = theme.smallSize;
    const width = layout.widthOf(caption, fontName('text', 'regular'), size);
    layout.tagger.within('P', () =>
      layout.tagger.mark(() =>
        drawText(doc, fontName('text', 'regular'), size, Math.min(x + (side - width) / 2, layout.left + layout.width - width), top + side + size, caption, theme.colors.muted),
      ),
    );
  }
  layout.y = Math.max(layout.y, url ? top + side + theme.smallSize * 1.6 : 0);
  layout.y += theme.bodySize * 0.6;
  const y = layout.y;
  layout.artifact(() => doc.save().lineWidth(1.5).strokeColor(theme.colors.callouts.exercise.border).moveTo(layout.left, y).lineTo(layout.left + layout.width, y).stroke().restore());
  layout.y += theme.bodySize * 0.4;
}

export function containerDirective(node: ContainerDirective, state: PdfState): void {
  const { layout, theme } = state;
  if (isCallout(node.name)) {
    callout(node, node.name, state);
    return;
  }
  switch (node.name) {
    case 'careprint-titleblock':
      titleBlock(node, state);
      return;
    case 'careprint-question': {
      // A question is never split across pages; its options get empty answer boxes (round:
      // one answer, square: several) and it leaves room to write under it.
      const box = node.attributes?.box;
      const draw = () => {
        const saved = state.answerBox;
        state.answerBox = box === 'round' || box === 'square' ? box : undefined;
        try {
          layout.tagger.within('Div', () => renderBlocks(node.children, state));
        } finally {
          state.answerBox = saved;
        }
        layout.y += theme.bodySize * (box === 'none' ? 0.4 : 1.4);
      };
      layout.space(theme.blockSpace);
      const height = layout.measure(draw);
      if (height <= layout.pageContentHeight) layout.ensure(height);
      draw();
      return;
    }
    case 'careprint-glossary':
      box(state, { border: theme.colors.rule, background: '#f4f4f4' }, 'Sect', undefined, () => renderBlocks(node.children, state));
      return;
    case 'careprint-smallprint':
    case 'careprint-contact':
    case 'careprint-answer': {
      layout.space(theme.blockSpace * 1.5);
      const height = layout.measure(() => renderBlocks(node.children, state));
      if (height <= layout.pageContentHeight / 2) layout.ensure(height);
      layout.tagger.within('Div', () => withSideBar(state, theme.colors.rule, 2, () => layout.indented(theme.bodySize, 0, () => renderBlocks(node.children, state))));
      return;
    }
    default:
      layout.tagger.within('Div', () => renderBlocks(node.children, state));
  }
}

export function leafDirective(node: LeafDirective, state: PdfState): void {
  // A break where a page has just begun would only leave a blank page (two breaks in a row).
  if (node.name === 'pagebreak') {
    if (!state.layout.atPageTop) state.layout.newPage();
  }
  else if (node.name === 'careprint-answer-lines') answerLines(state);
  else if (!node.name.startsWith('careprint-')) {
    // Unknown to careprint (an ad-hoc file): print it as written rather than lose it.
    const text = asWritten(node, state) ?? `::${node.name}${toString(node)}`;
    state.layout.space(state.theme.blockSpace);
    state.layout.tagger.within('P', () => state.layout.flow([{ text, face: 'regular', size: state.theme.bodySize, color: state.theme.colors.text }]));
  }
}
