/**
 * The why of every problem, for the ISV: what to do about it in words (`remedy`), which paths of the
 * onboarding request to change (`fields`, JSON pointers with Twilio's names beside them), and the call
 * that applies it (`fix`). A problem is recorded with Twilio's codes and field names only; this module
 * adds the rest where the problem leaves the run: the view every query and update answers, the events,
 * and the Web UI's current details (../onboarding/projection.ts). Being derived on the way out, runs already
 * in flight say it too, and nothing new is written to history.
 *
 * Twilio's names are mapped to the request's by running the attribute mappers (src/trusthub/attributes.ts)
 * on a request whose every value is its own JSON pointer: what comes out under `business_name` is the
 * pointer it came from, so the mapping cannot drift from what is actually sent.
 *
 * Pure and deterministic (no Node built-ins, no TypeBox): the workflow bundle imports it. The remedies in
 * words are listed for people in docs/problems.md, which a test holds to this module.
 */
import {
  addressParams,
  businessInformationAttributes,
  cnamAttributes,
  representativeAttributes,
  voiceIntegrityAttributes,
} from '../trusthub/attributes.js';
import type { NumberHolder } from '../contract/failures.js';
import type {
  AuthorizedRepresentative,
  BusinessInformation,
  CnamRequest,
  EvaluationFieldResult,
  OnboardingRecord,
  OnboardingRequest,
  PhoneNumberRef,
  PostalAddress,
  Problem,
  VoiceIntegrityRequest,
} from '../contract/types.js';
import type { OnboardingStatus } from '../contract/vocabulary.js';

export type ProblemField = NonNullable<Problem['fields']>[number];
export type ProblemFix = NonNullable<Problem['fix']>;

// ---- Twilio's names → the request's JSON pointers ---------------------------------------------------

/** Runs a mapper on a request part whose values are their own pointers: Twilio name → pointer. */
function pointersFrom(attributes: Record<string, unknown>): Record<string, string> {
  const pointers: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'string' && value.startsWith('/')) pointers[name] = value;
  }
  return pointers;
}

/** A request part whose every field holds its own pointer (lists: a one-item list of it). */
function probe<T>(prefix: string, fields: Record<keyof T & string, 'value' | 'list'>): T {
  const values: Record<string, string | string[]> = {};
  for (const [field, shape] of Object.entries(fields)) {
    const pointer = `${prefix}/${field}`;
    values[field] = shape === 'list' ? [pointer] : pointer;
  }
  return values as T;
}

const BUSINESS = pointersFrom(
  businessInformationAttributes(
    probe<BusinessInformation>('/business', {
      name: 'value',
      identity: 'value',
      type: 'value',
      industry: 'value',
      registrationIdentifier: 'value',
      registrationNumber: 'value',
      regionsOfOperation: 'list',
      websiteUrl: 'value',
      socialMediaProfileUrls: 'list',
    }),
  ),
);

const representative = (index: number) =>
  pointersFrom(
    representativeAttributes(
      probe<AuthorizedRepresentative>(`/authorizedRepresentatives/${index}`, {
        firstName: 'value',
        lastName: 'value',
        email: 'value',
        phoneNumber: 'value',
        businessTitle: 'value',
        jobPosition: 'value',
      }),
    ),
  );

/** Twilio's Address resource takes snake_case parameters; the SDK's names are the request's. */
const ADDRESS = Object.fromEntries(
  Object.entries(
    pointersFrom(
      addressParams(
        probe<PostalAddress>('/address', {
          customerName: 'value',
          street: 'value',
          streetSecondary: 'value',
          city: 'value',
          region: 'value',
          postalCode: 'value',
          isoCountry: 'value',
        }),
      ),
    ),
  ).map(([name, pointer]) => [name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), pointer]),
);

/** The counts go to Twilio as strings: probed as such. */
const VOICE_INTEGRITY = pointersFrom(
  voiceIntegrityAttributes(
    probe<VoiceIntegrityRequest>('/voiceIntegrity', {
      useCase: 'value',
      employeeCount: 'value',
      averageBusinessDayCallVolume: 'value',
      notes: 'value',
    }),
  ),
);

const CNAM = pointersFrom(cnamAttributes(probe<CnamRequest>('/cnam', { displayName: 'value' })));

/**
 * Twilio's object types (end-user types, the supporting document, the bundle itself, the Address
 * resource), each with its fields' pointers and the pointer of the object as a whole.
 */
