/**
 * Temporal connection settings come from the same places the Temporal CLI reads them: TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_* and TEMPORAL_PROFILE (with the CLI's TOML config
 * file), so one build runs on the dev server, a self-hosted cluster or Temporal Cloud.
 */
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection } from '@temporalio/worker';
import { GrpcStatus, grpcCode } from './grpc-status.js';

export interface TemporalTarget {
  address: string;
  namespace: string;
}

/**
 * The connection this process makes, from `env` (the process's by default) and the CLI's config file:
 *
 * - the dev server or a self-hosted cluster: TEMPORAL_ADDRESS (default localhost:7233), TEMPORAL_NAMESPACE;
 * - Temporal Cloud with an API key: TEMPORAL_ADDRESS=<region>.<cloud>.api.temporal.io:7233 (or the
 *   namespace endpoint), TEMPORAL_NAMESPACE=<ns>.<account>, TEMPORAL_API_KEY; TLS turns on by itself;
 * - Temporal Cloud with mTLS: TEMPORAL_ADDRESS=<ns>.<account>.tmprl.cloud:7233, TEMPORAL_NAMESPACE,
 *   TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH;
 * - or a profile of the CLI's TOML file (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE), which the variables
 *   above override one by one.
 *
 * Exported for its unit test (test/temporal/connection.test.ts); nothing here is logged but the address.
 */
export function temporalConnectConfig(env: Record<string, string | undefined> = process.env) {
  const { connectionOptions, namespace } = loadClientConnectConfig({
    overrideEnvVars: Object.fromEntries(
      Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined),
    ),
  });
  return {
    connectionOptions: { ...connectionOptions, address: connectionOptions.address ?? 'localhost:7233' },
    namespace: namespace ?? 'default',
  };
}

const connectConfig = () => temporalConnectConfig();

/** Where this process will connect, for start-up logs (no secrets). */
export function temporalTarget(): TemporalTarget {
  const { connectionOptions, namespace } = connectConfig();
  return { address: connectionOptions.address, namespace };
}

/**
 * A Temporal client with the service's data converter (src/temporal/codec.ts). `lazy` connects on
 * first use, so a process can come up (and report itself unready) while Temporal is still starting.
 */
export async function connectClient({
  lazy = false,
  dataConverter,
}: {
  lazy?: boolean;
  dataConverter: DataConverter;
}): Promise<Client> {
  const { connectionOptions, namespace } = connectConfig();
  const connection = lazy ? Connection.lazy(connectionOptions) : await Connection.connect(connectionOptions);
  return new Client({ connection, namespace, dataConverter });
}

export async function connectWorker(): Promise<{ connection: NativeConnection; namespace: string }> {
  const { connectionOptions, namespace } = connectConfig();
  return { connection: await NativeConnection.connect(connectionOptions), namespace };
}

/**
 * Whether `namespace` exists on the server: the worker checks its claims' namespace
 * (TEMPORAL_CLAIMS_NAMESPACE) at start, so a missing one stops it with the fix rather than leaving every
 * new onboarding's claim retrying.
 */
export async function namespaceExists(connection: NativeConnection, namespace: string): Promise<boolean> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } catch (error) {
    if (grpcCode(error) === GrpcStatus.NOT_FOUND) return false;
    throw error;
  }
}
