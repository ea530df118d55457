import { resolveContentPath } from '../../content/paths.js';
import { report } from '../../diagnostics/report.js';
import { yamlPlace, type Rule } from './context.js';
import { imageProblem } from '../../content/images.js';

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
    const problem = imageProblem(resolved.absolute);
    if (problem) report(file, problem.rule, `"${logo}" ${problem.reason}`, at);
  }
};
