/**
 * Voice Integrity or CNAM asked for once the customer is served (`addProducts`): what the update
 * accepts, the products made and submitted, and what is undone when Twilio refuses them.
 */
import { ApplicationFailure, CancellationScope } from '@temporalio/workflow';
import {
  ADD_ON_FIELD,
  ADD_ON_PRODUCTS,
  PRODUCT_LABEL,
  type AddOnProduct,
} from '../../../../contract/vocabulary.js';
import type { OnboardingView, OnboardingRequest, ProductsRequest } from '../../../../contract/types.js';
import { ProductRefusal } from '../../../../contract/messages.js';
import { describeFailures, productFailures } from '../../../../contract/product-checks.js';
import { refusalProblem } from '../../steps/refusals.js';
import { activities } from '../../activities.js';
import { checkSubject, prepareAddOn, updateAddOnInformation } from '../../steps/add-ons.js';
import type { Onboarding } from '../../onboarding.js';
import { ADD_ON_SLOTS } from '../../record.js';
import { NeedsCorrections, submitForVetting } from '../../steps/vetting.js';
import { judgeApprovals } from './approvals.js';
import { numberRefusal, requireServing } from './number-changes.js';

/** The addProducts validator: refused before anything is recorded when the customer or the input is wrong. */
export function checkProductsRequest(onboarding: Onboarding, products: ProductsRequest): void {
  requireServing(onboarding, {
    offboarding: 'no product can be added.',
    notServing:
      'products are added here once it is approved. Before that, send voiceIntegrity or cnam with the start, or as corrections (PATCH) while it waits for them.',
  });
  const given = requestedIn(products);
  const reasons: string[] = [];
  if (given.length === 0) reasons.push('the request must name voiceIntegrity, cnam or both');
  for (const product of given) {
    const status = onboarding.addOnSnapshot(product)?.status;
    const asked = onboarding.requestedAddOns().includes(product);
    // Asking again for a rejected product is its correction; anything else is asked already.
    if (asked && status !== 'twilio-rejected') {
      throw ApplicationFailure.create({
        type: ProductRefusal.AlreadyRequested,
        message: `${PRODUCT_LABEL[product]} is already ${status ?? 'being made'} for this customer; it can be asked for again only after Twilio rejects it.`,
      });
    }
  }
  reasons.push(...describeFailures(productFailures(products, checkSubject(onboarding))));
  if (reasons.length) {
    throw ApplicationFailure.create({
      type: ProductRefusal.Invalid,
      message: reasons.join('; '),
      details: reasons,
    });
  }
}

function requestedIn(products: ProductsRequest): AddOnProduct[] {
  return ADD_ON_PRODUCTS.filter((product) => products[ADD_ON_FIELD[product]] !== undefined);
}

/**
 * Makes the products' trust products and evaluates every one before any is submitted: if Twilio refuses
 * one, or an evaluation is noncompliant, what this change made is deleted again and the record is as it
 * was. Twilio's decision comes days later, through the serving loop's re-reads; until then the customer
 * is `running`.
 */
export async function addProducts(onboarding: Onboarding, products: ProductsRequest): Promise<void> {
  const { record } = onboarding;
  const profileSid = record.resources.customerProfileSid!;
  const before = { request: onboarding.request, resources: { ...record.resources } };
  onboarding.updateRequest({ ...onboarding.request, ...products });
  const given = requestedIn(products);
  const sids: Partial<Record<AddOnProduct, string>> = {};
  const submitted: AddOnProduct[] = [];
  try {
    for (const product of given) {
      onboarding.addOnRequested(product);
      if (onboarding.addOnSnapshot(product)?.status === 'twilio-rejected') {
        await updateAddOnInformation(onboarding, product);
        onboarding.note(`${product} resubmitted`, 'asked for again after a rejection');
      }
      sids[product] = await prepareAddOn(onboarding, product, profileSid);
      await submitForVetting(onboarding, 'trust-product', sids[product], product, 'evaluate');
    }
    for (const product of given) {
      await submitForVetting(onboarding, 'trust-product', sids[product]!, product, 'submit');
      submitted.push(product);
    }
  } catch (error) {
    // What went into vetting stays (Twilio keeps it, and so does the record); the rest is undone.
    const undone = given.filter((product) => !submitted.includes(product));
    await CancellationScope.nonCancellable(() => undoAddedProducts(onboarding, undone, before));
    throw error;
  }
  onboarding.productsPending();
  onboarding.note('products added', given.join(', '));
  // A rejection this resubmits is no longer what the customer needs the ISV for.
  judgeApprovals(onboarding);
}

/**
 * Takes back what an addProducts change made for these products: their new drafts deleted at Twilio
 * and forgotten, and the request as it was for them. A product that existed before (a rejected one
 * asked for again) keeps its trust product and the new values Twilio now holds; a draft Twilio refuses
 * to delete stays on the record, so nothing at Twilio is left unknown to the service.
 */
async function undoAddedProducts(
  onboarding: Onboarding,
  products: AddOnProduct[],
  before: { request: OnboardingRequest; resources: OnboardingView['resources'] },
): Promise<void> {
  const { record } = onboarding;
  for (const product of products) {
    const slot = ADD_ON_SLOTS[product];
    if (before.resources[slot.bundleSid]) continue;
    let kept = false;
    for (const [kind, key] of [
      ['trust-product', slot.bundleSid],
      ['end-user', slot.endUserSid],
    ] as const) {
      const sid = record.resources[key];
      if (!sid) continue;
      try {
        await activities.deleteResource({ kind, sid });
        onboarding.resourceForgotten(key);
        onboarding.bundleForgotten(sid);
      } catch (error) {
        if (!refusalProblem(error)) throw error;
        kept = true;
        onboarding.note('draft kept', `${sid}: Twilio refused to delete it`);
      }
    }
    if (kept) continue;
    onboarding.addOnDropped(product);
    const field = ADD_ON_FIELD[product];
    const { [field]: _dropped, ...rest } = onboarding.request;
    onboarding.updateRequest(before.request[field] ? { ...rest, [field]: before.request[field] } : rest);
  }
}

/** What the caller of addProducts sees: the pre-check or evaluation in words, or Twilio's refusal. */
export function productRefusal(error: unknown, redact: (text: string) => string): ApplicationFailure {
  if (error instanceof NeedsCorrections) {
    const reasons = error.problem.failures.map((f) => `${f.field ?? f.requirement}: ${f.reason}`);
    return ApplicationFailure.create({
      type: ProductRefusal.Invalid,
      message: redact([error.problem.message, ...reasons].join(' ')),
      details: reasons.length ? reasons : [error.problem.message],
    });
  }
  const refused = numberRefusal(error, redact);
  return ApplicationFailure.create({
    type: ProductRefusal.TwilioRefused,
    message: refused.message,
    details: refused.details ?? [],
  });
}

// ---- approvals ---------------------------------------------------------------------------------------
