/**
 * Drift: a number or an entity taken off one of the customer's bundles outside the service (in Twilio's
 * Console, by a script of the ISV's). Nothing tells the service: Twilio sends no callback for it, and the
 * bundle's status stays approved while calls from the number quietly lose A. So the serving loop lists
 * what Twilio has assigned to each bundle at its re-checks (at most daily), and at once when a call was
 * signed at another level than the service expects, and compares it with what it assigned itself.
 *
 * What the record says belongs on a bundle (a number of the customer's, an entity the service linked) is
 * put back. What Twilio refuses to take back is reported, and the record then follows Twilio, so the
 * attestation the view infers is what Twilio signs. Numbers or entities added in the Console are not the
 * service's and are left alone.
 */
import type { DriftEntry } from '../../../contract/types.js';
import { activities } from '../activities.js';
import { refusalProblem } from './refusals.js';
import type { Onboarding } from '../onboarding.js';
import type { CustomerBundle } from '../record.js';

/** Lists the bundles' assignments (all of the customer's, or those named) and repairs what is missing. */
export async function checkAssignments(onboarding: Onboarding, only?: string[]): Promise<DriftEntry[]> {
  onboarding.assignmentsChecked(Date.now());
  const found: DriftEntry[] = [];
  for (const bundle of onboarding.customerBundles()) {
    if (only && !only.includes(bundle.bundleSid)) continue;
    const { kind, bundleSid } = bundle;
    const atTwilio = await activities.readAssignments({ kind, sid: bundleSid });
    const customersNumbers = new Set(onboarding.record.phoneNumbers.map((n) => n.sid));
    for (const phoneNumberSid of onboarding.numbersOn(bundleSid)) {
      if (atTwilio.phoneNumberSids.includes(phoneNumberSid) || !customersNumbers.has(phoneNumberSid))
        continue;
      found.push(
        await putBack(onboarding, bundle, 'phone-number', phoneNumberSid, () =>
          activities.assignPhoneNumber({ kind, bundleSid, phoneNumberSid }),
        ),
      );
    }
    for (const objectSid of onboarding.carried.linked[bundleSid] ?? []) {
      if (atTwilio.entities.includes(objectSid)) continue;
      found.push(
        await putBack(onboarding, bundle, 'entity', objectSid, () =>
          activities.assignToBundle({ kind, bundleSid, objectSid }),
        ),
      );
    }
  }
  if (found.length) onboarding.showChange();
  return found;
}

async function putBack(
  onboarding: Onboarding,
  { bundleSid, product }: CustomerBundle,
  objectKind: DriftEntry['objectKind'],
  objectSid: string,
  assign: () => Promise<unknown>,
): Promise<DriftEntry> {
  const entry: DriftEntry = {
    at: new Date().toISOString(),
    bundleSid,
    product,
    objectSid,
    objectKind,
    repaired: false,
  };
  try {
    await assign();
    entry.repaired = true;
  } catch (error) {
    const refusal = refusalProblem(error);
    if (!refusal) throw error;
    entry.detail = onboarding.redact(refusal.message);
    // The record follows Twilio: what could not be put back is not counted as there any more.
    if (objectKind === 'phone-number') onboarding.numberUnassigned(bundleSid, objectSid);
    else onboarding.entityGone(bundleSid, objectSid);
  }
  onboarding.driftFound(entry);
  return entry;
}
