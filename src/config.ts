/**
 * All configuration, read from environment variables and validated at start. A wrong or missing value
 * stops the process with a message naming the variable and what it expects.
 *
 * The Temporal connection is not here: it reads the same variables as the Temporal CLI
 * (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE) through
 * @temporalio/envconfig — see src/temporal/connection.ts.
 *
 * Each process's variables and rules are its own file: src/config/api.ts, src/config/worker.ts;
 * src/config/env.ts reads them, src/config/loopback.ts is the https-unless-loopback rule both apply.
 * This file is what the rest of the service imports.
 */
import type { Static } from 'typebox';
import { ApiSchema } from './config/api.js';
import { WorkerSchema } from './config/worker.js';

export { ConfigError, durationToMs, payloadKeys } from './config/env.js';
export { isHttpsOrLoopback, isLoopbackHost } from './config/loopback.js';
export {
  TOKEN_VARIABLES,
  apiTokens,
  bearerTokens,
  loadApiConfig,
  publicExposure,
  signatureBaseUrl,
  type ApiConfig,
  type TokenVariable,
} from './config/api.js';
export {
  deploymentSettings,
  loadWorkerConfig,
  statusCallbackUrl,
  workerRequestsPerSecond,
  type WorkerConfig,
} from './config/worker.js';

/** The service's processes' variables, for checks that the docs (.env.example) list them all (the
 * sandbox's own are trusthub-sandbox's SandboxSchema). */
export const CONFIG_SCHEMAS = { api: ApiSchema, worker: WorkerSchema } as const;

/**
 * The default a process's schema gives a variable, for what must agree with that process without
 * loading its whole configuration: scripts/start.ts checks and prints the ports the API, sandbox and
 * worker will listen on.
 */
export function configDefault<
  S extends keyof typeof CONFIG_SCHEMAS,
  K extends keyof Static<(typeof CONFIG_SCHEMAS)[S]> & string,
>(schema: S, name: K): Static<(typeof CONFIG_SCHEMAS)[S]>[K] {
  const properties = CONFIG_SCHEMAS[schema].properties as Record<string, { default?: unknown }>;
  const value = properties[name]?.default;
  if (value === undefined) throw new Error(`${name} has no default in the ${schema} configuration`);
  return value as Static<(typeof CONFIG_SCHEMAS)[S]>[K];
}
