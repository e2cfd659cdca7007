/**
 * Temporal connection settings come from the same places the Temporal CLI reads them: TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_* and TEMPORAL_PROFILE (with the CLI's TOML config
 * file), so one build runs on the dev server, a self-hosted cluster or Temporal Cloud.
 */
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection } from '@temporalio/worker';

export interface TemporalTarget {
  address: string;
  namespace: string;
}

function connectConfig() {
  const { connectionOptions, namespace } = loadClientConnectConfig();
  return {
    connectionOptions: { ...connectionOptions, address: connectionOptions.address ?? 'localhost:7233' },
    namespace: namespace ?? 'default',
  };
}

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
