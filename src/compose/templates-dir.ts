import { fileURLToPath } from 'node:url';

/** careprint's templates folder (its own module, so reading a stylesheet does not load Handlebars). */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));
