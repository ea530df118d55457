import path from 'node:path';
import { PACKAGE_ROOT } from '../package-root.js';

/** careprint's templates folder (its own module, so reading a stylesheet does not load Handlebars). */
export const TEMPLATES_DIR = path.join(PACKAGE_ROOT, 'templates') + path.sep;
