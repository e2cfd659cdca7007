/**
 * A request's identity: one customer, one request. A start's body is known by the SHA-256 digest of its
 * canonical JSON (`requestDigest`): the API sends it with the start and keeps it in the run's memo; the
 * workflow keeps the digest of the body as corrected so far beside it (patch `start-memo`), so that a
 * second start with either is answered by the Temporal server alone (src/api/start-answer.ts). A start
 * with another digest is the workflow's to compare, and it names the fields that differ.
 *
 * The digest is @noble/hashes' SHA-256 (audited, pure JavaScript): the workflow imports no Node
 * built-in, and the API digests with the same code. The digests are in the history of every run (the
 * start's arguments, the carried state, the memo), so their output is fixed: node:crypto's, which
 * test/contract/request-identity.test.ts holds it to.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/**
 * A run's memo: the digest of the body it was started with (the API's start), and of the body as
 * corrected so far (the workflow's, from patch `start-memo`, at each change of the request).
 */
export type StartMemo = {
  requestDigest: string;
  correctedRequestDigest?: string;
};

/** SHA-256 of the request's canonical JSON: what the run keeps of the request it was started with. */
export function requestDigest(request: unknown): string {
  return bytesToHex(sha256(utf8ToBytes(canonicalJson(request))));
}

/**
 * Stable JSON of a request: keys sorted at every level, so two bodies with the same content digest the
 * same whatever order a client wrote their keys in. The API hashes it (SHA-256); the workflow compares.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The field paths where two requests differ (`business.name`, `phoneNumbers[1]`), for a refused second
 * start: paths only, never the values, which are the customer's personal data.
 */
export function differingFields(a: unknown, b: unknown, path = ''): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    !!v && typeof v === 'object' && !Array.isArray(v);
  if (Array.isArray(a) && Array.isArray(b)) {
    const paths: string[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
      paths.push(...differingFields(a[i], b[i], `${path}[${i}]`));
    }
    return paths;
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((key) => differingFields(a[key], b[key], path ? `${path}.${key}` : key));
  }
  return canonicalJson(a) === canonicalJson(b) ? [] : [path || 'body'];
}
