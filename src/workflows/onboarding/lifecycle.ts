/**
 * The status machine: every change of the record's status (running, action-required, completed,
 * failed, cancelled) goes through one of these, with the timeline entry that goes with it, and so does
 * the adoption a start waits on, and what the approvals call for while serving (`approvalsVerdict`).
 * Plain data in; the entity (./onboarding.ts) shows each change.
 * Unit-tested in test/workflows/onboarding/lifecycle.test.ts.
 */
import { ADOPTION_REFUSED_MESSAGE, StartRefusal } from '../../contract/messages.js';
import { ADD_ON_PRODUCTS, PRODUCT_LABEL, describeTwilioCode } from '../../contract/vocabulary.js';
import type { BundleSnapshot, OnboardingRecord, Problem } from '../../contract/types.js';
import type { CarriedState } from './carried.js';
import { outageEnds } from './problems.js';
import { addOnSnapshot, note, requestedAddOns } from './record.js';

/** Where the adoption of `request.customerProfileSid` stands: the start waits until it is decided. */
export type Adoption =
  | { state: 'none' | 'pending' | 'accepted' }
  | { state: 'refused'; type: string; message: string; fields: string[] };

/**
 * A start still waiting on the adoption hears it refused instead of waiting for ever (the run was
 * cancelled, failed, or refused the adoption): one answer whatever happened (ADOPTION_REFUSED_MESSAGE).
 */
export function settledAdoption(adoption: Adoption): Adoption {
  if (adoption.state !== 'pending') return adoption;
  return {
    state: 'refused',
    type: StartRefusal.AdoptionRefused,
    message: ADOPTION_REFUSED_MESSAGE,
    fields: [],
  };
}

/** The ISV must act (corrections during onboarding, a lost approval while serving). */
export function requireAction(record: OnboardingRecord, problem: Problem): void {
  record.status = 'action-required';
  record.problem = problem;
  note(record, 'action required', problem.message);
}

/** The ISV's corrections arrived: back to work. */
export function resume(record: OnboardingRecord): void {
  record.status = 'running';
  record.problem = null;
}

/** A round of corrections is being applied (the record counts them). */
export function correctionsReceived(record: OnboardingRecord, fields: string[]): void {
  record.corrections += 1;
  note(record, 'corrections received', fields.join(', '));
}

/** Both bundles approved: the customer's numbers are signed A. */
export function complete(carried: CarriedState): void {
  const record = carried.view;
  // Voice Integrity or CNAM still in Twilio's vetting: signed A already, completed once they are approved
  // too (the serving loop watches them, so number changes need not wait for their reviewers).
  const waitingFor = requestedAddOns(carried.request).filter(
    (p) => addOnSnapshot(record, p)?.status !== 'twilio-approved',
  );
  if (waitingFor.length) {
    note(
      record,
      'A-level attestation',
      `${record.phoneNumbers.map((n) => n.sid).join(', ')}; in vetting: ${waitingFor.join(', ')}`,
    );
    record.status = 'running';
    record.step = 'done';
    return;
  }
  if (record.status !== 'completed') {
    note(record, 'completed', `A-level attestation for ${record.phoneNumbers.map((n) => n.sid).join(', ')}`);
  }
  record.status = 'completed';
  record.step = 'done';
}

/** Approved: from now on (and in every continued run) the workflow serves the customer. */
export function startServing(carried: CarriedState): void {
  carried.serving = true;
}

/** The record's status while serving: `completed` only when every product asked for is approved. */
export function productsPending(carried: CarriedState): void {
  if (carried.view.status === 'completed') {
    carried.view.status = 'running';
    note(carried.view, 'products in vetting', requestedAddOns(carried.request).join(', '));
  }
}

/** While serving: what needed the ISV is resolved, the approvals are current again. */
export function approvalsCurrentAgain(record: OnboardingRecord): void {
  record.status = 'completed';
  record.problem = null;
  note(record, 'approvals current again');
}

/** While serving: the products added last are approved too; every product the customer has is. */
export function allProductsApproved(carried: CarriedState): void {
  carried.view.status = 'completed';
  carried.view.problem = null;
  note(
    carried.view,
    'completed',
    `every product approved: shaken-stir, ${requestedAddOns(carried.request).join(', ')}`,
  );
}

