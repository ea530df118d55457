import path from 'node:path';
import { toString } from 'mdast-util-to-string';
import type { ContainerDirective, LeafDirective } from 'mdast-util-directive';
import { CALLOUT_LABELS, isCallout, type CalloutName } from '../../../compose/labels.js';
import { withSideBar } from '../decorations.js';
import { fontName } from '../fonts.js';
import { bodyStyle } from '../inline.js';
import type { PdfState } from '../state.js';
import { drawImageFile } from './image.js';
import { renderBlocks } from './index.js';

/**
 * Callouts: a label (never colour alone), a tinted box and a coloured bar. Kept on one page
 * unless longer than a page; a split callout keeps its bar on every page.
 */
function callout(node: ContainerDirective, name: CalloutName, state: PdfState): void {
  const { layout, theme, doc } = state;
  const colors = theme.colors.callouts[name];
  const pad = theme.bodySize * 0.7;
  const bar = 5;
  const label = name === 'exercise' ? `${CALLOUT_LABELS.exercise}: ${node.attributes?.title ?? ''}` : CALLOUT_LABELS[name];
  const image = name === 'exercise' && node.attributes?.image && state.baseDir ? path.resolve(state.baseDir, node.attributes.image) : undefined;
  const content = () =>
    layout.indented(bar + pad, pad, () => {
      layout.y += pad * 0.8;
      drawLabel(label, name, state);
      if (image) drawImageFile(image, state, 0.3);
      renderBlocks(node.children, state);
      layout.y += pad;
    });

  layout.space(theme.blockSpace * 1.3);
  const height = layout.measure(content);
  if (height <= layout.pageContentHeight) layout.ensure(height);
  if (!layout.dry && height <= layout.remaining + 0.01) {
    doc.save().fillColor(colors.background).rect(layout.left, layout.y, layout.width, height).fill().restore();
  }
  withSideBar(state, colors.border, bar, content);
}

function drawLabel(text: string, name: CalloutName, state: PdfState): void {
  const { layout, theme, doc } = state;
  const color = theme.colors.callouts[name].label;
  const size = theme.bodySize * 1.05;
  if (name === 'red-flags' || name === 'warning') {
    // A warning triangle with "!" next to the label: shape and word, not colour alone.
    const side = size * 1.1;
    const lineHeight = size * theme.lineHeight;
    layout.ensure(lineHeight);
    if (!layout.dry) {
      const x = layout.left;
      const top = layout.y + (lineHeight - side) / 2;
      doc.save().fillColor(color).polygon([x + side / 2, top], [x + side, top + side], [x, top + side]).fill();
      doc.fillColor('#ffffff').font(fontName('text', 'bold')).fontSize(size * 0.75).text('!', x + side / 2 - size * 0.1, top + side * 0.92, { lineBreak: false, baseline: 'alphabetic' } as PDFKit.Mixins.TextOptions);
      doc.restore();
    }
    layout.indented(side + size * 0.4, 0, () => layout.flow([{ text, face: 'bold', size, color }]));
  } else {
    layout.flow([{ text, face: 'bold', size, color }]);
  }
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
      doc.font(fontName('text', 'bold')).fontSize(style.size).fillColor(style.color).text(`${label}:`, layout.left, baseline, { lineBreak: false, baseline: 'alphabetic' } as PDFKit.Mixins.TextOptions);
      const start = layout.left + theme.bodySize * 4.5;
      doc.save().lineWidth(0.8).strokeColor(theme.colors.rule).moveTo(start, baseline + 2).lineTo(layout.left + layout.width * (label === 'Name' ? 1 : 0.5), baseline + 2).stroke().restore();
    }
    layout.y += lineHeight;
  }
}

export function containerDirective(node: ContainerDirective, state: PdfState): void {
  const { layout, theme, doc } = state;
  if (isCallout(node.name)) {
    callout(node, node.name, state);
    return;
  }
  switch (node.name) {
    case 'careprint-titleblock': {
      // Organisation line (muted) above the title, summary below, a rule to close the block.
      const [first, ...rest] = node.children;
      if (first && first.type === 'paragraph') {
        layout.flow([{ text: toString(first), face: 'bold', size: theme.smallSize * 1.1, color: theme.colors.muted }]);
        renderBlocks(rest, state);
      } else {
        renderBlocks(node.children, state);
      }
      layout.y += theme.bodySize * 0.6;
      if (!layout.dry) doc.save().lineWidth(1.5).strokeColor(theme.colors.callouts.exercise.border).moveTo(layout.left, layout.y).lineTo(layout.left + layout.width, layout.y).stroke().restore();
      layout.y += theme.bodySize * 0.4;
      return;
    }
    case 'careprint-smallprint':
    case 'careprint-contact':
    case 'careprint-answer': {
      layout.space(theme.blockSpace * 1.5);
      const height = layout.measure(() => renderBlocks(node.children, state));
      if (height <= layout.pageContentHeight / 2) layout.ensure(height);
      withSideBar(state, theme.colors.rule, 2, () => layout.indented(theme.bodySize, 0, () => renderBlocks(node.children, state)));
      return;
    }
    default:
      renderBlocks(node.children, state);
  }
}

export function leafDirective(node: LeafDirective, state: PdfState): void {
  if (node.name === 'pagebreak') state.layout.newPage();
  else if (node.name === 'careprint-answer-lines') answerLines(state);
}
