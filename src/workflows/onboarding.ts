/**
 * shakenStirOnboarding — one end customer's SHAKEN/STIR onboarding, following Twilio's ISV guide
 * (single top-level project) step by step. One workflow per customer; its ID comes from the ISV's
 * customerId.
 *
 * Every step first asks "is this already done?" from the workflow's state, so the same sequence serves a
 * fresh start, a return after corrections, and a run continued-as-new with the state of the one before.
 * Activities make every Trust Hub create idempotent on their side (deterministic friendly names).
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  ContinueAsNew,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities, DeletableKind } from '../activities/index.js';
import type { OnboardingSettings } from '../activities/settings.js';
import { businessInformationAttributes, representativeAttributes } from '../trusthub/attributes.js';
import { TrustHubFailureType, type TwilioErrorDetails } from '../trusthub/errors.js';
import {
  describeTwilioCode,
  type BundleKind,
  type BundleSnapshot,
  type EvaluationSummary,
  type OnboardingRequest,
} from '../trusthub/types.js';
import {
  CorrectionRefusal,
  bundleStatusChanged,
  getOnboarding,
  submitCorrections,
  type CarriedState,
  type Corrections,
  type OnboardingInput,
  type OnboardingStep,
  type OnboardingView,
  type Problem,
} from './messages.js';
import { checkCorrections } from './corrections.js';
import { resourceName } from './names.js';
import {
  BundleSids,
  CustomerId,
  CustomerProfileStatus,
  OnboardingStatus,
  OnboardingStep as OnboardingStepAttribute,
  TrustProductStatus,
  WaitingSince,
} from './search-attributes.js';

const trustHub = proxyActivities<Activities & { getOnboardingSettings(): Promise<OnboardingSettings> }>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    // No attempt limit: Twilio outages and bad credentials are waited out (TwilioAuth retries slowly);
    // what Twilio refuses is non-retryable and comes back to the workflow at once.
  },
});

const TIMELINE_LIMIT = 200;

/** Raised inside the workflow when the ISV must fix something before the guide can go on. */
class NeedsCorrections extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

