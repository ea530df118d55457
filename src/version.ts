import { readFileSync } from 'node:fs';

/** careprint's own version, from package.json (part of every cache key and the manifest). */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
