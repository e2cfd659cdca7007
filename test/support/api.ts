/**
 * The API with no Temporal behind it, for what it must answer before Temporal is ever asked: auth,
 * body limits, validation, the codec, its logs. Its client points at a bare HTTP/2 listener that
 * counts each gRPC call and fails it at once (FAILED_PRECONDITION, which the client does not retry),
 * so a route that did reach Temporal fails, never passes by accident, and a test can say that
 * nothing asked (`temporalCalls`).
 */
import { createServer } from 'node:http2';
import { after, before } from 'node:test';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDependencies } from '../../src/api/app.js';
import { loadApiConfig } from '../../src/config.js';
import { TEST_PAYLOAD_ENCRYPTION_KEYS } from './temporal.js';

export interface OfflineApi {
  app: FastifyInstance;
  /** How many calls the API made to Temporal: 0 while nothing reached it. */
  temporalCalls(): number;
  close(): Promise<void>;
}

/** `env` is added to a silent log and the test payload keys; `logStream` reads the logs. */
export async function offlineApi(
  env: Record<string, string> = {},
  { logStream }: Pick<AppDependencies, 'logStream'> = {},
): Promise<OfflineApi> {
  let calls = 0;
  const nothing = createServer();
  nothing.on('stream', (stream) => {
    calls += 1;
    const refusal = { 'grpc-status': '9', 'grpc-message': 'no Temporal in an offline test' };
    stream.respond({ ':status': 200, 'content-type': 'application/grpc', ...refusal }, { endStream: true });
  });
  await new Promise<void>((resolve) => nothing.listen(0, '127.0.0.1', resolve));
  const { port } = nothing.address() as AddressInfo;
  const connection = Connection.lazy({ address: `127.0.0.1:${port}` });
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
    temporalCalls: () => calls,
    async close() {
      await app.close();
      await connection.close();
      await new Promise((resolve) => nothing.close(resolve));
    },
  };
}

/** An offline API for the tests of one suite, as useStack does: made before them, closed after. */
export function useOfflineApi(env: Record<string, string> = {}): OfflineApi {
  let api: OfflineApi | undefined;
  before(async () => {
    api = await offlineApi(env);
  });
  after(async () => {
    await api?.close();
  });
  return new Proxy({} as OfflineApi, {
    get(_target, property) {
      if (!api)
        throw new Error(`api.${String(property)} read before the API started (outside a hook or test?)`);
      return Reflect.get(api, property) as unknown;
    },
  });
}
