/**
 * The record as others see it: the view every query and update answers, the Web UI's current details,
 * the search attributes operators' and the API's lists read (only those that changed are written), and
 * the timeline's folding of steps that found nothing to do. Plain data in, plain data out: the entity
 * (./onboarding.ts) hands the results to Temporal. Unit-tested in test/workflows/onboarding/projection.test.ts.
 */
import type { SearchAttributeUpdatePair, TypedSearchAttributes } from '@temporalio/common';
import { ADD_ON_PRODUCTS, PRODUCT_LABEL } from '../../contract/vocabulary.js';
import type { OnboardingSettings, OnboardingView, TimelineEntry } from '../../contract/types.js';
import {
  BundleSids,
  CustomerId,
  CustomerProfileStatus,
  OnboardingProblem,
  OnboardingStatus,
  OnboardingStep as OnboardingStepAttribute,
  TrustProductStatus,
  TwilioFailingSince,
  WaitingSince,
} from '../../contract/search-attributes.js';
import { redactTexts, sidsNamedIn } from '../redaction.js';
import { explainedProblemOf, problemBrief, withPointer } from '../remedies.js';
import { phoneNumberStatuses } from './attestation.js';
import type { CarriedState } from './carried.js';
import { problem } from './problems.js';
import { addOnSnapshot, bundleSids } from './record.js';
import { outageProblem } from './twilio-outage.js';

/** The one timeline entry for a run of steps that found their work already done (`setStep`). */
export const CHECKED_NOTHING_TO_DO = 'checked, nothing to do';

/**
 * The SIDs that are this customer's (its resources, its numbers, the ISV's primary profile): what the
 * redaction (../redaction.ts) leaves readable in Twilio's words. The view's own SID fields add theirs.
 */
export function ownSids(
  carried: CarriedState,
  settings: OnboardingSettings | undefined,
): (string | undefined)[] {
  const { resources } = carried.view;
  return [
    ...bundleSids(carried.view),
    resources.addressSid,
    resources.supportingDocumentSid,
    resources.businessInformationSid,
    resources.voiceIntegrityInformationSid,
    resources.cnamInformationSid,
    ...resources.representativeSids,
    ...carried.view.phoneNumbers.map((n) => n.sid),
    settings?.primaryCustomerProfileSid,
    ...(carried.formerSids ?? []),
  ];
}

/**
 * Twilio's words with any SID that is not this customer's taken out, for text that leaves the run
 * other than through the view or an event (an update's refusal): those are redacted whole.
 */
export function redact<T>(carried: CarriedState, settings: OnboardingSettings | undefined, text: T): T {
  return redactTexts(text, [...ownSids(carried, settings), ...sidsNamedIn(carried.view)]);
}

/**
 * The record with each number's attestation: what every query and update answers, and the run's
 * result. Twilio's words in it are redacted here, on their way out (../redaction.ts), whichever
 * field they reached.
 */
export function answer(carried: CarriedState, settings: OnboardingSettings): OnboardingView {
  const { latestEvaluation } = carried.view;
  const view = {
    ...carried.view,
    phoneNumbers: phoneNumberStatuses(carried, settings),
    // The why, derived on the way out (../remedies.ts): runs recorded before it say it too.
    problem: problem(carried),
    latestEvaluation: latestEvaluation && {
      ...latestEvaluation,
      failures: latestEvaluation.failures.map(withPointer),
    },
  };
  return redactTexts(view, ownSids(carried, settings));
}

