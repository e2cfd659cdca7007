/**
 * Every payload Temporal stores for us (workflow and activity inputs and results, the onboarding's
 * state, query and update answers, failure messages and stack traces) is encrypted with AES-256-GCM
 * before it leaves the process. The customer's emails, names, numbers, addresses and registration
 * numbers are then ciphertext in Temporal's database, its history exports and its Web UI; an operator
 * with access decodes them through the API's codec endpoint (src/api/routes/codec.ts).
 *
 * Keys come from PAYLOAD_ENCRYPTION_KEYS, "id:base64" pairs, the first one encrypting. Each payload
 * names its key, so a key can be rotated: put the new one first and keep the old one until no run
 * needs it. An unknown key ID or a tampered payload is an error, never a silent pass-through.
 *
 * Encryption is also what tells our payloads from anyone else's. Whoever reaches Temporal's port can
 * start or signal a run with a plain JSON input, and a codec that let it through would hand the
 * workflow a request no API check has seen. So the worker's and the API's codec refuse a payload we
 * did not encrypt (`plaintext: 'refuse'`, the default), naming the encoding it has and never its
 * content; the workflow task then fails and the run goes no further. Only what shows payloads to a
 * person passes plain ones through (`plaintext: 'pass'`): the codec endpoint, where the Web UI must
 * still draw a history that holds one (such a refused start, say), and the replay of histories
 * recorded before encryption (test/replay). Payloads Temporal keeps readable by design never reach
 * a codec: search attributes, headers and the SDK's patch markers.
 *
 * Each payload is also sealed for the workflow it belongs to: the workflow ID is AES-GCM's additional
 * data, and travels beside the ciphertext (`encryption-workflow-id`). The SDK (1.24) tells a codec
 * which workflow a payload is for, on the client and the worker alike (its serialization context,
 * experimental: sdk-typescript#1996), so a start, signal or activity result lifted from one onboarding's
 * history and replayed into another's fails to decode there, and ciphertext made without a workflow
 * (the codec endpoint's encode, CODEC_ENCODE) is refused wherever a workflow reads it. The binding is to the workflow ID, not the run: the SDK's
 * context carries no run ID, so a new run of the same customer's onboarding reads its predecessors'.
 * Where the SDK gives no context (the codec endpoint, a few SDK paths) the payload's own workflow ID
 * is checked against the tag and nothing else. Rotation is unchanged: the key ID still picks the key.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataConverter, Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import proto from '@temporalio/proto';

// @temporalio/proto is CommonJS: its namespaces come through the default export under ESM.
const { Payload: PayloadMessage } = proto.temporal.api.common.v1;

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
/** The workflow a payload is sealed for (AES-GCM's additional data); absent on an unbound one. */
export const WORKFLOW_ID_METADATA = 'encryption-workflow-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface PayloadKeys {
  /** The key new payloads are encrypted with. */
  activeId: string;
  keys: Map<string, Buffer>;
}

export const PAYLOAD_KEYS_RULE =
  '"id:key[,id:key…]", each key 32 random bytes in base64 (openssl rand -base64 32), the first one encrypting';

/**
 * Parses "id:base64[,id:base64…]". Throws with the rule on bad input, naming the entry but never
 * quoting a key.
 */
export function parsePayloadKeys(value: string | undefined): PayloadKeys {
  if (!value?.trim()) throw new Error(`must be ${PAYLOAD_KEYS_RULE}; it is not set`);
  const keys = new Map<string, Buffer>();
  for (const [index, entry] of value.split(',').entries()) {
    const match = /^([A-Za-z0-9_.-]{1,64}):([A-Za-z0-9+/]{42,44}={0,2})$/.exec(entry.trim());
    const key = match ? Buffer.from(match[2]!, 'base64') : undefined;
    if (!match || key?.length !== 32) {
      throw new Error(`must be ${PAYLOAD_KEYS_RULE}; entry ${index + 1} is not`);
    }
    if (keys.has(match[1]!))
      throw new Error(`must be ${PAYLOAD_KEYS_RULE}; key ID ${match[1]} appears twice`);
    keys.set(match[1]!, key);
  }
  return { activeId: [...keys.keys()][0]!, keys };
}

/** A fresh key entry for PAYLOAD_ENCRYPTION_KEYS, e.g. for `npm start`'s development key. */
export function generatePayloadKey(id: string): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

export class PayloadDecryptionError extends Error {
  override name = 'PayloadDecryptionError';
}

/** A payload we did not encrypt, met by a codec that refuses them. */
export class UnencryptedPayloadError extends PayloadDecryptionError {
  override name = 'UnencryptedPayloadError';
}

/** Ciphertext sealed for no workflow (or another one), met where a workflow reads its input. */
export class UnboundPayloadError extends PayloadDecryptionError {
  override name = 'UnboundPayloadError';
}

export interface EncryptionCodecOptions {
  /**
   * What decode does with a payload that is not ours: 'refuse' throws UnencryptedPayloadError (what
   * the worker and the API's client do), 'pass' returns it as it is (for showing payloads only).
   */
  plaintext?: 'refuse' | 'pass';
}

/** The workflow the SDK says a payload belongs to: its own, or the one an activity runs for. */
function workflowOf(context: SerializationContext | undefined): string | undefined {
  return context?.workflowId || undefined;
}

