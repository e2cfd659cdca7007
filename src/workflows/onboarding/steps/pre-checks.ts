/**
 * Checks that save a vetting round: what Twilio's reviewers reject a customer profile for that can be
 * seen before submitting it. Each failure is field-level, like an evaluation's, so the ISV fixes it at
 * once instead of a day later. Only domains and rule names go into the problem, never the addresses.
 */
import type { EvaluationFieldResult, OnboardingRequest, Problem } from '../../../contract/types.js';

const EMAIL_DOMAIN_MISMATCH = 18606;
const INELIGIBLE_REGISTRATION_AUTHORITY = 18609;

/** The customer profile's blocking problems (18606: email domain vs website), or undefined. */
export function preSubmitProblem(request: OnboardingRequest): Problem | undefined {
  const site = websiteHost(request.business.websiteUrl);
  if (!site) return undefined;
  const emails = [
    { objectType: 'customer_profile', email: request.email },
    ...request.authorizedRepresentatives.map((r, index) => ({
      objectType: `authorized_representative_${index + 1}`,
      email: r.email,
    })),
  ];
  const failures: EvaluationFieldResult[] = emails
    .map(({ objectType, email }) => ({ objectType, domain: email.split('@').pop()!.toLowerCase() }))
    .filter(({ domain }) => !sameSite(domain, site))
    .map(({ objectType, domain }) => ({
      requirement: "Emails are on the business website's domain",
      objectType,
      field: 'email',
      errorCode: EMAIL_DOMAIN_MISMATCH,
      reason: `The email is on ${domain}, the website on ${site}: Twilio rejects the profile with ${EMAIL_DOMAIN_MISMATCH}. Use an address on ${site}.`,
    }));
  if (failures.length === 0) return undefined;
  return {
    kind: 'pre-check',
    bundle: 'customer-profile',
    message: 'Checked before submission: Twilio would reject this customer profile.',
    codes: [
      {
        code: EMAIL_DOMAIN_MISMATCH,
        meaning: "An email address's domain does not match the business website's domain.",
      },
    ],
    failures,
  };
}

/** What Twilio often rejects but does not always: said once, in the timeline and the record. */
export function preSubmitWarnings(request: OnboardingRequest): string[] {
  const { business, address } = request;
  const usBusiness =
    business.regionsOfOperation.includes('USA_AND_CANADA') || address.isoCountry.toUpperCase() === 'US';
  if (usBusiness && business.registrationIdentifier !== 'EIN') {
    return [
      `${INELIGIBLE_REGISTRATION_AUTHORITY} (ineligible business registration authority) is likely: Twilio vets US businesses for voice by EIN, and this one is registered by ${business.registrationIdentifier}. Send the EIN if the business has one.`,
    ];
  }
  return [];
}

function websiteHost(url: string): string | undefined {
  return /^https?:\/\/([^/:?#]+)/i
    .exec(url)?.[1]
    ?.toLowerCase()
    .replace(/^www\./, '');
}

/** acme.com matches acme.com, mail.acme.com and, for a site on shop.acme.com, acme.com too. */
function sameSite(domain: string, site: string): boolean {
  return domain === site || domain.endsWith(`.${site}`) || site.endsWith(`.${domain}`);
}