/** The Web UI's current details, in Markdown (not yet redacted). */
export function describe(carried: CarriedState): string {
  const record = carried.view;
  const outage = carried.twilioOutage;
  const lines = [`**${record.status}** — ${record.step.replaceAll('-', ' ')}`];
  if (record.customerProfile)
    lines.push(`Customer profile ${record.customerProfile.sid}: ${record.customerProfile.status}`);
  if (record.trustProduct)
    lines.push(`SHAKEN/STIR trust product ${record.trustProduct.sid}: ${record.trustProduct.status}`);
  for (const product of ADD_ON_PRODUCTS) {
    const bundle = addOnSnapshot(record, product);
    if (bundle) lines.push(`${PRODUCT_LABEL[product]} ${bundle.sid}: ${bundle.status}`);
  }
  // Operators see an outage even behind the ISV's problem, which the view shows first.
  if (outage) {
    const failing = outageProblem(outage);
    lines.push(`Twilio failing (twilio-unavailable): ${failing.message}`, `Remedy: ${failing.remedy}`);
    lines.push(
      `Told after ${outage.attempts} failed attempts of ${outage.operation}: Pending Activities shows the attempts since and the next try.`,
    );
  }
  const explained = explainedProblemOf(carried);
  if (explained) {
    lines.push(`Needs the ISV: ${explained.message}`);
    for (const { code, meaning } of explained.codes) lines.push(`- ${code}: ${meaning}`);
    if (explained.remedy) lines.push(`Remedy: ${explained.remedy}`);
    for (const { pointer, twilio } of explained.fields ?? []) {
      lines.push(`- change \`${pointer}\`${twilio ? ` (Twilio's ${twilio})` : ''}`);
    }
    if (explained.fix) lines.push(`Fix: ${explained.fix.method} ${explained.fix.path}`);
  }
  // Markdown, as the Web UI renders it: one paragraph (or list item) per line, never run together.
  return lines.join('\n\n');
}

/**
 * Whether the run's search attributes already hold this value (null: the attribute is unset). Keyword
 * lists compare element by element, datetimes by instant; anything else by value.
 */
function isSetTo(set: TypedSearchAttributes, { key, value }: SearchAttributeUpdatePair): boolean {
  const current: unknown = set.get(key);
  if (value === null) return current === undefined;
  if (value instanceof Date) return current instanceof Date && current.getTime() === value.getTime();
  if (Array.isArray(value)) {
    return (
      Array.isArray(current) &&
      current.length === value.length &&
      value.every((item, index) => current[index] === item)
    );
  }
  return current === value;
}

/**
 * The search attributes whose value differs from what the run has set (`set`: its start's, which a
 * continued run has from the run before, then its upserts): only those are written, and nothing when
 * nothing differs. `waitingSince`: when the current wait began (null: not waiting).
 */
export function changedSearchAttributes(
  carried: CarriedState,
  waitingSince: Date | null,
  set: TypedSearchAttributes,
): SearchAttributeUpdatePair[] {
  const record = carried.view;
  const failingSince = carried.twilioOutage ? new Date(carried.twilioOutage.since) : null;
  const attributes: SearchAttributeUpdatePair[] = [
    { key: CustomerId, value: record.customerId },
    { key: OnboardingStatus, value: record.status },
    { key: OnboardingStepAttribute, value: record.step },
    { key: CustomerProfileStatus, value: record.customerProfile?.status ?? 'none' },
    { key: TrustProductStatus, value: record.trustProduct?.status ?? 'none' },
    { key: BundleSids, value: bundleSids(record) },
    { key: WaitingSince, value: waitingSince },
    // A Twilio outage shows there too when the ISV has nothing else to fix (as in the view).
    { key: OnboardingProblem, value: problemBrief(problem(carried)) },
  ];
  // Only ever written by a run that heard of an outage: a namespace without the attribute is never sent it.
  if (failingSince || set.get(TwilioFailingSince) !== undefined) {
    attributes.push({ key: TwilioFailingSince, value: failingSince });
  }
  return attributes.filter((pair) => !isSetTo(set, pair));
}

/** The latest `step:` timeline entry, the workflow task it was written in, and the folded entry. */
export interface IdleSteps {
  last?: { entry: TimelineEntry; task: number };
  checked?: TimelineEntry;
}

/**
 * The guide asks every step "is this done?" again after a correction, a return from vetting or a
 * continued run: the steps that found it done are one `checked, nothing to do` entry naming them,
 * not a `step:` entry each at the same millisecond. A step found nothing to do when the next one
 * begins in the same workflow task (`task`: the history length; no activity ran, nothing was waited
 * for) and nothing was noted since its entry. Timeline text is state, not a command.
 */
export function foldIdleStep(timeline: TimelineEntry[], steps: IdleSteps, task: number): void {
  const last = steps.last;
  if (!last || timeline.at(-1) !== last.entry || last.task !== task) return;
  timeline.pop();
  const step = last.entry.event.slice('step: '.length);
  const before = timeline.at(-1);
  if (before !== undefined && before === steps.checked) {
    before.detail = `${before.detail}, ${step}`;
    return;
  }
  steps.checked = { at: last.entry.at, event: CHECKED_NOTHING_TO_DO, detail: step };
  timeline.push(steps.checked);
}
