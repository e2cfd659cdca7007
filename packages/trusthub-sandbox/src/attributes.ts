/**
 * Reading the loosely typed `Attributes` of end users and supporting documents. Twilio takes them as a
 * JSON string in a form field; values are strings, sometimes lists (address_sids, regions).
 */

export function attrString(attributes: Record<string, unknown>, key: string): string {
  const value = attributes[key];
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(String).join(',');
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** "A, B" or ["A", "B"] → ["A", "B"]. */
export function attrList(attributes: Record<string, unknown>, key: string): string[] {
  const value = attributes[key];
  const parts = Array.isArray(value) ? value.map(String) : attrString(attributes, key).split(',');
  return parts.map((part) => part.trim()).filter(Boolean);
}

export function isEmail(value: string): boolean {
  return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value);
}

export function websiteHost(value: string): string | null {
  try {
    const url = new URL(/^https?:\/\//i.test(value) ? value : `https://${value}`);
    return url.hostname.toLowerCase() || null;
  } catch {
    return null;
  }
}

export function isWebsiteUrl(value: string): boolean {
  const host = websiteHost(value);
  return host !== null && host.includes('.');
}

/** Parses the JSON string Twilio expects in the `Attributes` form field. */
export function parseAttributes(raw: unknown): Record<string, unknown> | 'invalid' {
  if (raw === undefined || raw === '') return {};
  if (typeof raw !== 'string') return 'invalid';
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'invalid';
    return parsed as Record<string, unknown>;
  } catch {
    return 'invalid';
  }
}
