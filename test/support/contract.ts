/**
 * Contract checks against Twilio's official OpenAPI documents (twilio_trusthub_v1.json and
 * twilio_api_v2010.json in vendor/twilio-oai, or $TWILIO_OAI_DIR), with openapi-backend (Ajv).
 *
 * `recordAndValidate(app)` hooks a Fastify app (the sandbox): every request is matched to a spec
 * operation and its path, query and form body validated; every response is validated against the
 * operation's schema for its status code. Violations are collected; `assertNoViolations()` fails a test
 * that saw any.
 *
 * How the spec is applied, and why:
 * - Responses are checked strictly: each object schema of a response gets `required` = all its
 *   properties and `additionalProperties: false` — Twilio sends every property (null when unknown) and
 *   the SDK maps exactly those, so a missing or extra field is a fidelity bug.
 * - Twilio's own formats are registered (phone-number, date-time-rfc-2822, iso-country-code,
 *   http-method, uri, uri-map, phone-number-capabilities…); every format used by the checked operations
 *   must have a validator, so nothing is skipped silently. `uri` accepts absolute URIs and
 *   path-absolute references ("/2010-04-01/…"), because Twilio's 2010 API declares its relative
 *   `uri`/`*_page_uri` fields as format uri.
 * - Form bodies arrive as strings; before validation they are decoded per the operation's schema
 *   (booleans, integers, arrays), which is what form encoding of those types means. Query and path
 *   parameters are coerced by openapi-backend (`coerceTypes`).
 * - Twilio's spec declares no error responses. 4xx/5xx bodies are validated against Twilio's error
 *   body `{code, message, more_info, status}` (an Ajv schema below), and `status` must equal the HTTP
 *   status.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OpenAPIBackend, type Document, type Operation } from 'openapi-backend';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv, formats?: string[]) => Ajv;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function twilioOaiDir(): string {
  return process.env.TWILIO_OAI_DIR ?? path.resolve(repoRoot, 'vendor', 'twilio-oai');
}

type Json = Record<string, unknown>;

/** The parts of the two APIs the onboarding uses (and the sandbox implements). */
const KEEP_PATH: Record<'trusthub' | 'api', (p: string) => boolean> = {
  trusthub: (p) =>
    /^\/v1\/(CustomerProfiles|TrustProducts|EndUsers|SupportingDocuments|Policies|EndUserTypes|SupportingDocumentTypes)/.test(
      p,
    ),
  api: (p) =>
    /^\/2010-04-01\/Accounts\/\{AccountSid\}\/(Addresses\.json|Addresses\/\{Sid\}\.json|IncomingPhoneNumbers\.json|IncomingPhoneNumbers\/\{Sid\}\.json)$/.test(
      p,
    ),
};

const MONTHS = 'Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec';
const TWILIO_FORMATS: Record<string, { validate: (value: string) => boolean }> = {
  'phone-number': { validate: (v: string) => /^\+[1-9]\d{1,14}$/.test(v) },
  'date-time-rfc-2822': {
    validate: (v: string) =>
      new RegExp(
        `^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} (${MONTHS}) \\d{4} \\d{2}:\\d{2}:\\d{2} [+-]\\d{4}$`,
      ).test(v) && !Number.isNaN(Date.parse(v)),
  },
  'iso-country-code': { validate: (v: string) => /^[A-Z]{2}$/.test(v) },
  'http-method': { validate: (v: string) => /^(GET|POST|PUT|PATCH|DELETE|HEAD)$/.test(v) },
  uri: {
    validate: (v: string) => {
      if (v.startsWith('/')) return !/\s/.test(v);
      try {
        return Boolean(new URL(v).protocol);
      } catch {
        return false;
      }
    },
  },
  // Formats Twilio puts on objects; Ajv applies string formats to strings only, so these never fire
  // on the objects they describe, but they must be known.
  'uri-map': { validate: () => true },
  'phone-number-capabilities': { validate: () => true },
};

function collectRefs(node: unknown, refs: Set<string>): void {
  if (Array.isArray(node)) node.forEach((n) => collectRefs(n, refs));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') refs.add(value.replace('#/components/schemas/', ''));
      else collectRefs(value, refs);
    }
  }
}

function collectFormats(node: unknown, formats: Set<string>): void {
  if (Array.isArray(node)) node.forEach((n) => collectFormats(n, formats));
  else if (node && typeof node === 'object') {
    const record = node as Json;
    if (typeof record.format === 'string') formats.add(record.format);
    Object.values(record).forEach((v) => collectFormats(v, formats));
  }
}

/**
 * OpenAPI 3.0 `nullable` only means something next to a `type`; Twilio puts it on untyped schemas
 * (`attributes`, `requirements`), which accept null anyway. Ajv refuses that combination, so it is
 * dropped there (the schema stays "any value").
 */