export async function shakenStirOnboarding(input: OnboardingInput): Promise<OnboardingView> {
  const { onboardingId } = input;
  const carried: CarriedState = input.carried ?? {
    view: {
      id: onboardingId,
      customerId: input.request.customerId,
      status: 'running',
      step: 'creating-customer-profile',
      customerProfile: null,
      trustProduct: null,
      resources: { representativeSids: [] },
      phoneNumbers: [],
      latestEvaluation: null,
      problem: null,
      corrections: 0,
      compensation: [],
      timeline: [],
    },
    request: input.request,
    linked: {},
    phoneNumbersOnTrustProduct: [],
    revision: 1,
  };
  const view = carried.view;
  let request: OnboardingRequest = carried.request;

  /** Bundle SIDs Twilio has told us about since we last looked: a reason to look again. */
  const hints = new Set<string>();
  let pendingCorrections: Corrections | undefined;

  // ---- messages ------------------------------------------------------------------------------------

  setHandler(getOnboarding, () => view);

  setHandler(bundleStatusChanged, ({ bundleSid }) => {
    if (bundleSid === view.resources.customerProfileSid || bundleSid === view.resources.trustProductSid) {
      hints.add(bundleSid);
    }
  });

  setHandler(
    submitCorrections,
    async (corrections) => {
      pendingCorrections = corrections;
      // Answer once the corrections are applied and the onboarding waits again: on Twilio's vetting, or
      // on the ISV when the re-evaluation still finds something wrong.
      await condition(
        () =>
          pendingCorrections === undefined && (view.step.startsWith('waiting-') || view.status !== 'running'),
      );
      return view;
    },
    {
      validator: (corrections: Corrections) => {
        if (view.status !== 'action-required' || pendingCorrections !== undefined) {
          throw ApplicationFailure.create({
            type: CorrectionRefusal.NotWaiting,
            message: `This onboarding is ${view.status} (${view.step}); corrections are accepted only while it is action-required.`,
          });
        }
        const reasons = checkCorrections(corrections, {
          trustProductPhase: view.customerProfile?.status === 'twilio-approved',
        });
        if (reasons.length) {
          throw ApplicationFailure.create({
            type: CorrectionRefusal.Invalid,
            message: reasons.join('; '),
            details: reasons,
          });
        }
      },
    },
  );

  // ---- state, search attributes and the UI's "current details" -------------------------------------

  function note(event: string, detail?: string): void {
    view.timeline.push({ at: new Date().toISOString(), event, ...(detail ? { detail } : {}) });
    if (view.timeline.length > TIMELINE_LIMIT) view.timeline.splice(0, view.timeline.length - TIMELINE_LIMIT);
  }

  /** When the current wait (vetting, corrections) began; a new wait gets a new start time. */
  let waitingSince: Date | undefined;

  function publish(): void {
    if (!view.step.startsWith('waiting-')) waitingSince = undefined;
    else waitingSince ??= new Date();
    upsertSearchAttributes([
      { key: CustomerId, value: view.customerId },
      { key: OnboardingStatus, value: view.status },
      { key: OnboardingStepAttribute, value: view.step },
      { key: CustomerProfileStatus, value: view.customerProfile?.status ?? 'none' },
      { key: TrustProductStatus, value: view.trustProduct?.status ?? 'none' },
      { key: BundleSids, value: bundleSids() },
      { key: WaitingSince, value: waitingSince ?? null },
    ]);
    setCurrentDetails(describe());
  }

  function bundleSids(): string[] {
    return [view.resources.customerProfileSid, view.resources.trustProductSid].filter(
      (sid): sid is string => !!sid,
    );
  }

  function describe(): string {
    const lines = [`**${view.status}** — ${view.step.replaceAll('-', ' ')}`];
    if (view.customerProfile)
      lines.push(`Customer profile ${view.customerProfile.sid}: ${view.customerProfile.status}`);
    if (view.trustProduct)
      lines.push(`SHAKEN/STIR trust product ${view.trustProduct.sid}: ${view.trustProduct.status}`);
    if (view.problem) {
      lines.push(`Needs the ISV: ${view.problem.message}`);
      for (const { code, meaning } of view.problem.codes) lines.push(`- ${code}: ${meaning}`);
    }
    return lines.join('\n');
  }

  function setStep(step: OnboardingStep): void {
    if (view.step !== step) note(`step: ${step}`);
    view.step = step;
    publish();
  }

  function recordBundle(snapshot: BundleSnapshot): BundleSnapshot {
    const previous = snapshot.kind === 'customer-profile' ? view.customerProfile : view.trustProduct;
    if (previous?.status !== snapshot.status) note(`${snapshot.kind} ${snapshot.sid}: ${snapshot.status}`);
    if (snapshot.kind === 'customer-profile') view.customerProfile = snapshot;
    else view.trustProduct = snapshot;
    publish();
    return snapshot;
  }

  // ---- the guide's steps ---------------------------------------------------------------------------

  const settings = await trustHub.getOnboardingSettings();
  const statusCallback = `${settings.statusCallbackUrl}?onboardingId=${encodeURIComponent(onboardingId)}`;
  const name = (role: string, revision = 1) => resourceName(request.customerId, role, revision);

  /** Assign an object to a bundle once (EntityAssignments); remembered so a replay or return skips it. */
  async function link(kind: BundleKind, bundleSid: string, objectSid: string): Promise<void> {
    const linked = (carried.linked[bundleSid] ??= []);
    if (linked.includes(objectSid)) return;
    await trustHub.assignToBundle({ kind, bundleSid, objectSid });
    linked.push(objectSid);
  }

  async function unlink(kind: BundleKind, bundleSid: string, objectSid: string): Promise<void> {
    await trustHub.unassignFromBundle({ kind, bundleSid, objectSid });
    carried.linked[bundleSid] = (carried.linked[bundleSid] ?? []).filter((sid) => sid !== objectSid);
  }

  // 1. Secondary customer profile, with the status callback that wakes us.
  async function createCustomerProfile(): Promise<string> {
    if (!view.resources.customerProfileSid) {
      setStep('creating-customer-profile');
      const profile = await trustHub.createBundle({
        kind: 'customer-profile',
        friendlyName: request.friendlyName
          ? `${request.friendlyName} (${request.customerId})`
          : name('customer-profile'),
        email: request.email,
        statusCallback,
      });
      view.resources.customerProfileSid = profile.sid;
      recordBundle(profile);
    }
    return view.resources.customerProfileSid;
  }

  // 2. Link the ISV's approved primary profile.
  async function linkPrimaryProfile(profileSid: string): Promise<void> {
    setStep('linking-primary-profile');
    await link('customer-profile', profileSid, settings.primaryCustomerProfileSid);
  }

  // 3.–4. Address, and the supporting document that points at it.
  async function attachAddress(profileSid: string): Promise<void> {
    if (!view.resources.addressSid) {
      setStep('creating-address');
      view.resources.addressSid = (
        await trustHub.createAddress({
          friendlyName: name('address', carried.revision),
          address: request.address,
        })
      ).sid;
    }
    if (!view.resources.supportingDocumentSid) {
      setStep('creating-address-document');
      view.resources.supportingDocumentSid = (
        await trustHub.createSupportingDocument({
          friendlyName: name('address-document', carried.revision),
          addressSid: view.resources.addressSid,
        })
      ).sid;
    }
    await link('customer-profile', profileSid, view.resources.supportingDocumentSid);
  }

  // 5. Business information.
  async function attachBusinessInformation(profileSid: string): Promise<void> {
    setStep('creating-business-information');
    view.resources.businessInformationSid ??= (
      await trustHub.createEndUser({
        friendlyName: name('business-information'),
        type: 'customer_profile_business_information',
        attributes: businessInformationAttributes(request.business),
      })
    ).sid;
    await link('customer-profile', profileSid, view.resources.businessInformationSid);
  }

  // 6. Authorized representatives (one, optionally two).
  async function attachRepresentatives(profileSid: string): Promise<void> {
    setStep('creating-authorized-representatives');
    for (const [index, representative] of request.authorizedRepresentatives.entries()) {
      const type = index === 0 ? 'authorized_representative_1' : 'authorized_representative_2';
      view.resources.representativeSids[index] ??= (
        await trustHub.createEndUser({
          friendlyName: name(type.replaceAll('_', '-')),
          type,
          attributes: representativeAttributes(representative),
        })
      ).sid;
      await link('customer-profile', profileSid, view.resources.representativeSids[index]);
    }
  }

  // 7. Phone numbers: E.164 or PN… looked up among the account's numbers, then put on the profile.
  async function attachPhoneNumbers(profileSid: string): Promise<void> {
    setStep('assigning-phone-numbers');
    const known = new Set(view.phoneNumbers.map((n) => n.input));
    const missing = request.phoneNumbers.filter((n) => !known.has(n));
    if (missing.length) view.phoneNumbers.push(...(await trustHub.resolvePhoneNumbers({ numbers: missing })));
    for (const number of view.phoneNumbers) {
      const assigned = (carried.linked[`${profileSid}:numbers`] ??= []);
      if (assigned.includes(number.sid)) continue;
      await trustHub.assignPhoneNumber({
        kind: 'customer-profile',
        bundleSid: profileSid,
        phoneNumberSid: number.sid,
      });
      assigned.push(number.sid);
    }
  }

  // 8. and 9. Evaluate (a dry run), submit, and wait for Twilio's vetting.
  async function vet(kind: BundleKind, sid: string): Promise<void> {
    const current = kind === 'customer-profile' ? view.customerProfile : view.trustProduct;
    if (current?.status === 'twilio-approved') return;
    const label = kind === 'customer-profile' ? 'customer-profile' : 'trust-product';

    if (current?.status !== 'pending-review' && current?.status !== 'in-review') {
      setStep(`evaluating-${label}`);
      const evaluation = await trustHub.evaluateBundle({ kind, sid });
      view.latestEvaluation = { ...evaluation, bundle: kind };
      note(`${kind} evaluation: ${evaluation.status}`);
      if (evaluation.status !== 'compliant') throw new NeedsCorrections(evaluationProblem(kind, evaluation));

      setStep(`submitting-${label}`);
      recordBundle(await trustHub.submitBundle({ kind, sid }));
    }

    setStep(`waiting-for-${label}-vetting`);
    const outcome = await waitForVetting(kind, sid);
    if (outcome.status === 'twilio-rejected') {
      throw new NeedsCorrections({
        kind: 'rejection',
        bundle: kind,
        message: `Twilio rejected the ${kind.replace('-', ' ')}.`,
        codes: outcome.errors.map(({ code }) => ({ code, meaning: describeTwilioCode(code) })),
        failures: [],
      });
    }
  }

  /**
   * Sleeps until Twilio's callback (a hint) or the reconciliation poll, then re-reads the bundle: what
   * the callback said is never trusted, so duplicated, late or reordered callbacks change nothing.
   */
  async function waitForVetting(kind: BundleKind, sid: string): Promise<BundleSnapshot> {
    for (;;) {
      await condition(() => hints.has(sid), settings.vettingPollIntervalMs, {
        summary: `Twilio vetting of ${kind} ${sid} (callback or poll)`,
      });
      hints.delete(sid);
      const snapshot = recordBundle(await trustHub.fetchBundle({ kind, sid }));
      if (snapshot.status === 'twilio-approved' || snapshot.status === 'twilio-rejected') return snapshot;
      await continueAsNewIfHistoryIsLong();
    }
  }

  // 9. SHAKEN/STIR trust product: linked to the secondary profile, with the same numbers.
  async function createTrustProduct(profileSid: string): Promise<string> {
    if (!view.resources.trustProductSid) {
      setStep('creating-trust-product');
      const product = await trustHub.createBundle({
        kind: 'trust-product',
        friendlyName: name('shaken-stir-trust-product'),
        email: request.email,
        statusCallback,
      });
      view.resources.trustProductSid = product.sid;
      recordBundle(product);
    }
    setStep('linking-customer-profile-to-trust-product');
    await link('trust-product', view.resources.trustProductSid, profileSid);
    setStep('assigning-phone-numbers-to-trust-product');
    for (const number of view.phoneNumbers) {
      if (carried.phoneNumbersOnTrustProduct.includes(number.sid)) continue;
      await trustHub.assignPhoneNumber({
        kind: 'trust-product',
        bundleSid: view.resources.trustProductSid,
        phoneNumberSid: number.sid,
      });
      carried.phoneNumbersOnTrustProduct.push(number.sid);
    }
    return view.resources.trustProductSid;
  }

  async function followTheGuide(): Promise<void> {
    const profileSid = await createCustomerProfile();
    if (view.customerProfile?.status !== 'twilio-approved') {
      await linkPrimaryProfile(profileSid);
      await attachAddress(profileSid);
      await attachBusinessInformation(profileSid);
      await attachRepresentatives(profileSid);
      await attachPhoneNumbers(profileSid);
      await vet('customer-profile', profileSid);
    }
    const trustProductSid = await createTrustProduct(profileSid);
    await vet('trust-product', trustProductSid);
  }

  // ---- corrections ---------------------------------------------------------------------------------

  async function waitForCorrections(problem: Problem): Promise<Corrections> {
    view.status = 'action-required';
    view.problem = problem;
    note('action required', problem.message);
    setStep('waiting-for-corrections');
    while (!(await condition(() => pendingCorrections !== undefined, '1 day'))) {
      await continueAsNewIfHistoryIsLong();
    }
    view.status = 'running';
    view.problem = null;
    return pendingCorrections!;
  }

  /** Applies corrections to the resources already made: update where Twilio allows it, replace where not. */
  async function applyCorrections(corrections: Corrections): Promise<void> {
    view.corrections += 1;
    note('corrections received', Object.keys(corrections).join(', '));
    setStep('applying-corrections');
    const profileSid = view.resources.customerProfileSid;
    request = {
      ...request,
      ...(corrections.email ? { email: corrections.email } : {}),
      ...(corrections.business ? { business: { ...request.business, ...corrections.business } } : {}),
      ...(corrections.address ? { address: corrections.address } : {}),
      ...(corrections.authorizedRepresentatives
        ? { authorizedRepresentatives: corrections.authorizedRepresentatives }
        : {}),
      ...(corrections.phoneNumbers ? { phoneNumbers: corrections.phoneNumbers } : {}),
    };
    const profileEditable = profileSid && view.customerProfile?.status !== 'twilio-approved';

    if (corrections.email) {
      if (profileEditable) {
        recordBundle(
          await trustHub.updateBundleEmail({
            kind: 'customer-profile',
            sid: profileSid,
            email: request.email,
          }),
        );
      }
      if (view.resources.trustProductSid) {
        recordBundle(
          await trustHub.updateBundleEmail({
            kind: 'trust-product',
            sid: view.resources.trustProductSid,
            email: request.email,
          }),
        );
      }
    }
    if (corrections.business && view.resources.businessInformationSid) {
      await trustHub.updateEndUser({
        sid: view.resources.businessInformationSid,
        attributes: businessInformationAttributes(request.business),
      });
    }
    if (corrections.authorizedRepresentatives && profileSid) {
      const sids = view.resources.representativeSids;
      for (const [index, representative] of request.authorizedRepresentatives.entries()) {
        const sid = sids[index];
        if (sid) await trustHub.updateEndUser({ sid, attributes: representativeAttributes(representative) });
      }
      // A second representative removed: take it off the profile (attachRepresentatives adds a new one).
      for (const sid of sids.splice(request.authorizedRepresentatives.length)) {
        await unlink('customer-profile', profileSid, sid);
      }
    }
    if (corrections.address && view.resources.addressSid && profileSid) {
      try {
        await trustHub.updateAddress({ sid: view.resources.addressSid, address: request.address });
      } catch (error) {
        // Twilio cannot change an address's country: make a new address and document, and swap them.
        if (failureType(error) !== TrustHubFailureType.AddressCountryChanged) throw error;
        if (view.resources.supportingDocumentSid) {
          await unlink('customer-profile', profileSid, view.resources.supportingDocumentSid);
        }
        carried.revision += 1;
        view.resources.addressSid = undefined;
        view.resources.supportingDocumentSid = undefined;
      }
    }
    // Phone numbers: new ones are resolved and assigned when the guide runs again.
  }

  // ---- history stays bounded -----------------------------------------------------------------------

  async function continueAsNewIfHistoryIsLong(): Promise<void> {
    if (!workflowInfo().continueAsNewSuggested) return;
    await condition(allHandlersFinished);
    note('continued as new', `history of ${workflowInfo().historyLength} events`);
    await continueAsNew<typeof shakenStirOnboarding>({
      onboardingId,
      request,
      carried: { ...carried, view },
    });
  }

  // ---- cancel: remove what is still draft, newest first --------------------------------------------

  async function compensate(): Promise<void> {
    view.step = 'cancelling';
    note('cancel requested');
    const candidates: { kind: DeletableKind; sid: string | undefined; bundle?: BundleSnapshot | null }[] = [
      { kind: 'trust-product', sid: view.resources.trustProductSid, bundle: view.trustProduct },
      ...[...view.resources.representativeSids].reverse().map((sid) => ({ kind: 'end-user' as const, sid })),
      { kind: 'end-user', sid: view.resources.businessInformationSid },
      { kind: 'supporting-document', sid: view.resources.supportingDocumentSid },
      { kind: 'address', sid: view.resources.addressSid },
      { kind: 'customer-profile', sid: view.resources.customerProfileSid, bundle: view.customerProfile },
    ];
    const profileSubmitted = view.customerProfile && view.customerProfile.status !== 'draft';
    for (const { kind, sid, bundle } of candidates) {
      if (!sid) continue;
      const submitted = bundle ? bundle.status !== 'draft' : profileSubmitted && kind !== 'trust-product';
      if (submitted) {
        view.compensation.push({ kind, sid, outcome: 'kept', reason: 'already submitted to Twilio' });
        continue;
      }
      try {
        // Twilio refuses to delete an end user or document still assigned to a bundle: unassign first.
        const profileSid = view.resources.customerProfileSid;
        if ((kind === 'end-user' || kind === 'supporting-document') && profileSid) {
          await unlink('customer-profile', profileSid, sid);
        }
        await trustHub.deleteResource({ kind, sid });
        view.compensation.push({ kind, sid, outcome: 'deleted' });
      } catch (error) {
        view.compensation.push({ kind, sid, outcome: 'failed', reason: (error as Error).message });
      }
    }
    view.status = 'cancelled';
    view.step = 'done';
    note('cancelled', `${view.compensation.filter((c) => c.outcome === 'deleted').length} resources removed`);
    publish();
  }

  // ---- the run -------------------------------------------------------------------------------------

  publish();
  try {
    // Follow the guide; whenever Twilio needs something fixed, wait for the ISV's corrections, apply
    // them (which Twilio may refuse in turn) and follow the guide again from the top.
    let problem: Problem | undefined;
    for (;;) {
      try {
        if (problem) {
          const corrections = await waitForCorrections(problem);
          problem = undefined;
          try {
            await applyCorrections(corrections);
          } finally {
            pendingCorrections = undefined;
          }
        }
        await followTheGuide();
        break;
      } catch (error) {
        problem = error instanceof NeedsCorrections ? error.problem : refusalProblem(error);
        if (!problem) throw error;
      }
    }
    view.status = 'completed';
    view.step = 'done';
    note('completed', `A-level attestation for ${view.phoneNumbers.map((n) => n.sid).join(', ')}`);
    publish();
    return view;
  } catch (error) {
    if (isCancellation(error)) {
      await CancellationScope.nonCancellable(compensate);
      throw error;
    }
    // Continuing as new is how a long wait goes on in a fresh run, not a failure.
    if (error instanceof ContinueAsNew) throw error;
    view.status = 'failed';
    view.step = 'done';
    note('failed', (error as Error).message);
    publish();
    throw error;
  }
}

