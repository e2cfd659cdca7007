/**
 * Deterministic friendly names: the idempotency keys of Trust Hub creates. A retried activity finds
 * what an earlier attempt made by this name (src/activities), so it must be the same on every attempt
 * and unique per onboarding and resource. A replacement (e.g. an address in a new country) gets a new
 * revision, hence a new name.
 */
export function resourceName(customerId: string, role: string, revision = 1): string {
  return revision > 1 ? `${customerId}/${role}/r${revision}` : `${customerId}/${role}`;
}