function dropUntypedNullable(node: unknown): void {
  if (Array.isArray(node)) node.forEach(dropUntypedNullable);
  else if (node && typeof node === 'object') {
    const record = node as Json;
    if (record.nullable === true && record.type === undefined && record.$ref === undefined)
      delete record.nullable;
    Object.values(record).forEach(dropUntypedNullable);
  }
}

/** Every object schema with properties: all required, nothing else allowed. */
function strictify(node: unknown): void {
  if (Array.isArray(node)) node.forEach(strictify);
  else if (node && typeof node === 'object') {
    const record = node as Json;
    if (record.properties && typeof record.properties === 'object') {
      record.required = Object.keys(record.properties);
      record.additionalProperties = false;
    }
    Object.values(record).forEach(strictify);
  }
}

function prepareSpec(file: string, api: 'trusthub' | 'api'): Document {
  const spec = JSON.parse(readFileSync(path.join(twilioOaiDir(), file), 'utf8')) as Json;
  const paths = Object.fromEntries(
    Object.entries(spec.paths as Json).filter(([p]) => KEEP_PATH[api](p)),
  ) as Record<string, Json>;
  // Strict response schemas, inline ones (list wrappers) first.
  for (const item of Object.values(paths)) {
    for (const operation of Object.values(item)) {
      const responses = (operation as Json | undefined)?.responses as Json | undefined;
      if (responses) strictify(responses);
    }
  }
  // Keep only the component schemas these paths reach.
  const all = (spec.components as Json).schemas as Record<string, unknown>;
  const keep = new Set<string>();
  collectRefs(paths, keep);
  let size = -1;
  while (keep.size !== size) {
    size = keep.size;
    for (const name of [...keep]) collectRefs(all[name], keep);
  }
  const schemas = Object.fromEntries([...keep].map((name) => [name, structuredClone(all[name])]));
  strictify(schemas);
  dropUntypedNullable({ paths, schemas });
  const formats = new Set<string>();
  collectFormats({ paths, schemas }, formats);
  const known = new Set([...Object.keys(TWILIO_FORMATS), 'date-time', 'int32', 'int64']);
  const unknown = [...formats].filter((f) => !known.has(f));
  if (unknown.length)
    throw new Error(`contract: no validator for format(s) ${unknown.join(', ')} in ${file}`);
  return {
    ...(spec as object),
    paths,
    components: { ...(spec.components as Json), schemas },
  } as unknown as Document;
}

function customizeAjv(ajv: Ajv): Ajv {
  addFormats(ajv, ['date-time']);
  for (const [name, format] of Object.entries(TWILIO_FORMATS)) {
    ajv.addFormat(name, { type: 'string', validate: format.validate });
  }
  return ajv;
}

export interface TwilioContract {
  trusthub: OpenAPIBackend;
  api: OpenAPIBackend;
  errorBody: ValidateFunction;
}

let cached: Promise<TwilioContract> | undefined;

export function loadTwilioContract(): Promise<TwilioContract> {
  cached ??= (async () => {
    const make = async (file: string, api: 'trusthub' | 'api') => {
      const backend = new OpenAPIBackend({
        definition: prepareSpec(file, api),
        strict: true,
        quick: false,
        validate: true,
        coerceTypes: true,
        ajvOpts: { strict: false, allErrors: true },
        customizeAjv: (ajv) => customizeAjv(ajv),
      });
      await backend.init();
      return backend;
    };
    const errorAjv = new Ajv({ allErrors: true });
    addFormats(errorAjv, ['uri']);
    return {
      trusthub: await make('twilio_trusthub_v1.json', 'trusthub'),
      api: await make('twilio_api_v2010.json', 'api'),
      errorBody: errorAjv.compile({
        type: 'object',
        required: ['code', 'message', 'more_info', 'status'],
        additionalProperties: false,
        properties: {
          code: { type: 'integer', minimum: 10000 },
          message: { type: 'string', minLength: 1 },
          more_info: {
            type: 'string',
            format: 'uri',
            pattern: '^https://www\\.twilio\\.com/docs/errors/\\d+$',
          },
          status: { type: 'integer', minimum: 400, maximum: 599 },
        },
      }),
    };
  })();
  return cached;
}

export interface ContractViolation {
  method: string;
  url: string;
  operationId: string | null;
  part: 'request' | 'response';
  status?: number;
  errors: unknown[];
}

export interface ContractRecorder {
  readonly violations: ContractViolation[];
  /** Operation IDs seen with a validated 2xx response (to prove coverage). */
  readonly operations: Set<string>;
  readonly counts: { requests: number; responses: number };
  /** Returns and forgets the violations so far (a test that sends invalid input on purpose). */
  takeViolations(): ContractViolation[];
  assertNoViolations(): void;
}

interface Matched {
  backend: OpenAPIBackend;
  operation: Operation | undefined;
  requestChecked: boolean;
}

