#!/usr/bin/env node
// The CLI is TypeScript run through tsx's loader, so `npx careprint` works right after `npm ci`
// with no separate compile step (and no compiled copy that could drift from src/).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
