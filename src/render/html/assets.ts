import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Artifact } from '../../bundle/plan.js';
import { TEMPLATES_DIR } from '../../compose/templates-dir.js';

export interface SiteAssets {
  artifacts: Artifact[];
  /** Paths from the site root, e.g. "assets/site.1a2b3c4d.css". */
  css: string;
  quizJs: string;
}

const require = createRequire(import.meta.url);
const FONTSOURCE = path.dirname(require.resolve('@fontsource/atkinson-hyperlegible-next/package.json'));
/** The faces the site uses, from the same family as the PDFs (fontsource ships WOFF2). */
const FACE_CSS = ['400.css', '400-italic.css', '700.css', '700-italic.css'];

const hash8 = (data: Buffer) => createHash('sha256').update(data).digest('hex').slice(0, 8);

/** `name.ext` → `name.<hash>.ext`: a changed file gets a new URL, so no cache serves it stale. */
function hashed(dir: string, name: string, data: Buffer): string {
  const dot = name.lastIndexOf('.');
  return `${dir}/${name.slice(0, dot)}.${hash8(data)}${name.slice(dot)}`;
}

/**
 * The site's assets with content-hashed names: the Atkinson Hyperlegible Next WOFF2 files
 * (self-hosted, never fetched from another host), the stylesheet with their @font-face rules
 * pointing at them, and the quiz script.
 */
export function siteAssets(): SiteAssets {
  const artifacts: Artifact[] = [];
  const fontFaces: string[] = [];
  for (const cssName of FACE_CSS) {
    const css = readFileSync(path.join(FONTSOURCE, cssName), 'utf8');
    for (const block of css.match(/@font-face\s*{[^}]*}/g) ?? []) {
      const file = /url\(\.\/files\/([^)]+\.woff2)\)/.exec(block)?.[1];
      if (!file) continue;
      const data = readFileSync(path.join(FONTSOURCE, 'files', file));
      const target = hashed('assets/fonts', file, data);
      artifacts.push({ path: `site/${target}`, data, mediaType: 'font/woff2' });
      // WOFF2 only (every browser that runs the site reads it); the URL is relative to the CSS.
      fontFaces.push(block.replace(/src:[^;]*;/, `src: url(${target.slice('assets/'.length)}) format('woff2');`));
    }
  }
  const css = Buffer.from(`${fontFaces.join('\n')}\n\n${readFileSync(path.join(TEMPLATES_DIR, 'site.css'), 'utf8')}`);
  const cssPath = hashed('assets', 'site.css', css);
  artifacts.push({ path: `site/${cssPath}`, data: css, mediaType: 'text/css' });
  const js = readFileSync(path.join(TEMPLATES_DIR, 'quiz.js'));
  const jsPath = hashed('assets', 'quiz.js', js);
  artifacts.push({ path: `site/${jsPath}`, data: js, mediaType: 'text/javascript' });
  return { artifacts, css: cssPath, quizJs: jsPath };
}
