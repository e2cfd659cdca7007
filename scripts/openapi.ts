/**
 * `npm run openapi`: writes the API's OpenAPI document to openapi.json, so ISVs can generate clients
 * without running the service. The document comes from the routes' own schemas (src/api), exactly as
 * GET /docs/json serves it; test/api/openapi-file.test.ts fails when the file is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import prettier from 'prettier';
import { buildApp } from '../src/api/app.js';
import { generatePayloadKey } from '../src/temporal/codec.js';
import { loadApiConfig } from '../src/config.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const OPENAPI_FILE = resolve(repoRoot, 'openapi.json');

/** The document as GET /docs/json serves it, formatted as the repository formats JSON. */
export async function renderOpenApi(): Promise<string> {
  // The routes describe themselves without Temporal: the lazy connection is never used.
  const connection = Connection.lazy({ address: '127.0.0.1:7233' });
  const config = loadApiConfig({
    LOG_LEVEL: 'silent',
    PAYLOAD_ENCRYPTION_KEYS: generatePayloadKey('openapi'),
  });
  const app = await buildApp({ config, temporal: new Client({ connection }) });
  try {
    await app.ready();
    const json = JSON.stringify(app.swagger());
    const options = (await prettier.resolveConfig(OPENAPI_FILE)) ?? {};
    return await prettier.format(json, { ...options, parser: 'json' });
  } finally {
    await app.close();
    await connection.close();
  }
}

export function readOpenApiFile(): string | undefined {
  try {
    return readFileSync(OPENAPI_FILE, 'utf8');
  } catch {
    return undefined;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rendered = await renderOpenApi();
  if (rendered === readOpenApiFile()) {
    console.log('openapi.json is up to date');
  } else {
    writeFileSync(OPENAPI_FILE, rendered);
    console.log('openapi.json written');
  }
}
