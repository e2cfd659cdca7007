/**
 * The one redaction of Twilio's words on their way out of an onboarding: any SID in free text that is
 * not the customer's own (another customer's profile, a number on someone else's bundle) is replaced by
 * "another customer's BU…". What the ISV reads, in the view, an event, a refusal or a log line, must
 * never point at someone else's resources.
 *
 * Twilio's text arrives in many places (a refusal's message, an unknown code's meaning, a deferred
 * submission's note, a failed clean-up's reason), and a redaction applied at each of them misses the
 * next one added. So it is applied where text leaves the workflow instead: `redactTexts` walks the whole
 * view or event and redacts every string in it, except identifiers (`id`, `…Id`, `sid`, `…Sid`,
 * `…Sids`), which are the record's own structure. A SID the record names in one of its SID fields is
 * the customer's own, and stays readable wherever the text mentions it.
 *
 * Pure and deterministic: it runs inside the workflow (no Node built-ins) and only on what leaves it, so
 * recorded histories replay unchanged.
 */

/**
 * A Twilio SID however it is embedded: `_BU…`, `BU…_x`, `(BU…)`, `"BU…"`, in upper-case hex too. Two
 * capital letters and 32 hex digits; nothing around it is required to be a word boundary, since Twilio's
 * messages and our own glue put SIDs next to `_`, `/` and digits alike. Ordinary words never hold 32 hex
 * digits in a row.
 */
const SID_IN_TEXT = /([A-Z]{2})([0-9a-fA-F]{32})/g;

/** Keys whose string values are identifiers, not text: never redacted. */
const IDENTIFIER_KEY = /^(id|sid|\w*Id|\w*Sids?)$/;
/** Identifier keys that hold SIDs: what they name is the customer's own. */
const SID_KEY = /^(sid|\w*Sids?)$/;

/** `text` with every SID that is not in `own` replaced by "another customer's XX…". */
export function redactSids(text: string, own: ReadonlySet<string>): string {
  return text.replace(SID_IN_TEXT, (sid, prefix: string, hex: string) =>
    own.has(sid) || own.has(`${prefix}${hex.toLowerCase()}`) ? sid : `another customer's ${prefix}…`,
  );
}

/**
 * A copy of `value` (a view, an event: plain JSON) with `redactSids` applied to every string that is not
 * an identifier. `own` is widened by every SID the value names in its SID fields.
 */
export function redactTexts<T>(value: T, own: Iterable<string | undefined> = []): T {
  const ownSids = new Set<string>();
  for (const sid of own) if (sid) ownSids.add(sid);
  collectSids(value, ownSids);
  return redactIn(value, ownSids) as T;
}

/** The SIDs `value` names in its SID fields (`sid`, `…Sid`, `…Sids`). */
export function sidsNamedIn(value: unknown): Set<string> {
  const sids = new Set<string>();
  collectSids(value, sids);
  return sids;
}

function collectSids(value: unknown, into: Set<string>, key?: string): void {
  if (typeof value === 'string') {
    if (key !== undefined && SID_KEY.test(key)) into.add(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectSids(item, into, key);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) collectSids(v, into, k);
  }
}

function redactIn(value: unknown, own: ReadonlySet<string>, key?: string): unknown {
  if (typeof value === 'string') {
    return key !== undefined && IDENTIFIER_KEY.test(key) ? value : redactSids(value, own);
  }
  if (Array.isArray(value)) return value.map((item) => redactIn(item, own, key));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactIn(v, own, k)]));
  }
  return value;
}
