/**
 * The worker process's Temporal runtime: installed once per process, with Temporal's and the Rust
 * core's logs going through pino (redaction included) and, unless WORKER_METRICS_PORT is 0, the
 * core's Prometheus exporter at WORKER_METRICS_HOST:WORKER_METRICS_PORT/metrics — Temporal's worker
 * metrics and, through the same runtime's meter, the Trust Hub counters (src/trusthub/metrics.ts).
 * Tests that run workers inside their own process install theirs without an exporter
 * (test/support/temporal.ts).
 */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { ConfigError, type WorkerConfig } from '../config.js';
import type { Logger } from '../logger.js';

/** Temporal's own logs (worker lifecycle, workflow and activity logs) go through pino, redaction included. */
export function temporalLogger(logger: Logger): DefaultLogger {
  const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
    TRACE: 'trace',
    DEBUG: 'debug',
    INFO: 'info',
    WARN: 'warn',
    ERROR: 'error',
  };
  const level = (logger.level.toUpperCase() === 'SILENT' ? 'ERROR' : logger.level.toUpperCase()) as LogLevel;
  return new DefaultLogger(level in levels ? level : 'INFO', ({ level: entryLevel, message, meta }) =>
    logger[levels[entryLevel]](meta ?? {}, message),
  );
}

const CORE_LEVELS: Record<string, LogLevel> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN' };

/** The exporter's socket address: an IPv6 host goes in brackets. */
function metricsBindAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Installs the runtime; SIGINT/SIGTERM then drain every worker. `metricsAddress` is where the exporter
 * listens, or undefined when metrics are off.
 */
export function installWorkerRuntime(
  config: Pick<WorkerConfig, 'WORKER_METRICS_HOST' | 'WORKER_METRICS_PORT'>,
  logger: Logger,
): { runtime: Runtime; metricsAddress: string | undefined } {
  const coreLevel = CORE_LEVELS[logger.level] ?? 'ERROR';
  const metricsAddress =
    config.WORKER_METRICS_PORT === 0
      ? undefined
      : metricsBindAddress(config.WORKER_METRICS_HOST, config.WORKER_METRICS_PORT);
  try {
    const runtime = Runtime.install({
      logger: temporalLogger(logger),
      shutdownSignals: ['SIGINT', 'SIGTERM'],
      // The SDK's Rust core logs through pino too (not to the console), so redaction covers its lines.
      telemetryOptions: {
        logging: { filter: { core: coreLevel, other: 'WARN' }, forward: {} },
        ...(metricsAddress ? { metrics: { prometheus: { bindAddress: metricsAddress } } } : {}),
      },
    });
    return { runtime, metricsAddress };
  } catch (error) {
    // The exporter binds its port right here: a port already taken is a configuration problem.
    if (!metricsAddress) throw error;
    throw new ConfigError(
      `Cannot serve worker metrics on ${metricsAddress} (${(error as Error).message}): stop what holds the port, or set WORKER_METRICS_PORT (0 = no metrics).`,
    );
  }
}
