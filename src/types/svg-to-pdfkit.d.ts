declare module 'svg-to-pdfkit' {
  export default function SVGtoPDF(
    doc: PDFKit.PDFDocument,
    svg: string,
    x: number,
    y: number,
    options?: {
      width?: number;
      height?: number;
      preserveAspectRatio?: string;
      fontCallback?: (...args: unknown[]) => string;
      /** Turns an `<image>`'s href into what pdfkit's `openImage` is given. */
      imageCallback?: (link: string) => string;
      /** Told what svg-to-pdfkit could not draw (default: console.warn). */
      warningCallback?: (message: string) => void;
    },
  ): void;
}