function pickBackend(contract: TwilioContract, url: string): OpenAPIBackend | null {
  if (url.startsWith('/v1/')) return contract.trusthub;
  if (url.startsWith('/2010-04-01/')) return contract.api;
  return null;
}

/** Form values are strings; decode them as the operation's body schema types them. */
function decodeForm(body: unknown, operation: Operation): unknown {
  if (!body || typeof body !== 'object') return body;
  const schema = (operation.requestBody as Json | undefined)?.content as Json | undefined;
  const form = (schema?.['application/x-www-form-urlencoded'] as Json | undefined)?.schema as
    Json | undefined;
  const properties = (form?.properties ?? {}) as Record<string, Json>;
  const decoded: Json = {};
  for (const [key, raw] of Object.entries(body as Json)) {
    const type = properties[key]?.type;
    const one = (value: unknown) =>
      typeof value !== 'string'
        ? value
        : type === 'boolean' && (value === 'true' || value === 'false')
          ? value === 'true'
          : (type === 'integer' || type === 'number') && value !== '' && !Number.isNaN(Number(value))
            ? Number(value)
            : value;
    decoded[key] =
      type === 'array' ? (Array.isArray(raw) ? raw : [raw]) : Array.isArray(raw) ? raw.map(one) : one(raw);
  }
  return decoded;
}

export async function recordAndValidate(app: FastifyInstance): Promise<ContractRecorder> {
  const contract = await loadTwilioContract();
  const violations: ContractViolation[] = [];
  const operations = new Set<string>();
  const counts = { requests: 0, responses: 0 };
  const state = new WeakMap<FastifyRequest, Matched>();

  const toOpenApiRequest = (request: FastifyRequest, body: unknown) => ({
    method: request.method,
    path: request.url.split('?')[0] ?? request.url,
    query: request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '',
    headers: request.headers as Record<string, string | string[]>,
    body,
  });

  const checkRequest = (request: FastifyRequest, withBody: boolean): Matched | null => {
    const existing = state.get(request);
    if (existing) return existing;
    const backend = pickBackend(contract, request.url);
    if (!backend) return null;
    const base = toOpenApiRequest(request, undefined);
    const operation = backend.matchOperation(base);
    const matched: Matched = { backend, operation, requestChecked: true };
    state.set(request, matched);
    counts.requests += 1;
    if (!operation) {
      violations.push({
        method: request.method,
        url: base.path,
        operationId: null,
        part: 'request',
        errors: ['no operation in the spec matches this method and path'],
      });
      return matched;
    }
    const body = withBody ? decodeForm(request.body, operation) : undefined;
    const result = backend.validateRequest(toOpenApiRequest(request, body), operation);
    if (!result.valid) {
      violations.push({
        method: request.method,
        url: base.path,
        operationId: operation.operationId ?? null,
        part: 'request',
        errors: result.errors ?? [],
      });
    }
    return matched;
  };

  // After body parsing: the full request, body included.
  app.addHook('preHandler', async (request) => {
    checkRequest(request, true);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    // Requests answered before the handler (401, 429, 500 faults) are matched here, without body.
    const matched = checkRequest(request, false);
    if (!matched) return payload;
    counts.responses += 1;
    const status = reply.statusCode;
    const text =
      typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '';
    const record = (errors: unknown[]) =>
      violations.push({
        method: request.method,
        url: request.url.split('?')[0] ?? request.url,
        operationId: matched.operation?.operationId ?? null,
        part: 'response',
        status,
        errors,
      });
    let body: unknown = undefined;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        record([`response body is not JSON: ${text.slice(0, 80)}`]);
        return payload;
      }
    }
    if (status >= 400) {
      if (!contract.errorBody(body)) record(contract.errorBody.errors ?? []);
      else if ((body as { status: number }).status !== status)
        record(['error body status differs from HTTP status']);
      return payload;
    }
    const operation = matched.operation;
    if (!operation) return payload;
    const declared = Object.keys(operation.responses ?? {});
    if (!declared.includes(String(status))) {
      record([
        `status ${status} is not declared for ${operation.operationId} (declared: ${declared.join(', ')})`,
      ]);
      return payload;
    }
    if (status === 204) {
      if (text) record(['204 response must have no body']);
    } else {
      const result = matched.backend.validateResponse(body, operation, status);
      if (!result.valid) record(result.errors ?? []);
    }
    if (operation.operationId) operations.add(operation.operationId);
    return payload;
  });

  return {
    violations,
    operations,
    counts,
    takeViolations: () => violations.splice(0, violations.length),
    assertNoViolations: () => {
      if (violations.length) {
        throw new Error(
          `${violations.length} contract violation(s):\n${JSON.stringify(violations.slice(0, 10), null, 2)}`,
        );
      }
    },
  };
}