/** The cancel's (or failure's) clean-up begins: noted, not yet shown (the clean-up shows its end). */
export function cleanUpStarted(record: OnboardingRecord, event: string): void {
  record.step = 'cancelling';
  note(record, event);
}

export function cancelled(carried: CarriedState, detail: string): void {
  carried.view.status = 'cancelled';
  carried.view.step = 'done';
  outageEnds(carried);
  note(carried.view, 'cancelled', detail);
}

/**
 * The run fails with this reason, redacted once the record says the failure (`redact`: the entity's);
 * an adoption refused says so as the record's problem.
 */
export function fail(
  carried: CarriedState,
  reason: string,
  problem: Problem | undefined,
  redact: (text: string) => string,
): void {
  if (problem) carried.view.problem = problem;
  carried.view.status = 'failed';
  carried.view.step = 'done';
  outageEnds(carried);
  note(carried.view, 'failed', redact(reason));
}

/** What the approvals call for: the problem to report, the status they allow, or nothing to change. */
export type ApprovalsVerdict = { problem: Problem } | 'current-again' | 'all-approved' | 'resume' | undefined;

/**
 * What the record now says needs the ISV: the profile or SHAKEN/STIR no longer approved (or expired), an
 * add-on rejected or expired. With nothing wrong and every product approved, the customer is completed.
 */
export function approvalsVerdict(carried: CarriedState, id: string, now = Date.now()): ApprovalsVerdict {
  const record = carried.view;
  const lost = [record.customerProfile, record.trustProduct]
    .filter((b): b is BundleSnapshot => !!b)
    .find((b) => b.status !== 'twilio-approved' || (!!b.validUntil && Date.parse(b.validUntil) <= now));
  const addOnLost = ADD_ON_PRODUCTS.map((product) => ({
    product,
    bundle: addOnSnapshot(record, product),
  })).find(
    ({ bundle }) =>
      !!bundle &&
      (bundle.status === 'twilio-rejected' ||
        (bundle.status === 'twilio-approved' && !!bundle.validUntil && Date.parse(bundle.validUntil) <= now)),
  );
  const addOnsApproved = requestedAddOns(carried.request).every(
    (product) => addOnSnapshot(record, product)?.status === 'twilio-approved',
  );
  if (lost) {
    const label = lost.kind === 'customer-profile' ? 'customer profile' : 'SHAKEN/STIR trust product';
    const expired = lost.status === 'twilio-approved';
    const message = expired
      ? `The ${label}'s approval ran out on ${lost.validUntil}: Twilio no longer signs these numbers A. Renew it in Twilio's Trust Hub.`
      : `Twilio now reports the ${label} as ${lost.status}: its numbers are no longer signed A.`;
    return {
      problem: {
        kind: 'approval-lost',
        bundle: lost.kind,
        message,
        codes: lost.errors.map(({ code, meaning }) => ({
          code,
          meaning: meaning ?? describeTwilioCode(code),
        })),
        failures: [],
      },
    };
  } else if (addOnLost?.bundle) {
    const { product, bundle } = addOnLost;
    const message =
      bundle.status === 'twilio-rejected'
        ? `Twilio rejected the ${PRODUCT_LABEL[product]}. Ask for it again with corrected values (POST /v1/onboardings/${id}/products).`
        : `The ${PRODUCT_LABEL[product]}'s approval ran out on ${bundle.validUntil}. Renew it in Twilio's Trust Hub.`;
    return {
      problem: {
        kind: bundle.status === 'twilio-rejected' ? 'rejection' : 'approval-lost',
        bundle: 'trust-product',
        product,
        message,
        codes: bundle.errors.map(({ code, meaning }) => ({
          code,
          meaning: meaning ?? describeTwilioCode(code),
        })),
        failures: [],
      },
    };
  } else if (record.status === 'action-required' && addOnsApproved) {
    return 'current-again';
  } else if (record.status !== 'completed') {
    // Nothing wrong, and an add-on still in Twilio's vetting: running until it is approved.
    if (addOnsApproved) return 'all-approved';
    else if (record.status === 'action-required') return 'resume';
  }
  return undefined;
}
