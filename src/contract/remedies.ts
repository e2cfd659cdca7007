/**
 * What each problem asks of the ISV, in words: a remedy for each of Twilio's codes the service knows
 * (beside the codes' meanings in ./vocabulary.ts), for each kind of problem when its codes say nothing
 * more, and for a number another bundle holds (20409). The workflow adds these to a problem where it
 * leaves the run (src/workflows/remedies.ts); docs/problems.md lists them for people, and a test holds
 * the doc to this module.
 */
import type { NumberHolder } from './failures.js';
import type { Problem } from './types.js';

/** What a code asks of the ISV. `fixable: false`: nothing the ISV sends fixes it. */
export interface CodeRemedy {
  remedy: string;
  /** Where to look when the problem names no field itself. */
  pointers: readonly string[];
  fixable: boolean;
}

/**
 * A remedy for each code the service knows (src/contract/vocabulary.ts' meanings, and 20409 on a number).
 * Each names what Twilio's reviewers compare, so the ISV knows what to check before sending it again.
 */
export const CODE_REMEDIES: Readonly<Record<number, CodeRemedy>> = {
  18601: {
    remedy:
      'Twilio could not tie the business name to the website. Send the legal name exactly as registered (business.name) and a website the business itself runs, on its own domain, that names the business (business.websiteUrl); the profile is resubmitted.',
    pointers: ['/business/name', '/business/websiteUrl'],
    fixable: true,
  },
  18602: {
    remedy:
      'Twilio could not verify the registration number. Send the EIN (or DUNS) exactly as the IRS (or Dun & Bradstreet) issued it to this legal name, with the matching registrationIdentifier; the name must be the one registered with it.',
    pointers: ['/business/registrationNumber', '/business/registrationIdentifier', '/business/name'],
    fixable: true,
  },
  18603: {
    remedy:
      'Twilio could not verify the address. Send the address the business is registered at, as the postal service writes it (no PO box); a new address in another country is made anew.',
    pointers: ['/address'],
    fixable: true,
  },
  18604: {
    remedy:
      "Twilio could not verify the first authorized representative. Send a real person of the business, with their own email on the business's domain, a phone number that reaches them, and their title.",
    pointers: ['/authorizedRepresentatives/0'],
    fixable: true,
  },
  18605: {
    remedy:
      'Twilio could not verify the second authorized representative. Correct them as the first, or send authorizedRepresentatives with the first one only.',
    pointers: ['/authorizedRepresentatives/1'],
    fixable: true,
  },
  18606: {
    remedy:
      "Every email (the profile's and each representative's) must be on the website's domain. Send addresses on that domain, or the website the addresses belong to.",
    pointers: ['/email', '/authorizedRepresentatives/0/email', '/business/websiteUrl'],
    fixable: true,
  },
  18607: {
    remedy:
      'Twilio will not copy this customer profile. The service never copies one; if the profile was adopted, start again without customerProfileSid so that a new profile is made, or ask Twilio support.',
    pointers: [],
    fixable: false,
  },
  18608: {
    remedy:
      'Twilio says this customer profile was copied already. The service never copies one; if the profile was adopted, start again without customerProfileSid, or ask Twilio support.',
    pointers: [],
    fixable: false,
  },
  18609: {
    remedy:
      "Twilio vets US businesses for voice by EIN. Send registrationIdentifier EIN with the business's EIN as registrationNumber.",
    pointers: ['/business/registrationIdentifier', '/business/registrationNumber'],
    fixable: true,
  },
  20409: {
    remedy:
      'A number is on one customer profile, and on one trust product of each product, at a time. Send phoneNumbers without it, or take it off the other bundle first.',
    pointers: ['/phoneNumbers'],
    fixable: true,
  },
  11005: {
    remedy:
      'Voice Integrity needs the customer profile approved first. Nothing to send: the service submits it again once Twilio approves the profile.',
    pointers: [],
    fixable: false,
  },
  11006: {
    remedy:
      'CNAM needs the customer profile approved first. Nothing to send: the service submits it again once Twilio approves the profile.',
    pointers: [],
    fixable: false,
  },
  11007: {
    remedy:
      'The CNAM display name must read as the registered business name: send a display name made of words of business.name (or its initials), at most 15 characters.',
    pointers: ['/cnam/displayName'],
    fixable: true,
  },
  11008: {
    remedy:
      'The CNAM display name must name the business: nothing generic ("Customer Service") and nothing that impersonates an authority (FBI, Police, Medicare…). Send another display name.',
    pointers: ['/cnam/displayName'],
    fixable: true,
  },
  11009: {
    remedy:
      'Send a CNAM display name of at most 15 characters that starts with a letter and has only letters, digits, periods, commas and spaces.',
    pointers: ['/cnam/displayName'],
    fixable: true,
  },
  22214: {
    remedy:
      "Twilio misses a whole part of the bundle (an end user, or the linked profile). Send the part the failure names; a linked profile that is missing is the service's to fix, retried after corrections.",
    pointers: [],
    fixable: true,
  },
  22215: {
    remedy: 'Twilio misses a required field: send the field the failure names.',
    pointers: [],
    fixable: true,
  },
  22216: {
    remedy: "Twilio misses the address document: send the customer's address.",
    pointers: ['/address'],
    fixable: true,
  },
  22217: {
    remedy: 'Twilio finds a field present but invalid: send the field the failure names with a valid value.',
    pointers: [],
    fixable: true,
  },
  22219: {
    remedy: "Twilio misses the address: send the customer's address.",
    pointers: ['/address'],
    fixable: true,
  },
};

