/**
 * The sandbox's pino logger. Requests carry the personal data of made-up and real test customers alike
 * (names, numbers, addresses) and the account's credentials: those fields are censored wherever they
 * appear up to three levels deep, as the service's own logger does. (The package has its own copy:
 * it may not import the service.)
 */
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

const SENSITIVE_KEYS = [
  'email',
  'Email',
  'firstName',
  'lastName',
  'first_name',
  'last_name',
  'customerName',
  'customer_name',
  'CustomerName',
  'name',
  'business_name',
  'phoneNumber',
  'phone_number',
  'PhoneNumber',
  'phoneNumbers',
  'registrationNumber',
  'business_registration_number',
  'street',
  'streetSecondary',
  'street_secondary',
  'Street',
  'authToken',
  'auth_token',
  'password',
  'apiKey',
  'apiSecret',
  'Attributes',
  'attributes',
];

const SENSITIVE_HEADERS = ['authorization', 'x-twilio-signature', 'cookie'];

const redactPaths = [
  // A log line's own top-level `name` is the logger's name, so only nested `name`s are personal data.
  ...SENSITIVE_KEYS.flatMap((key) => [
    ...(key === 'name' ? [] : [key]),
    `*.${key}`,
    `*.*.${key}`,
    `*.*.*.${key}`,
  ]),
  ...SENSITIVE_HEADERS.flatMap((header) => [`req.headers.${header}`, `headers.${header}`]),
];

export type LogFormat = 'pretty' | 'json' | 'auto';

export interface LoggerSettings {
  name: string;
  level?: string;
  format?: LogFormat;
}

function loggerOptions({ name, level = 'info', format = 'auto' }: LoggerSettings): LoggerOptions {
  const pretty = format === 'pretty' || (format === 'auto' && process.stdout.isTTY === true);
  return {
    name,
    level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
          },
        }
      : {}),
  };
}

export function createLogger(settings: LoggerSettings): Logger {
  return pino(loggerOptions(settings));
}