/** The encoding a payload declares, fit to quote: a short token, or a description of it. */
function describeEncoding(payload: Payload): string {
  const raw = payload.metadata?.encoding;
  if (!raw?.length) return 'no encoding';
  const text = Buffer.from(raw).toString();
  // The metadata is the sender's to choose: quote only what looks like an encoding name.
  return /^[A-Za-z0-9_.+/-]{1,64}$/.test(text) ? `encoding "${text}"` : 'an unrecognisable encoding';
}

export class EncryptionCodec implements PayloadCodec {
  private readonly plaintext: 'refuse' | 'pass';

  constructor(
    private readonly payloadKeys: PayloadKeys,
    { plaintext = 'refuse' }: EncryptionCodecOptions = {},
  ) {
    this.plaintext = plaintext;
  }

  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    const { activeId, keys } = this.payloadKeys;
    const key = keys.get(activeId)!;
    const workflowId = workflowOf(context);
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      if (workflowId) cipher.setAAD(Buffer.from(workflowId));
      const plain = PayloadMessage.encode(payload).finish();
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          encoding: Buffer.from(ENCRYPTED_ENCODING),
          [KEY_ID_METADATA]: Buffer.from(activeId),
          ...(workflowId ? { [WORKFLOW_ID_METADATA]: Buffer.from(workflowId) } : {}),
        },
        data: sealed,
      };
    });
  }

  async decode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    const expected = workflowOf(context);
    return payloads.map((payload) => {
      if (Buffer.from(payload.metadata?.encoding ?? []).toString() !== ENCRYPTED_ENCODING) {
        if (this.plaintext === 'pass') return payload;
        throw new UnencryptedPayloadError(
          `A payload arrived unencrypted (${describeEncoding(payload)}), and this service takes only payloads encrypted with PAYLOAD_ENCRYPTION_KEYS: it was written without the service's codec (a Temporal client or CLI without it, or a run started before encryption), and is not read`,
        );
      }
      const keyId = Buffer.from(payload.metadata?.[KEY_ID_METADATA] ?? []).toString();
      const key = this.payloadKeys.keys.get(keyId);
      if (!key) {
        throw new PayloadDecryptionError(
          `A payload is encrypted with key "${keyId}", which PAYLOAD_ENCRYPTION_KEYS does not hold`,
        );
      }
      const boundTo = payload.metadata?.[WORKFLOW_ID_METADATA]?.length
        ? Buffer.from(payload.metadata[WORKFLOW_ID_METADATA]).toString()
        : undefined;
      // Neither message quotes a workflow ID: the one in the payload is the sender's to choose.
      if (expected !== undefined && boundTo === undefined) {
        throw new UnboundPayloadError(
          `A payload encrypted with key "${keyId}" is sealed for no workflow, and this service reads a workflow's payloads only when they are sealed for it: it was made without the workflow's context (the codec endpoint's encode, or a client of an older version), and is not read`,
        );
      }
      if (expected !== undefined && boundTo !== undefined && boundTo !== expected) {
        throw new UnboundPayloadError(
          `A payload encrypted with key "${keyId}" is sealed for another workflow than the one it arrived in: it was copied from another history, and is not read`,
        );
      }
      const sealed = Buffer.from(payload.data ?? []);
      if (sealed.length < IV_BYTES + TAG_BYTES) {
        throw new PayloadDecryptionError(`A payload encrypted with key "${keyId}" is truncated`);
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
        if (boundTo !== undefined) decipher.setAAD(Buffer.from(boundTo));
        decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
        const plain = Buffer.concat([
          decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
          decipher.final(),
        ]);
        return PayloadMessage.decode(plain);
      } catch {
        throw new PayloadDecryptionError(
          `A payload encrypted with key "${keyId}" does not authenticate: it was altered (its workflow included), or the key under that ID changed`,
        );
      }
    });
  }
}

/** A payload as Temporal's remote-codec protocol (the Web UI, `temporal --codec-endpoint`) writes it. */
export interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

export const payloadFromJson = ({ metadata, data }: JsonPayload): Payload => ({
  metadata: Object.fromEntries(
    Object.entries(metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
  ),
  data: Buffer.from(data ?? '', 'base64'),
});

export const payloadToJson = ({ metadata, data }: Payload): JsonPayload => ({
  metadata: Object.fromEntries(
    Object.entries(metadata ?? {}).map(([key, value]) => [key, Buffer.from(value ?? []).toString('base64')]),
  ),
  data: Buffer.from(data ?? []).toString('base64'),
});

/**
 * The failure converter's module, loaded by path because workflow code, bundled apart, needs the
 * same one (src/temporal/failure-converter.ts). The extension follows this file's: .ts under tsx, .js
 * when compiled (dist/, where `npm run build` bundles the workflows with it).
 */
export const failureConverterPath = fileURLToPath(
  new URL(`./failure-converter${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
);

/**
 * The one data converter of the worker, the API's client, the replayer and the tests: refusing
 * unencrypted payloads unless `options` say otherwise (see the top of this file).
 */
export function encryptingDataConverter(keys: PayloadKeys, options?: EncryptionCodecOptions): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keys, options)], failureConverterPath };
}