/** Twilio's public status page: whether an outage is Twilio's, and when it expects it over. */
export const TWILIO_STATUS_PAGE = 'https://status.twilio.com';

/** What each kind of problem asks when its codes say nothing more (or it has none). */
export const KIND_REMEDIES: Readonly<Record<Problem['kind'], string>> = {
  evaluation:
    "Twilio's evaluation (a dry run, before any vetting) found the fields listed missing or invalid. Correct them; the bundle is evaluated again and submitted.",
  'pre-check':
    'The service checked this before submitting, so no day of vetting was spent. Correct the fields listed; the bundle is checked again and submitted.',
  rejection:
    "Twilio's reviewers rejected the bundle for the codes listed. Correct what they name; it is submitted again.",
  'twilio-error':
    'Twilio refused a value the service sent, for the reason in the message. Correct that value; the service goes on from where it stopped.',
  'phone-numbers':
    'A number cannot be used: send phoneNumbers without it, or with one the Twilio account owns and no other bundle holds.',
  'approval-lost':
    "An approval is no longer current at Twilio. Nothing the API takes fixes it: renew or resubmit it in Twilio's Trust Hub; the service sees the new approval at its next check.",
  adoption:
    'The customer profile named by customerProfileSid cannot be adopted; an operator can read why in the onboarding run. Start again without customerProfileSid and a profile is made for the customer.',
  'twilio-unavailable': `Nothing to send: Twilio is failing the service's calls (an outage at Twilio or on the way to it, or credentials the operators must fix), and the service retries until Twilio answers, then goes on by itself. Twilio's status page: ${TWILIO_STATUS_PAGE}.`,
};

/** The remedy of a trust product's rejection: replaced, not edited (Twilio keeps its decision). */
export const TRUST_PRODUCT_REJECTED =
  'Twilio rejected the SHAKEN/STIR trust product. Send replaceTrustProduct: true (with a corrected email if that was the reason): it is deleted and a new one, linked to the same approved profile, is submitted.';

/** What 20409 means on a number's assignment (elsewhere it is Twilio's generic conflict). */
export const NUMBER_TAKEN_MEANING =
  'The number is already on another customer profile, or on another trust product of the same product.';

/**
 * Where the number is, and what to do, by whose bundle holds it (src/activities/number-holder.ts finds
 * out). Never who: the ISV reads these, and another customer's name or SID is not theirs to read.
 */
export const NUMBER_HOLDERS: Readonly<Record<NumberHolder, { where: string; remedy: string }>> = {
  'another-customer': {
    where: 'a customer profile or trust product this service made for another customer of this service',
    remedy:
      'Another of your customers onboarded through this service has this number: a number belongs to one customer at a time. Send phoneNumbers without it, or first take it off the other customer (DELETE /v1/onboardings/{its id}/phone-numbers/{number} once it is approved, or cancel that onboarding while it is not) and send the same list again.',
  },
  outside: {
    where: 'a customer profile or trust product outside this service (one it did not make)',
    remedy:
      "A bundle this service did not make holds the number: your own primary customer profile, one made in Twilio's Console, or another integration's. Take the number off it in Twilio's Trust Hub (its Channel Endpoint Assignments) and send the same list again, or send phoneNumbers without it.",
  },
  'this-customer': {
    where: 'a customer profile or trust product an earlier onboarding of this same customer made',
    remedy:
      "An earlier onboarding of this customer left the number on one of its bundles. Take the number off that bundle in Twilio's Trust Hub and send the same list again, or send phoneNumbers without it.",
  },
  unknown: {
    where: 'another customer profile or trust product (Twilio did not say which)',
    remedy:
      "A number is on one customer profile, and one trust product of each product, at a time. Find the bundle that holds it in Twilio's Trust Hub and take it off there, or send phoneNumbers without it.",
  },
};
