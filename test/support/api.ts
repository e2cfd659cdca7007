/**
 * The API with no Temporal behind it, for what it must answer before Temporal is ever asked: auth,
 * body limits, validation, the codec, its logs. The client is lazy and points at a free port nothing
 * listens on, so a route that did reach Temporal would fail, not pass by accident.
 */
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDependencies } from '../../src/api/app.js';
import { loadApiConfig } from '../../src/config.js';
import { freePort } from '../../scripts/toolchain.js';
import { TEST_PAYLOAD_ENCRYPTION_KEYS } from './temporal.js';

export interface OfflineApi {
  app: FastifyInstance;
  close(): Promise<void>;
}

/** `env` is added to a silent log and the test payload keys; `logStream` reads the logs. */
export async function offlineApi(
  env: Record<string, string> = {},
  { logStream }: Pick<AppDependencies, 'logStream'> = {},
): Promise<OfflineApi> {
  const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
  const config = loadApiConfig({
    LOG_LEVEL: 'silent',
    PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_ENCRYPTION_KEYS,
    ...env,
  });
  const app = await buildApp({
    config,
    temporal: new Client({ connection }),
    ...(logStream ? { logStream } : {}),
  });
  return {
    app,
    async close() {
      await app.close();
      await connection.close();
    },
  };
}
