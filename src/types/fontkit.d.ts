// fontkit ships no type declarations; this covers the part careprint uses.
declare module 'fontkit' {
  export interface Font {
    readonly postscriptName: string;
    readonly familyName: string;
    readonly unitsPerEm: number;
    hasGlyphForCodePoint(codePoint: number): boolean;
    layout(text: string): unknown;
  }
  export function openSync(path: string): Font;
  export function create(buffer: Uint8Array): Font;
}
