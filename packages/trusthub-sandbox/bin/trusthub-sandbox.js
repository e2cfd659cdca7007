#!/usr/bin/env node
// `npx trusthub-sandbox`: the sandbox as a process (src/server.ts). In a clone the TypeScript source runs
// through tsx, so it is never a stale build; the published package and the image have only dist/.
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const source = new URL('../src/server.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import(new URL('../dist/server.js', import.meta.url).href);
}
