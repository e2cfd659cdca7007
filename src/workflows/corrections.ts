/**
 * What the submitCorrections update accepts, beyond the field formats the API's schema already checked:
 * rules that depend on where the onboarding is.
 */
import type { Corrections } from './messages.js';

const FIELDS = ['email', 'business', 'address', 'authorizedRepresentatives', 'phoneNumbers'] as const;

export function checkCorrections(
  corrections: Corrections,
  { trustProductPhase }: { trustProductPhase: boolean },
): string[] {
  const reasons: string[] = [];
  const given = FIELDS.filter((field) => corrections[field] !== undefined);
  if (given.length === 0) reasons.push(`corrections must change at least one of ${FIELDS.join(', ')}`);

  // An approved customer profile cannot be edited any more (Twilio error 60711): in the trust-product
  // phase only the trust product's own email can change.
  if (trustProductPhase) {
    for (const field of given.filter((f) => f !== 'email')) {
      reasons.push(
        `${field} cannot be corrected: the customer profile is already approved and Twilio no longer allows edits to it`,
      );
    }
  }
  const representatives = corrections.authorizedRepresentatives;
  if (representatives && (representatives.length < 1 || representatives.length > 2)) {
    reasons.push('authorizedRepresentatives must list one or two representatives');
  }
  if (corrections.phoneNumbers && corrections.phoneNumbers.length === 0) {
    reasons.push('phoneNumbers must list at least one number');
  }
  return reasons;
}
