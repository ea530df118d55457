import { fileURLToPath } from 'node:url';

/**
 * Where careprint finds its own files. Its code runs from src/ (the TypeScript sources, through
 * tsx) or from lib/ (scripts/compile.mjs bundles it into a few files directly in lib/); both are
 * one level below the package folder. A bundled module's `import.meta.url` is the URL of the file
 * it was bundled into, so paths found from it hold in both layouts only when taken from here.
 */
export const CODE_DIR = fileURLToPath(new URL('./', import.meta.url));
export const PACKAGE_ROOT = fileURLToPath(new URL('../', import.meta.url));
/** Running from the compiled bundle rather than the TypeScript sources. */
export const COMPILED = !import.meta.url.endsWith('.ts');
