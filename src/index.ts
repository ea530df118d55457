/**
 * careprint's programmatic API: the same operations as the CLI, returning values (diagnostics
 * are vfile messages on the loaded files) instead of printing.
 */
export { check, type CheckOptions, type CheckResult } from './check.js';
export { build, type BuildOptions, type BuildResult, type BuildStats } from './build.js';
export { renderFile, type RenderOptions, type RenderResult } from './render-file.js';
export { verifyBundle, type VerifyResult } from './bundle/verify.js';
export { mergeShards } from './bundle/merge.js';
export { UnsafeOutputError } from './bundle/write.js';
export { BuildStalledError } from './bundle/stall.js';
export { loadContent } from './content/load.js';
export { rules, type RuleId } from './diagnostics/catalogue.js';
