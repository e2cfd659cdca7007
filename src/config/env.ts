/**
 * Reading a process's variables: the schema's shared parts (durations, logging, the task queue, the
 * payload keys), the check against a schema, and the message a wrong or missing value stops the
 * process with (naming the variable and what it expects). Each process's own schema and rules are
 * ./api.ts and ./worker.ts.
 */
import envSchema from 'env-schema';
import { Type, type Static, type TSchema } from 'typebox';
import { PAYLOAD_KEYS_RULE, parsePayloadKeys, type PayloadKeys } from '../temporal/codec.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const Duration = (defaultValue: string, description: string) =>
  Type.String({
    default: defaultValue,
    pattern: '^\\d+(\\.\\d+)?(ms|s|m|h|d)$',
    description: `${description} A duration such as 500ms, 30s, 30m, 24h or 3d.`,
  });

const LogLevel = Type.Union(
  ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
  { default: 'info', description: 'pino log level.' },
);

const LogFormat = Type.Union([Type.Literal('pretty'), Type.Literal('json'), Type.Literal('auto')], {
  default: 'auto',
  description: 'pretty for people, json for log shippers; auto picks pretty on a terminal.',
});

export const Common = {
  LOG_LEVEL: LogLevel,
  LOG_FORMAT: LogFormat,
  TEMPORAL_TASK_QUEUE: Type.String({ default: 'trusthub-onboarding', minLength: 1 }),
};

/** Both Temporal clients (API and worker) encrypt every payload: src/temporal/codec.ts. */
export const Encryption = {
  PAYLOAD_ENCRYPTION_KEYS: Type.String({
    minLength: 1,
    description: `Keys that encrypt what Temporal stores: ${PAYLOAD_KEYS_RULE}.`,
  }),
};

export function load<T extends TSchema>(schema: T, env: NodeJS.ProcessEnv): Static<T> {
  // Empty strings mean "unset", as in most shells' `FOO= cmd`.
  const data = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  try {
    return envSchema<Static<T>>({ schema: structuredClone(schema) as object, data, env: false });
  } catch (error) {
    throw new ConfigError(describeEnvErrors(schema, error));
  }
}

interface AjvLikeError {
  instancePath?: string;
  keyword?: string;
  params?: { missingProperty?: string; pattern?: string; limit?: number; allowedValue?: unknown };
  message?: string;
}

function describeEnvErrors(schema: TSchema, error: unknown): string {
  const errors = (error as { errors?: AjvLikeError[] }).errors ?? [];
  const properties = (schema as { properties?: Record<string, { description?: string }> }).properties ?? {};
  const lines = errors.map((e) => {
    const name = e.params?.missingProperty ?? e.instancePath?.replace(/^\//, '') ?? '?';
    const what = properties[name]?.description;
    const rule =
      e.keyword === 'required'
        ? 'is required'
        : e.keyword === 'pattern'
          ? `must match ${e.params?.pattern}`
          : (e.message ?? 'is invalid');
    return `  ${name} ${rule}${what ? ` — ${what}` : ''}`;
  });
  const unique = [...new Set(lines)];
  return `Invalid configuration:\n${unique.length ? unique.join('\n') : String(error)}`;
}

/** The encryption keys, checked beyond the schema's reach; the message never quotes a key. */
export function checkPayloadKeys(config: { PAYLOAD_ENCRYPTION_KEYS: string }): void {
  try {
    parsePayloadKeys(config.PAYLOAD_ENCRYPTION_KEYS);
  } catch (error) {
    throw new ConfigError(`Invalid configuration:\n  PAYLOAD_ENCRYPTION_KEYS ${(error as Error).message}`);
  }
}

/** The payload keys of a loaded configuration (already validated by load*Config). */
export function payloadKeys(config: { PAYLOAD_ENCRYPTION_KEYS: string }): PayloadKeys {
  return parsePayloadKeys(config.PAYLOAD_ENCRYPTION_KEYS);
}

/** Throws the problems found beyond the schema, one per line, if there are any. */
export function refuse(problems: (string | undefined)[]): void {
  const found = problems.filter((p): p is string => p !== undefined);
  if (found.length) throw new ConfigError(`Invalid configuration:\n${found.map((p) => `  ${p}`).join('\n')}`);
}

/** Parses the durations `Duration` accepts ("30m", "24h", "500ms") into milliseconds. */
export function durationToMs(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(value);
  if (!match) throw new ConfigError(`"${value}" is not a duration such as 500ms, 30s, 30m, 24h or 3d`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    match[2] as 'ms' | 's' | 'm' | 'h' | 'd'
  ];
  return Number(match[1]) * unit;
}
