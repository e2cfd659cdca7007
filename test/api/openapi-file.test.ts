/**
 * openapi.json is the API's contract as a file, for ISVs who generate clients from it. It must be
 * what the service serves at GET /docs/json: a route or schema change without `npm run openapi`
 * fails here.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readOpenApiFile, renderOpenApi } from '../../scripts/openapi.js';

interface Operation {
  security?: Record<string, string[]>[];
  requestBody?: unknown;
}

test('openapi.json is the document the API serves (run `npm run openapi` after changing a route)', async () => {
  const file = readOpenApiFile();
  assert.ok(file, 'openapi.json is missing: run `npm run openapi`');
  assert.equal(file, await renderOpenApi(), 'openapi.json is stale: run `npm run openapi`');
});

test('openapi.json describes the onboarding routes with their bearer auth and request bodies', () => {
  const doc = JSON.parse(readOpenApiFile() ?? '{}') as {
    openapi: string;
    paths: Record<string, Record<string, Operation>>;
  };
  assert.match(doc.openapi, /^3\./);
  const start = doc.paths['/v1/onboardings']?.post;
  assert.ok(start?.requestBody, 'POST /v1/onboardings has its request body schema');
  assert.deepEqual(start.security, [{ bearer: [] }]);
  assert.deepEqual(doc.paths['/v1/onboardings/{id}']?.get?.security, [{ bearer: [] }]);
  // Twilio's callback is signed, not bearer-authenticated.
  const webhook = Object.entries(doc.paths).find(([path]) => path.startsWith('/v1/webhooks/'));
  assert.ok(webhook, 'the Twilio webhook is documented');
  assert.equal(webhook[1].post?.security, undefined);
});
