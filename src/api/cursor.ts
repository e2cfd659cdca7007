/**
 * The listing cursor: Temporal's next-page token, opaque to clients, with a checksum. A cursor that
 * was cut short or mistyped is refused at once with a 400 naming the field, instead of reaching
 * Temporal, which answers an unknown token with an internal error (and the client retries it).
 */
import { createHash } from 'node:crypto';

const checksum = (token: Uint8Array) => createHash('sha256').update(token).digest('base64url').slice(0, 16);

export const CURSOR_PATTERN = '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{16}$';

export function encodeCursor(token: Uint8Array | null | undefined): string | null {
  if (!token?.length) return null;
  return `${Buffer.from(token).toString('base64url')}.${checksum(token)}`;
}

/** The page token inside `cursor`, or null when the cursor is not one encodeCursor made. */
export function decodeCursor(cursor: string): Buffer | null {
  const [body = '', sum] = cursor.split('.');
  const token = Buffer.from(body, 'base64url');
  return token.length > 0 && sum === checksum(token) ? token : null;
}
