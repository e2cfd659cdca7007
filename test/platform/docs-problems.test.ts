/**
 * docs/problems.md tells the ISV what each problem means and what to send: it must say what the
 * service says (src/contract/remedies.ts, and the Twilio names of src/workflows/remedies/twilio-names.ts).
 * Every code the module has a remedy for has its section in
 * the doc, naming the same request paths and the same fix (none when nothing sent fixes it); the doc
 * names no code the module lacks; every kind of problem and every Twilio object the mapping knows is in
 * its tables.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CODE_REMEDIES, KIND_REMEDIES } from '../../src/contract/remedies.js';
import { TWILIO_OBJECTS } from '../../src/workflows/remedies/twilio-names.js';

const doc = readFileSync(new URL('../../docs/problems.md', import.meta.url), 'utf8');

/** The doc's sections by code: `### 18601 — …` up to the next heading. */
const sections = new Map(
  [...doc.matchAll(/^### (\d+) — [^\n]*\n([\s\S]*?)(?=^##)/gm)].map((m) => [Number(m[1]), m[2]!]),
);

test("every code of the module has its section, with the module's paths and fix", () => {
  for (const [code, { pointers, fixable }] of Object.entries(CODE_REMEDIES)) {
    const section = sections.get(Number(code));
    assert.ok(section, `docs/problems.md has no section for ${code}`);
    for (const pointer of pointers) assert.ok(section.includes(`\`${pointer}\``), `${code}: ${pointer}`);
    assert.equal(/Fix: none\./.test(section), !fixable, `${code}: the fix is ${fixable ? 'a call' : 'none'}`);
  }
});

test('the doc describes no code the module has no remedy for', () => {
  for (const code of sections.keys()) assert.ok(CODE_REMEDIES[code], `${code} is in the doc only`);
});

test('every kind of problem and every Twilio object of the mapping is in the tables', () => {
  for (const kind of Object.keys(KIND_REMEDIES)) assert.ok(doc.includes(`| \`${kind}\``), kind);
  for (const objectType of Object.keys(TWILIO_OBJECTS)) {
    const row = objectType.replace(/_2$/, '');
    assert.ok(doc.includes(`\`${row}`), objectType);
  }
});