function failureType(error: unknown): string | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

/** Twilio refused a request (bad value, not owned number): the ISV can fix it with a correction. */
function refusalProblem(error: unknown): Problem | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : undefined;
  if (!(cause instanceof ApplicationFailure)) return undefined;
  if (cause.type === TrustHubFailureType.PhoneNumberNotOwned) {
    return { kind: 'phone-numbers', message: cause.message, codes: [], failures: [] };
  }
  if (cause.type === TrustHubFailureType.Rejected) {
    const details = (cause.details?.[0] ?? {}) as Partial<TwilioErrorDetails>;
    return {
      kind: 'twilio-error',
      message: `Twilio refused a request: ${details.message ?? cause.message}`,
      codes: details.code ? [{ code: details.code, meaning: describeTwilioCode(details.code) }] : [],
      failures: [],
    };
  }
  return undefined;
}

function evaluationProblem(kind: BundleKind, evaluation: EvaluationSummary): Problem {
  const codes = [...new Set(evaluation.failures.map((f) => f.errorCode).filter((c): c is number => !!c))];
  return {
    kind: 'evaluation',
    bundle: kind,
    message: `Twilio's evaluation of the ${kind.replace('-', ' ')} is noncompliant.`,
    codes: codes.map((code) => ({ code, meaning: describeTwilioCode(code) })),
    failures: evaluation.failures,
  };
}
