declare module 'png-js' {
  /** The PNG reader pdfkit itself uses (only what careprint calls). */
  export default class PNG {
    constructor(data: Uint8Array);
    width: number;
    height: number;
    bits: number;
    colors: number;
    hasAlphaChannel: boolean;
    decodePixels(callback: (pixels: Uint8Array) => void): void;
  }
}
