import type { PdfState } from './state.js';

/**
 * Draw a vertical bar beside whatever `draw` sets, on every page it spans: the block tells the
 * layout it is open, and the layout reports each page break so the bar is closed and reopened.
 */
export function withSideBar(state: PdfState, color: string, width: number, draw: () => void): void {
  const { layout, doc } = state;
  if (layout.dry) {
    draw();
    return;
  }
  const x = layout.left;
  let start = layout.y;
  const bar = (from: number, to: number) => {
    if (to > from) layout.artifact(() => doc.save().fillColor(color).rect(x, from, width, to - from).fill().restore());
  };
  const decoration = {
    onPageEnd: (bottom: number) => bar(start, bottom),
    onPageStart: (top: number) => {
      start = top;
    },
  };
  layout.decorations.push(decoration);
  try {
    draw();
  } finally {
    layout.decorations.splice(layout.decorations.indexOf(decoration), 1);
  }
  bar(start, layout.y);
}
