/**
 * A call Twilio signed at another level than the service expects: the serving loop looks at once, and
 * says whether drift (repaired) or one of Twilio's rules explains it.
 */
import { phoneNumberStatuses } from '../../attestation.js';
import { checkAssignments } from '../../steps/drift.js';
import type { Onboarding } from '../../onboarding.js';
import { readBundles } from './approvals.js';

/**
 * Numbers whose calls Twilio signed at another level than the service infers: the profile and the
 * SHAKEN/STIR trust product (which decide attestation) are read again with their assignments, and the
 * mismatch is explained. Drift: Twilio's state changed outside the service (and was put back where the
 * record says so). Rule: Twilio's state is what the service believes, so its rule is what is wrong; said
 * on the view and in the event for a person to look at, nothing changed.
 */
export async function explainMismatches(onboarding: Onboarding): Promise<void> {
  const numbers = onboarding.takeMismatchChecks();
  onboarding.setStep('checking-approvals');
  const { customerProfileSid, trustProductSid } = onboarding.record.resources;
  const deciding = [customerProfileSid, trustProductSid].filter((sid): sid is string => !!sid);
  const before = new Map(onboarding.snapshots().map((b) => [b.sid, b.status]));
  if (await readBundles(onboarding, deciding)) {
    const drift = await checkAssignments(onboarding, deciding);
    const changed = onboarding
      .snapshots()
      .filter((b) => deciding.includes(b.sid) && before.get(b.sid) !== b.status);
    const inferredNow = new Map(
      phoneNumberStatuses(onboarding.carried, onboarding.settings).map((n) => [n.sid, n.attestation]),
    );
    for (const sid of numbers) {
      const mismatch = onboarding.carried.mismatches?.[sid];
      if (!mismatch) continue;
      const mine = drift.filter((d) => d.objectSid === sid || d.objectKind === 'entity');
      const reasons = [
        ...changed.map((b) => `Twilio now reports ${b.sid} as ${b.status}`),
        ...mine.map(
          (d) =>
            `${d.objectSid} had been taken off ${d.bundleSid} outside the service${d.repaired ? ' and was put back' : `, and Twilio would not take it back: ${d.detail ?? 'refused'}`}`,
        ),
      ];
      // The record was behind Twilio (a decision not read yet, a renewal): now it infers what Twilio signs.
      if (!reasons.length && inferredNow.get(sid) === mismatch.observed)
        reasons.push(`the service's record was behind Twilio's; it now infers ${mismatch.observed} too`);
      if (reasons.length) onboarding.mismatchExplained(sid, 'drift', `${reasons.join('; ')}.`);
      else
        onboarding.mismatchExplained(
          sid,
          'rule',
          "Twilio's bundles and assignments are as the service believes: its attestation rule does not match what Twilio signs for this number. Nothing was changed; report it with the call SID.",
        );
    }
  }
  onboarding.setStep('serving');
}
