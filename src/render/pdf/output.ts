import { deflateSync } from 'node:zlib';
import PDFDocument from 'pdfkit';

/**
 * pdfkit's output path, made cheaper without changing a byte of what it writes.
 *
 * pdfkit turns every content operator into bytes with a JavaScript loop and a fresh array
 * (`fromBinaryString(op + '\n')`), concatenates a stream's arrays when it ends, and pushes each
 * object's pieces through a Node Readable stream. A handout writes tens of thousands of operators,
 * so that plumbing cost as much as deflating the streams. Here text chunks are joined as one
 * string and converted once (natively, latin1 keeps the low byte of each char exactly as pdfkit's
 * `& 0xff` does), and the document's bytes are collected in an array instead of a stream.
 */

/** The parts of pdfkit's (unexported) PDFReference this module replaces. */
interface Reference {
  document: { compress: boolean; _offset: number; _security?: unknown; _write(data: string | Uint8Array): void; _refEnd(ref: Reference): void };
  id: number;
  gen: number;
  data: Record<string, unknown> & { Length?: number; Filter?: string };
  compress: boolean;
  uncompressedLength: number;
  buffer: Uint8Array[] | Uint8Array;
  offset: number;
  /** Text written since the last binary chunk, not yet converted. */
  pendingText?: string;
  /** Whether any chunk was text (such a stream is never shared, so never worth caching). */
  hadText?: boolean;
  write(chunk: string | Uint8Array): void;
  finalize(): void;
}

/** zlib level for streams written as text (content streams, ToUnicode maps): see finalize. */
const CONTENT_LEVEL = 3;

/** Deflated font files, by the (cached, shared) subset bytes they were made from. */
const DEFLATED = new WeakMap<Uint8Array, Uint8Array>();

function flushText(ref: Reference): void {
  if (ref.pendingText) {
    (ref.buffer as Uint8Array[]).push(Buffer.from(ref.pendingText, 'latin1'));
    ref.pendingText = '';
  }
}

let patched = false;

/**
 * Install the cheaper write and finalize on pdfkit's reference class (found through a
 * document's root reference, as pdfkit does not export it). Idempotent; documents that encrypt
 * (careprint's never do) keep pdfkit's own code.
 */
function patchReferences(proto: Reference): void {
  if (patched) return;
  patched = true;
  const originalWrite = proto.write;
  const originalFinalize = proto.finalize;
  proto.write = function write(this: Reference, chunk: string | Uint8Array) {
    if (this.document._security) return originalWrite.call(this, chunk);
    this.data.Length ??= 0;
    if (typeof chunk === 'string') {
      // The same bytes pdfkit writes: the chunk and a newline, one byte per char.
      this.pendingText = (this.pendingText ?? '') + chunk + '\n';
      this.hadText = true;
      this.uncompressedLength += chunk.length + 1;
      this.data.Length += chunk.length + 1;
    } else {
      flushText(this);
      (this.buffer as Uint8Array[]).push(chunk);
      this.uncompressedLength += chunk.length;
      this.data.Length += chunk.length;
    }
    if (this.compress) this.data.Filter = 'FlateDecode';
  };
  proto.finalize = function finalize(this: Reference) {
    if (this.document._security) return originalFinalize.call(this);
    flushText(this);
    const chunks = this.buffer as Uint8Array[];
    if (this.compress && chunks.length) {
      // Deflate here (reusing a font file's earlier result), then let pdfkit write the object
      // as an already-filtered stream: its Filter and Length keys stay where pdfkit put them.
      const single = chunks.length === 1 && !this.hadText ? chunks[0]! : undefined;
      let body = single ? DEFLATED.get(single) : undefined;
      if (!body) {
        // A font file is deflated once per process (and kept): the default level. Page content
        // is deflated for every document: level 3 takes half the time of the default and its
        // streams come out about a tenth larger (a handout file: about 4%).
        body = single ? deflateSync(single) : deflateSync(Buffer.concat(chunks), { level: CONTENT_LEVEL });
        if (single) DEFLATED.set(single, body);
      }
      this.buffer = [body];
      this.compress = false;
    }
    originalFinalize.call(this);
  };
}

/**
 * A pdfkit document whose bytes are collected in memory as they are written (no Readable
 * stream), read with `bytes()` once `end()` has run.
 */
export class CollectedPdf extends PDFDocument {
  /** Whole chunks written so far, and text not yet converted (set lazily: pdfkit writes from its constructor). */
  // `declare`: no field initialisers, which would run after super() and wipe the header it wrote.
  private declare collected?: Uint8Array[];
  private declare pendingText?: string;
  private declare finished?: boolean;

  constructor(options: PDFKit.PDFDocumentOptions) {
    super(options);
    const root = (this as unknown as { _root: Reference })._root;
    patchReferences(Object.getPrototypeOf(root) as Reference);
  }

  _write(data: string | Uint8Array): void {
    const self = this as unknown as { _offset: number };
    if (typeof data === 'string') {
      this.pendingText = (this.pendingText ?? '') + data + '\n';
      self._offset += data.length + 1;
    } else {
      this.flushPending();
      this.collected!.push(data);
      self._offset += data.length;
    }
  }

  /**
   * pdfkit ends its Readable with `push(null)`, which schedules the stream's 'readable' and 'end'
   * events on process.nextTick with the document as argument. Nothing reads this stream, and
   * ticks only run once the current chain of promise jobs is done: a guide's renders, awaited
   * back to back, kept every finished document (pages, fonts, structure tree) alive until the
   * guide ended, to be copied by each young-generation GC and promoted to the old one.
   */
  override push(): boolean {
    return false;
  }

  _finalize(): void {
    (PDFDocument.prototype as unknown as { _finalize(this: CollectedPdf): void })._finalize.call(this);
    this.finished = true;
  }

  private flushPending(): void {
    this.collected ??= [];
    if (this.pendingText) {
      this.collected.push(Buffer.from(this.pendingText, 'latin1'));
      this.pendingText = '';
    }
  }

  /** The finished file. */
  bytes(): Buffer {
    if (!this.finished) throw new Error('careprint: the PDF was read before pdfkit finished writing it');
    this.flushPending();
    return Buffer.concat(this.collected!);
  }
}
