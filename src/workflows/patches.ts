/**
 * Every patch ID the onboarding workflow has, in one place: what each changed, when it came in, and
 * from when it may be deprecated (none yet: 1.0.0 started the list afresh). A run that recorded a `patched(id)` marker, or passed the point
 * without one, replays the branch it took then; the string values are in recorded histories
 * (test/replay/histories) and must never change.
 *
 * The deprecation rule. A run stays on the branch it first took until it ends or continues as new
 * (a continued run starts a fresh history and takes the new branch). Nothing bounds that in time: no
 * execution timeout, and a serving customer only continues as new when Temporal suggests it (thousands
 * of events, a few a week while idle). So each `deprecatableFrom` below is the introduction date plus
 * one year, as the date to check, and `deprecatePatch(id)` comes only once both hold:
 *   - no onboarding run older than the patch is still open: `temporal workflow count --query
 *     "WorkflowType='shakenStirOnboarding' AND ExecutionStatus='Running' AND StartTime < '<introduced>'"`
 *     answers 0 (a continued run's StartTime is its own start, which recorded the new branch);
 *   - the namespace's retention (24 h, docker-compose.yml) has passed since the last such run closed,
 *     since a query on a closed run replays it.
 * Then `deprecatePatch`, one deploy later removal, and the fixtures of the old branch go with it.
 *
 * Introduction dates are those of the commit that added each ID (`git log -S"'<id>'" --format=%ad`).
 */

/**
 * The run keeps the digest of its request as corrected so far in its memo (`correctedRequestDigest`),
 * upserted at each change of the request, so the API answers a start with that body from the server.
 */
export const START_MEMO = 'start-memo';

export interface PatchRecord {
  id: string;
  /** YYYY-MM-DD. */
  introduced: string;
  /** YYYY-MM-DD: the date to check the rule above, not a promise. */
  deprecatableFrom: string;
}

export function patch(id: string, introduced: string): PatchRecord {
  const year = Number(introduced.slice(0, 4)) + 1;
  return { id, introduced, deprecatableFrom: `${year}${introduced.slice(4)}` };
}

/**
 * Every patch since 1.0.0, oldest first. 1.0.0 folded the seventeen patches of 0.x into one path
 * (CHANGELOG.md): no deployment had run 0.x, and 0.x histories do not replay on 1.0. A change to
 * workflow code from here on adds its ID above and `patch('<id>', '<YYYY-MM-DD>')` here.
 */
export const PATCHES: readonly PatchRecord[] = [patch(START_MEMO, '2026-12-07')];