export const TWILIO_OBJECTS: Record<string, { whole?: string; fields: Record<string, string> }> = {
  customer_profile_business_information: { whole: '/business', fields: BUSINESS },
  authorized_representative_1: { whole: '/authorizedRepresentatives/0', fields: representative(0) },
  authorized_representative_2: { whole: '/authorizedRepresentatives/1', fields: representative(1) },
  // The address document points at the Address resource: the request's address, as a whole.
  customer_profile_address: { whole: '/address', fields: { address_sids: '/address' } },
  address: { whole: '/address', fields: ADDRESS },
  // The bundle's own fields; its linked profiles (the ISV's primary) are none of the request's.
  customer_profile: { fields: { email: '/email' } },
  trust_product: { fields: { email: '/email' } },
  voice_integrity_information: { whole: '/voiceIntegrity', fields: VOICE_INTEGRITY },
  cnam_information: { whole: '/cnam', fields: CNAM },
};

/** The request path in Twilio's words (`authorized_representative_1.email`), from a pointer. */
function twilioNameOf(pointer: string): string | undefined {
  for (const [objectType, { whole, fields }] of Object.entries(TWILIO_OBJECTS)) {
    for (const [field, fieldPointer] of Object.entries(fields)) {
      if (fieldPointer === pointer && fieldPointer !== whole) return `${objectType}.${field}`;
    }
  }
  for (const [objectType, { whole }] of Object.entries(TWILIO_OBJECTS)) {
    if (whole === pointer) return objectType;
  }
  return undefined;
}

/** `cnam.displayName`, `authorizedRepresentatives[0].email` (the request's own paths) → a JSON pointer. */
function pointerOfRequestPath(path: string): string | undefined {
  if (!/^[a-zA-Z]+(\.[a-zA-Z]+|\[\d+\])*$/.test(path)) return undefined;
  return `/${path.replace(/\[(\d+)\]/g, '.$1').replaceAll('.', '/')}`;
}

/**
 * The request's JSON pointer for one of Twilio's field names (an evaluation's `object_type` and
 * `object_field`), or undefined when the request has no such field (the ISV's primary profile, say).
 * A field named in the request's own words (the pre-checks') is taken as it is.
 */
export function pointerOf(objectType: string | undefined, field: string | undefined): string | undefined {
  const object = objectType ? TWILIO_OBJECTS[objectType] : undefined;
  if (object && !field) return object.whole;
  if (!field) return undefined;
  if (object?.fields[field]) return object.fields[field];
  // The products' pre-check names the whole product in the request's words (`voiceIntegrity`: 18609).
  if (object?.whole && field === object.whole.slice(1)) return object.whole;
  if (field.includes('.')) return pointerOfRequestPath(field);
  // A field name Twilio uses on one object only says which without its type.
  const owners = Object.values(TWILIO_OBJECTS).filter((o) => o.fields[field] !== undefined);
  const distinct = [...new Set(owners.map((o) => o.fields[field]))];
  return distinct.length === 1 ? distinct[0] : undefined;
}

// ---- remedies: by Twilio's code, and by kind where no code says more -------------------------------

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
const TRUST_PRODUCT_REJECTED =
  'Twilio rejected the SHAKEN/STIR trust product. Send replaceTrustProduct: true (with a corrected email if that was the reason): it is deleted and a new one, linked to the same approved profile, is submitted.';

// ---- a problem, explained ----------------------------------------------------------------------------

/** What the explanation needs of the run besides the problem. */
export interface ProblemContext {
  id: string;
  status: OnboardingStatus;
  /** The run is past approval (serving): corrections go to the products route, not PATCH. */
  serving?: boolean;
}

/** A failure with the request path it is about, when the request has one. */
export function withPointer(failure: EvaluationFieldResult): EvaluationFieldResult {
  if (failure.pointer) return failure;
  const pointer = pointerOf(failure.objectType, failure.field);
  return pointer ? { ...failure, pointer } : failure;
}

/** A failure's field in Twilio's words; one the pre-checks name in the request's words is looked up. */
function twilioNameOfFailure(failure: EvaluationFieldResult): string | undefined {
  const { objectType, field, pointer } = failure;
  if (field?.includes('.')) return pointer ? twilioNameOf(pointer) : undefined;
  return [objectType, field].filter(Boolean).join('.') || undefined;
}

/** The call that applies the remedy, or null when nothing the ISV sends does. */
function fixOf(problem: Problem, context: ProblemContext, fixable: boolean): ProblemFix | null {
  if (problem.kind === 'adoption') return { method: 'POST', path: '/v1/onboardings' };
  if (!fixable || problem.kind === 'approval-lost') return null;
  if (context.status === 'failed' || context.status === 'cancelled') return null;
  if (context.serving) {
    // Serving: a rejected Voice Integrity or CNAM is asked for again with corrected values.
    return problem.product && problem.product !== 'shaken-stir'
      ? { method: 'POST', path: `/v1/onboardings/${context.id}/products` }
      : null;
  }
  return { method: 'PATCH', path: `/v1/onboardings/${context.id}` };
}

