/**
 * Every patch ID the onboarding workflow has, in one place: what each changed, when it came in, and
 * from when it may be deprecated. A run that recorded a `patched(id)` marker, or passed the point
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
 * Runs recorded before the workflow stayed on after approval ended at completion (queries on such a
 * closed run replay it, so they keep the old path); every new run records this patch and serves.
 */
export const SERVE_AFTER_APPROVAL = 'serve-after-approval';
/** Runs recorded before the pre-submission checks (emails off the website's domain) replay without them. */
export const PRE_SUBMIT_CHECKS = 'pre-submit-checks';
/**
 * The guide's order: submit the profile, then create and submit the trust product at once, so the two
 * vettings overlap (about max(24 h, 72 h) to A instead of their sum). Before, it waited for the
 * profile's approval first.
 */
export const OVERLAPPING_VETTING = 'overlapping-vetting';
/**
 * A vetting wait re-reads the bundle when a callback reports a decision, or when the poll fires; before,
 * on every callback, `pending-review` and `in-review` included.
 */
export const REREAD_ON_DECISION_ONLY = 'reread-on-decision-only';
/** Runs continued as new take the corrected request from their input, not the stale carried copy. */
export const REQUEST_FROM_INPUT = 'request-from-input';
/** A corrected number list takes the numbers it leaves out off the bundles; before, they were kept. */
export const DROP_CORRECTED_NUMBERS = 'drop-corrected-numbers';
/** Events to the ISV's system (child workflows per event); runs before events announce nothing. */
export const SIGNED_EVENTS = 'signed-events';
/**
 * Customer profiles are claimed (src/activities/temporal-claims.ts): one made here as soon as Twilio has made it,
 * one adopted before anything else is read from it, so no other onboarding can ever adopt it; and a
 * fresh run claims its customer, to learn whether an earlier run may have left resources.
 */
export const CLAIMED_PROFILES = 'claimed-profiles';
/**
 * A callback whose status the record already says is dropped, and the re-reads the rest cause are
 * bounded per bundle (CALLBACK_READS_PER_WINDOW), so replayed callbacks cost no Twilio budget. Before, a
 * bundle was re-read on every callback that differed from the last one.
 */
export const BOUNDED_CALLBACKS = 'bounded-callbacks';
/** A failing run removes its drafts at Twilio, as a cancel does. */
export const CLEAN_UP_ON_FAILURE = 'clean-up-on-failure';
/**
 * The continue-as-new wait gives way to a queued number change or corrections. Before, it waited until
 * every handler had finished, even one waiting for the main loop, and so for ever.
 */
export const YIELD_TO_QUEUED_WORK = 'yield-to-queued-work';
/** Personal data a correction replaced is deleted at Twilio; before, it was left there. */
export const DELETE_REPLACED_PERSONAL_DATA = 'delete-replaced-personal-data';

/**
 * The serving loop's approval re-check (the timer's, at most daily) also lists what Twilio has assigned to
 * each bundle, to find what was taken off outside the service (drift) and put it back. Before, it read
 * each bundle's status only.
 */
export const DRIFT_CHECKS = 'drift-checks';

/**
 * The search attributes are upserted only when one of them differs from what the run has set (its
 * start's, then its own upserts'), and only the ones that differ. Before, every change of the record
 * upserted all seven, about three upserts per weekly re-check with values that seldom change.
 */
export const UPSERT_CHANGED_ATTRIBUTES = 'upsert-changed-attributes';

/**
 * An adoption compares the identity a vetting team compares (src/workflows/onboarding/adoption-identity.ts):
 * legal name, registration number, website host, email domain, and the address's country, region and
 * postal code, each held at Twilio and equal; a profile without business information is never adopted.
 * Every refusal is one answer. Before, only the name and the registration number's digits were compared,
 * and nothing when the profile had no business information.
 */
export const STRICT_ADOPTION = 'strict-adoption';

/**
 * The search attributes include OnboardingProblem, the problem in brief (src/workflows/remedies.ts
 * `problemBrief`), so the operators' and the API's lists show it. Before, they did not.
 */
export const PROBLEM_SEARCH_ATTRIBUTE = 'problem-search-attribute';

/**
 * A Trust Hub activity failing at Twilio tells its run (twilioFailing, twilioRecovered: see
 * src/activities/twilio-outage.ts): the run records a `twilio-unavailable` problem, upserts
 * TwilioFailingSince and announces it. Before, such signals had no handler: runs that recorded one
 * under older code ignored it, and replay ignores it there too.
 */
export const TWILIO_OUTAGES = 'twilio-outages';

export interface PatchRecord {
  id: string;
  /** YYYY-MM-DD. */
  introduced: string;
  /** YYYY-MM-DD: the date to check the rule above, not a promise. */
  deprecatableFrom: string;
}

function patch(id: string, introduced: string): PatchRecord {
  const year = Number(introduced.slice(0, 4)) + 1;
  return { id, introduced, deprecatableFrom: `${year}${introduced.slice(4)}` };
}

/** Every patch, oldest first. */
export const PATCHES: readonly PatchRecord[] = [
  patch(SERVE_AFTER_APPROVAL, '2026-11-23'),
  patch(PRE_SUBMIT_CHECKS, '2026-11-23'),
  patch(OVERLAPPING_VETTING, '2026-11-23'),
  patch(REREAD_ON_DECISION_ONLY, '2026-11-23'),
  patch(REQUEST_FROM_INPUT, '2026-11-23'),
  patch(DROP_CORRECTED_NUMBERS, '2026-11-23'),
  patch(SIGNED_EVENTS, '2026-11-30'),
  patch(CLAIMED_PROFILES, '2026-12-01'),
  patch(BOUNDED_CALLBACKS, '2026-12-01'),
  patch(CLEAN_UP_ON_FAILURE, '2026-12-01'),
  patch(YIELD_TO_QUEUED_WORK, '2026-12-01'),
  patch(DELETE_REPLACED_PERSONAL_DATA, '2026-12-01'),
  patch(DRIFT_CHECKS, '2026-12-01'),
  patch(UPSERT_CHANGED_ATTRIBUTES, '2026-12-01'),
  patch(STRICT_ADOPTION, '2026-12-07'),
  patch(PROBLEM_SEARCH_ATTRIBUTE, '2026-12-07'),
  patch(TWILIO_OUTAGES, '2026-12-07'),
];
