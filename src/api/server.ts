/** The API process: `npm run api`. Configuration: src/config.ts (HOST, PORT, API_TOKEN, PUBLIC_BASE_URL…). */
import { ConfigError, loadApiConfig, payloadKeys } from '../config.js';
import { encryptingDataConverter } from '../temporal/codec.js';
import { connectClient } from '../temporal/connection.js';
import { buildApp } from './app.js';

async function main(): Promise<void> {
  const config = loadApiConfig();
  // Lazy: the API comes up (and /healthz answers) even while Temporal is still starting; /readyz tells.
  const temporal = await connectClient({
    lazy: true,
    // Refusing unencrypted payloads as the worker does: everything this client reads (query and update
    // answers, results, failures) comes from the worker, encrypted, so a plain one is not ours.
    dataConverter: encryptingDataConverter(payloadKeys(config), { plaintext: 'refuse' }),
  });
  const app = await buildApp({ config, temporal });

  try {
    await app.listen({ host: config.HOST, port: config.PORT });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      app.log.fatal(
        `Port ${config.PORT} on ${config.HOST} is already in use: stop what holds it or set PORT.`,
      );
      process.exit(1);
    }
    throw error;
  }

  const shutdown = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await temporal.connection.close();
    process.exit(0);
  };
  process.once('SIGINT', (signal) => void shutdown(signal));
  process.once('SIGTERM', (signal) => void shutdown(signal));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
