/**
 * The sandbox's configuration: SANDBOX_* variables (and LOG_LEVEL, LOG_FORMAT), read from the
 * environment and validated at start, as the service reads its own. A wrong value stops the process
 * with a message naming the variable and what it expects. `SandboxSchema` is exported so that a host
 * project can check its docs list every variable (trusthub-onboarding's .env.example does).
 */
import envSchema from 'env-schema';
import { Type, type Static, type TSchema } from 'typebox';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const Duration = (defaultValue: string, description: string) =>
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

export const SandboxSchema = Type.Object({
  LOG_LEVEL: LogLevel,
  LOG_FORMAT: LogFormat,
  SANDBOX_HOST: Type.String({ default: '127.0.0.1', minLength: 1 }),
  SANDBOX_PORT: Type.Integer({ default: 4010, minimum: 0, maximum: 65535 }),
  SANDBOX_ACCOUNT_SID: Type.Optional(Type.String({ pattern: '^AC[0-9a-fA-F]{32}$' })),
  SANDBOX_AUTH_TOKEN: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{32}$' })),
  SANDBOX_PROFILE_REVIEW_DELAY: Duration('5s', 'Time a customer profile spends in review.'),
  SANDBOX_TRUST_PRODUCT_REVIEW_DELAY: Duration('5s', 'Time a trust product spends in review.'),
  SANDBOX_PHONE_NUMBERS: Type.Integer({ default: 10, minimum: 1, maximum: 20_000 }),
  SANDBOX_API_KEY_SID: Type.Optional(Type.String({ pattern: '^SK[0-9a-fA-F]{32}$' })),
  SANDBOX_PRIMARY_CUSTOMER_PROFILE_SID: Type.Optional(
    Type.String({
      pattern: '^BU[0-9a-fA-F]{32}$',
      description: 'A stable SID for the seeded primary profile.',
    }),
  ),
  SANDBOX_API_KEY_SECRET: Type.Optional(Type.String({ minLength: 16 })),
  SANDBOX_VETTING: Type.Union([Type.Literal('auto'), Type.Literal('manual')], {
    default: 'auto',
    description: 'auto decides after the review delays; manual waits in in-review for the admin route.',
  }),
  SANDBOX_STATE_FILE: Type.Optional(
    Type.String({ minLength: 1, description: 'JSON snapshot of the sandbox world, kept across restarts.' }),
  ),
  SANDBOX_FAULT_SEED: Type.Integer({ default: 1, description: 'Seed of the fault PRNG.' }),
  SANDBOX_FAULT_LATENCY: Duration('0ms', 'Added to every Twilio API request.'),
  SANDBOX_FAULT_429_RATE: Type.Number({ default: 0, minimum: 0, maximum: 1 }),
  SANDBOX_FAULT_500_RATE: Type.Number({ default: 0, minimum: 0, maximum: 1 }),
  SANDBOX_FAULT_DROP_RATE: Type.Number({ default: 0, minimum: 0, maximum: 1 }),
  SANDBOX_FAULT_LOST_RESPONSE_RATE: Type.Number({
    default: 0,
    minimum: 0,
    maximum: 1,
    description: 'Share of creates applied whose response is lost (connection destroyed).',
  }),
  SANDBOX_MAX_CONCURRENCY: Type.Integer({
    default: 0,
    minimum: 0,
    description: 'Requests in flight beyond this get 429 (0 = unlimited).',
  }),
  SANDBOX_CALLBACK_DROP_RATE: Type.Number({ default: 0, minimum: 0, maximum: 1 }),
  SANDBOX_CALLBACK_DUPLICATE_RATE: Type.Number({ default: 0, minimum: 0, maximum: 1 }),
  SANDBOX_CALLBACK_DELAY: Duration('0ms', 'Delay before each status callback.'),
  SANDBOX_CALLBACK_REORDER_WINDOW: Duration(
    '0ms',
    'Hold status callbacks this long, then deliver them in reverse order (0 = off).',
  ),
});

export type SandboxConfig = Static<typeof SandboxSchema>;

function load<T extends TSchema>(schema: T, env: NodeJS.ProcessEnv): Static<T> {
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

export function loadSandboxConfig(env = process.env): SandboxConfig {
  return load(SandboxSchema, env);
}

/** Parses the durations accepted above ("30m", "24h", "500ms") into milliseconds. */
export function durationToMs(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(value);
  if (!match) throw new ConfigError(`"${value}" is not a duration such as 500ms, 30s, 30m, 24h or 3d`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    match[2] as 'ms' | 's' | 'm' | 'h' | 'd'
  ];
  return Number(match[1]) * unit;
}
