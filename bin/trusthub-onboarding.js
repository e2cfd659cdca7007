#!/usr/bin/env node
// The CLI's entry (src/cli/main.ts). In a clone the TypeScript source runs through tsx, so it is never a
// stale build; an installed package or the image has only the compiled dist/.
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const source = new URL('../src/cli/main.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import(new URL('../dist/cli/main.js', import.meta.url).href);
}
