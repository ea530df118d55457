import { statSync } from 'node:fs';
import { resolveContentPath } from '../../content/paths.js';
import { report } from '../../diagnostics/report.js';
import { yamlPlace, type Rule } from './context.js';
import { imageInfo } from '../../content/images.js';
import { pngProblem } from '../../content/png.js';
import { svgFileProblem } from '../../content/svg.js';

/** The clinic logo named in careprint.yaml: inside content/, present, and a real image. */
export const configFiles: Rule = ({ content }) => {
  const logo = content.config.clinic?.logo;
  const parsed = content.configDoc?.parsed;
  if (!logo || !parsed || !content.configDoc) return;
  const file = content.configDoc.file;
  const at = yamlPlace(parsed, ['clinic', 'logo']);
  const resolved = resolveContentPath(content.root, content.rootReal, content.root, logo);
  if (resolved.kind === 'outside') report(file, 'md-path-outside', `"${logo}" leaves the content folder; careprint never reads outside it`, at);
  else if (resolved.kind === 'missing') report(file, 'md-image-missing', `"${logo}" does not exist (the logo path is relative to the content folder)`, at);
  else {
    const info = statSync(resolved.absolute).isFile() ? imageInfo(resolved.absolute) : undefined;
    const problem = info?.format === 'png' ? pngProblem(resolved.absolute) : undefined;
    if (info === undefined) report(file, 'md-image-format', `"${logo}" is not a PNG, JPEG or SVG image file`, at);
    else if (problem) report(file, 'md-image-format', `"${logo}" is a damaged PNG file (${problem}); export it again from the original`, at);
    else if (info.format === 'svg') {
      const svg = svgFileProblem(resolved.absolute);
      if (svg) report(file, svg.rule, `"${logo}" cannot be used as a logo: ${svg.reason}`, at);
    }
  }
};
