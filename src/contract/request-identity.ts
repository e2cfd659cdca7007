/**
 * A request's identity: one customer, one request. The API digests the canonical JSON of a start's body
 * (src/api/onboardings-client.ts, `requestDigest`); the workflow compares a second start with the first and
 * names the fields that differ.
 *
 * The digest stays in the API, with node:crypto: only the API computes one. The workflow compares the
 * digest it was started with as a string, and otherwise the canonical JSON itself, so neither it nor
 * the contract needs a hash, and a hash library here would only grow the workflow bundle. The digests
 * are in the history of every run (the start's arguments, the carried state), so their output is fixed.
 */

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
