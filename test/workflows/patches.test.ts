/**
 * The patch register (src/workflows/patches.ts) against the workflow code: every `patched()` and
 * `deprecatePatch()` in src/workflows names a constant of the register, each listed once in PATCHES
 * with its date, and each listed patch is used. A branch added without a date to deprecate it by, or
 * a patch removed from the code but not from the register, fails here.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as patches from '../../src/workflows/patches.js';
import { PATCHES, patch } from '../../src/workflows/patches.js';

const WORKFLOWS = new URL('../../src/workflows/', import.meta.url).pathname;

function workflowSources(dir = WORKFLOWS): { file: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return workflowSources(path);
    return entry.name.endsWith('.ts') ? [{ file: path, text: readFileSync(path, 'utf8') }] : [];
  });
}

/** The argument of every patched(…) / deprecatePatch(…) call: a constant's name, or a quoted literal. */
function patchCalls(): { file: string; argument: string }[] {
  return workflowSources().flatMap(({ file, text }) =>
    [...text.matchAll(/\b(?:patched|deprecatePatch)\(\s*([^)]*?)\s*\)/g)].map((m) => ({
      file,
      argument: m[1]!,
    })),
  );
}

test('every patch the workflow code checks is a constant of the register, listed with its date', () => {
  const constants = new Map(
    Object.entries(patches as Record<string, unknown>).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
  const listed = new Set(PATCHES.map((p) => p.id));
  for (const { file, argument } of patchCalls()) {
    if (file.endsWith('patches.ts')) continue;
    assert.ok(constants.has(argument), `${file}: patched(${argument}) must name a constant of patches.ts`);
    assert.ok(listed.has(constants.get(argument)!), `${file}: ${argument} must be listed in PATCHES`);
  }
  const used = new Set(patchCalls().map((c) => constants.get(c.argument)));
  for (const id of listed) assert.ok(used.has(id), `PATCHES lists '${id}', which no workflow code checks`);
});

test('the register lists each patch once, with an introduction date and the date to check a year on', () => {
  const ids = PATCHES.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length, 'no patch ID twice');
  for (const record of PATCHES) {
    assert.match(record.introduced, /^\d{4}-\d{2}-\d{2}$/, `${record.id}: introduced is YYYY-MM-DD`);
    assert.ok(!Number.isNaN(Date.parse(record.introduced)), `${record.id}: introduced is a date`);
  }
  assert.deepEqual(patch('a-change', '2027-03-14'), {
    id: 'a-change',
    introduced: '2027-03-14',
    deprecatableFrom: '2028-03-14',
  });
});