/**
 * The problem with its remedy, the request paths to change and the call that applies it. What the
 * problem already says (a remedy written when it was found, a failure's pointer) is kept.
 */
export function explainProblem(problem: Problem, context: ProblemContext): Problem {
  const failures = problem.failures.map(withPointer);
  const known = problem.codes.map(({ code }) => CODE_REMEDIES[code]).filter((r): r is CodeRemedy => !!r);
  const trustProductRejected =
    problem.kind === 'rejection' && problem.bundle === 'trust-product' && !problem.product;
  // Only codes that cannot be fixed by a request (11005: wait for the profile) take the fix away, and
  // then the kind's "correct them" is not said either.
  const fixable = known.length === 0 || known.some((r) => r.fixable);
  const remedy =
    problem.remedy ??
    (trustProductRejected && known.length === 0
      ? TRUST_PRODUCT_REJECTED
      : [...(fixable ? [KIND_REMEDIES[problem.kind]] : []), ...known.map((r) => r.remedy)].join(' '));
  const named = failures.some((f) => f.pointer)
    ? failures.flatMap((f) => (f.pointer ? [{ pointer: f.pointer, twilio: twilioNameOfFailure(f) }] : []))
    : (trustProductRejected && known.length === 0
        ? ['/replaceTrustProduct']
        : known.flatMap((r) => r.pointers)
      ).map((pointer) => ({ pointer, twilio: twilioNameOf(pointer) }));
  const fields: ProblemField[] =
    problem.fields ??
    named
      .filter((field, index) => named.findIndex((f) => f.pointer === field.pointer) === index)
      .map(({ pointer, twilio }) => (twilio ? { pointer, twilio } : { pointer }));
  const fix = problem.fix !== undefined ? problem.fix : fixOf(problem, context, fixable);
  return { ...problem, failures, remedy, fields, fix };
}

/**
 * The problem in brief, for the `OnboardingProblem` search attribute and GET /v1/onboardings: its kind
 * followed by its codes, space separated (`rejection 18601`, `evaluation`); null without a problem.
 */
export function problemBrief(problem: Pick<Problem, 'kind' | 'codes'> | null | undefined): string | null {
  if (!problem) return null;
  return [problem.kind, ...problem.codes.map(({ code }) => String(code))].join(' ');
}

/** A request's number's pointer (`/phoneNumbers/1`), by what the ISV sent, its E.164 or its SID. */
export function phoneNumberPointer(
  request: Pick<OnboardingRequest, 'phoneNumbers'>,
  number: { input: string; sid: string; phoneNumber: string },
): string | undefined {
  const index = request.phoneNumbers.findIndex(
    (n) => n === number.input || n === number.phoneNumber || n === number.sid,
  );
  return index >= 0 ? `/phoneNumbers/${index}` : undefined;
}

/** The record's problem, explained (null without one): what the view, the events and the Web UI show. */
export function explainedProblemOf(carried: {
  view: Pick<OnboardingRecord, 'id' | 'status' | 'problem'>;
  serving?: boolean | undefined;
}): Problem | null {
  const { id, status, problem } = carried.view;
  if (!problem) return null;
  return explainProblem(problem, { id, status, serving: carried.serving === true });
}

// ---- a number already on another bundle (20409) -------------------------------------------------------

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

/** The problem of a number Twilio would not assign because another bundle holds it (20409). */
export function numberTakenProblem(
  number: PhoneNumberRef | undefined,
  heldBy: NumberHolder,
  pointer: string | undefined,
): Problem {
  const { where, remedy } = NUMBER_HOLDERS[heldBy];
  const named = number ? `${number.phoneNumber} (${number.sid})` : 'a number';
  return {
    kind: 'phone-numbers',
    message: `Twilio would not assign ${named}: it is already on ${where}.`,
    codes: [{ code: 20409, meaning: NUMBER_TAKEN_MEANING }],
    failures: [
      {
        requirement: 'A number is on one customer profile at a time',
        objectType: 'channel_endpoint_assignment',
        field: 'channel_endpoint_sid',
        errorCode: 20409,
        reason: `Already on ${where} (20409).`,
        ...(pointer ? { pointer } : {}),
      },
    ],
    remedy,
  };
}

/** What stops a number at the problem itself (20409: another bundle holds it), for its `blockedBy`. */
export function numberBlocker(
  problem: Problem | null,
  request: Pick<OnboardingRequest, 'phoneNumbers'> | undefined,
  number: PhoneNumberRef,
): string | null {
  if (problem?.kind !== 'phone-numbers' || !request?.phoneNumbers) return null;
  const pointer = phoneNumberPointer(request, number);
  const failure = problem.failures.find((f) => f.errorCode === 20409 && f.pointer === pointer);
  return failure && pointer ? failure.reason : null;
}
