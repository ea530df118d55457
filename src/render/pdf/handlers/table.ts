import type { Table, TableCell } from 'mdast';
import { bodyStyle, inlineRuns } from '../inline.js';
import type { Run } from '../layout.js';
import type { PdfState } from '../state.js';

const PAD = 5;

/**
 * Tables: column widths from content (natural widths when they fit, else shares above each
 * column's longest word), wrapped cells, the header row repeated on every page the table spans,
 * never wider than the text block; a row no page can hold is stacked (see drawStackedRow).
 */
export function table(node: Table, state: PdfState): void {
  const { layout, theme, doc } = state;
  const rows = node.children;
  if (rows.length === 0) return;
  // The header's cells make the columns, as on the web page (GFM): a row's extra cells are left
  // out of both (check warns, md-table-extra-cell), a short row's missing ones are empty.
  const columns = rows[0]!.children.length;
  if (columns === 0) return;
  // A table too wide for body type is set smaller rather than let text run off the page.
  const widest = layout.widthOf('W', 'text-bold', theme.bodySize);
  const size = Math.max(5, Math.min(theme.bodySize, theme.bodySize * ((layout.width / columns - PAD * 2 - 1) / widest)));
  const runsOf = (cell: TableCell | undefined, header: boolean): Run[] =>
    cell ? inlineRuns(cell.children, bodyStyle(state, { bold: header, size }), state) : [];
  const cells = rows.map((row, r) => Array.from({ length: columns }, (_, c) => runsOf(row.children[c], r === 0)));

  const natural = new Array<number>(columns).fill(0);
  const minimum = new Array<number>(columns).fill(0);
  for (const row of cells) {
    row.forEach((runs, c) => {
      const text = runs.map((r) => r.text).join('');
      const font = runs[0] ? `${runs[0].mono ? 'mono' : 'text'}-${runs[0].face}` : 'text-regular';
      natural[c] = Math.max(natural[c]!, layout.widthOf(text, font, size) + PAD * 2 + 1);
      const longest = text.split(/\s+/).reduce((m, w) => Math.max(m, layout.widthOf(w, font, size)), 0);
      minimum[c] = Math.max(minimum[c]!, Math.min(longest + PAD * 2 + 1, layout.width / columns));
    });
  }
  const total = layout.width;
  let widths: number[];
  const naturalSum = natural.reduce((a, b) => a + b, 0);
  if (naturalSum <= total) {
    widths = natural.map((w) => (w / naturalSum) * total);
  } else {
    const minSum = minimum.reduce((a, b) => a + b, 0);
    const extra = natural.map((w, c) => Math.max(0, w - minimum[c]!));
    const extraSum = extra.reduce((a, b) => a + b, 0) || 1;
    widths = minimum.map((w, c) => w + ((total - minSum) * extra[c]!) / extraSum);
  }

  const align = node.align ?? [];
  /** One row; a header row repeated on a later page is drawn as an artifact, not new content. */
  const drawRow = (r: number, repeated = false) => {
    const row = cells[r]!;
    const height = Math.max(...row.map((runs, c) => layout.measure(() => layout.indented(0, 0, () => cellFlow(runs, c, true))))) + PAD * 2;
    if (height <= layout.pageContentHeight) layout.ensure(height);
    const top = layout.y;
    // The borders stop at the foot of the page: a header row taller than a page runs on without
    // them (a body row that tall is stacked instead, drawStackedRow).
    const drawn = Math.min(height, layout.bottom - top);
    layout.artifact(() => {
      let x = layout.left;
      if (r === 0) doc.save().fillColor(theme.colors.tableHeader).rect(x, top, total, drawn).fill().restore();
      doc.save().lineWidth(0.75).strokeColor(theme.colors.rule);
      for (const w of widths) {
        doc.rect(x, top, w, drawn).stroke();
        x += w;
      }
      doc.restore();
    });
    const cellsOfRow = () =>
      row.forEach((runs, c) => {
        layout.y = top + PAD;
        if (repeated) cellFlow(runs, c, false);
        else layout.tagger.within(r === 0 ? 'TH' : 'TD', () => cellFlow(runs, c, false));
      });
    if (repeated) {
      layout.artifactText = true;
      try {
        cellsOfRow();
      } finally {
        layout.artifactText = false;
      }
    } else layout.tagger.within('TR', cellsOfRow);
    layout.y = top + height;
    return height;
  };
  /**
   * A body row no page can hold beside its header. Side by side, its cells would each run on
   * across the same pages (the second drawn over the first where it ended): instead each cell
   * comes under the one before, at the table's full width, labelled with its column's heading, and
   * runs on across pages by itself. A rule above each cell and one below the row keep it a row.
   */
  const drawStackedRow = (r: number) => {
    const rule = () => {
      const y = layout.y;
      layout.artifact(() => doc.save().lineWidth(0.75).strokeColor(theme.colors.rule).moveTo(layout.left, y).lineTo(layout.left + total, y).stroke().restore());
    };
    layout.tagger.within('TR', () =>
      cells[r]!.forEach((runs, c) => {
        const label = cells[0]![c] ?? [];
        // The label and the cell's first lines stay together.
        layout.ensure(layout.measure(() => layout.indented(PAD, PAD, () => layout.flow(label))) + size * 3 + PAD * 2);
        rule();
        layout.y += PAD;
        if (label.length > 0) {
          // The header row says it once for the table: the repeat is an artifact.
          layout.artifactText = true;
          try {
            layout.indented(PAD, PAD, () => layout.flow(label));
          } finally {
            layout.artifactText = false;
          }
        }
        layout.tagger.within('TD', () => layout.indented(PAD, PAD, () => layout.flow(runs)));
        layout.y += PAD;
      }),
    );
    rule();
  };
  /** Whether a body row `height` tall (side by side) is one no page can hold with the header above it. */
  const tooTall = (height: number) => headerHeight + height > layout.pageContentHeight;
  function cellFlow(runs: Run[], c: number, measuring: boolean) {
    const left = widths.slice(0, c).reduce((a, b) => a + b, 0);
    // Exactly between the column's borders, however narrow the column.
    layout.column(left + PAD, widths[c]! - PAD * 2, () => {
      if (!measuring && align[c] && align[c] !== 'left') {
        // Right/centre alignment: shift a single-line cell; wrapped cells stay left-aligned.
        const width = layout.naturalWidth(runs);
        const slack = Math.max(0, layout.width - width);
        const shift = align[c] === 'right' ? slack : slack / 2;
        layout.column(shift, layout.width - shift, () => layout.flow(runs));
      } else {
        layout.flow(runs);
      }
    });
  }

  layout.space(theme.blockSpace);
  const headerHeight = layout.measure(() => drawRow(0));
  const firstBody = rows.length > 1 ? layout.measure(() => drawRow(1)) : 0;
  // Start on a new page when the header and first row would fit on one; a first row taller than
  // any page starts here all the same (moving it would only leave a page with the title alone).
  layout.ensure(headerHeight + firstBody <= layout.pageContentHeight ? headerHeight + firstBody : headerHeight);
  layout.tagger.within('Table', () => {
    drawRow(0);
    // The page the header was last drawn on: each page the table's rows are on starts with it.
    let headerPage = doc.page;
    for (let r = 1; r < rows.length; r++) {
      const height = layout.measure(() => drawRow(r));
      if (tooTall(height)) {
        // It starts here, below the rows before it, and runs on across pages.
        drawStackedRow(r);
        continue;
      }
      if (!layout.dry) {
        // A row after a stacked one may be on a later page than the header, with or without room.
        const moved = doc.page !== headerPage;
        if (layout.y + height + (moved ? headerHeight : 0) > layout.bottom && !layout.atPageTop) layout.newPage();
        if (doc.page !== headerPage) {
          drawRow(0, true);
          headerPage = doc.page;
        }
      }
      drawRow(r);
    }
  });
}
