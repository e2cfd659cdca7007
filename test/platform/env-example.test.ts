/**
 * .env.example is where an operator looks for what can be set: every variable the processes read
 * (src/config.ts, and the sandbox's SandboxSchema) must be in it, with the default the code really uses, and nothing in it may take
 * effect by accident when the file is copied to .env (every line stays commented out).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SandboxSchema } from 'trusthub-sandbox';
import { CONFIG_SCHEMAS } from '../../src/config.js';

const text = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
const listed = new Map(
  [...text.matchAll(/^# ([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((match) => [match[1]!, match[2]!]),
);

test('.env.example lists every variable of the API, the worker and the sandbox, with its default', () => {
  const problems: string[] = [];
  for (const [process, schema] of Object.entries({ ...CONFIG_SCHEMAS, sandbox: SandboxSchema })) {
    for (const [name, property] of Object.entries(schema.properties)) {
      const value = listed.get(name);
      const fallback = (property as { default?: string | number | boolean }).default;
      if (value === undefined) problems.push(`${name} (${process}) is missing`);
      else if (fallback !== undefined && value !== String(fallback))
        problems.push(
          `${name} shows ${JSON.stringify(value)}, but the default is ${JSON.stringify(fallback)}`,
        );
    }
  }
  assert.deepEqual(problems, []);
});

test('.env.example sets nothing when copied to .env: every line is a comment or blank', () => {
  const live = text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
  assert.deepEqual(live, []);
});
