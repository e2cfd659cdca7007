/**
 * What Twilio rejects Voice Integrity and CNAM for that can be seen before anything is sent, as the
 * customer profile's 18606 check does: a reviewer's rejection costs days, a 400 costs nothing. One
 * module for the API (a 400 naming the field and the rule), the workflow's validators (the same rules
 * for a PATCH or a product added later) and the CSV import. Plain code: the workflow bundle imports it.
 *
 * The rules, from Twilio's CNAM guide ("Brand your calls using CNAM") and its error codes 11007–11009:
 * - a display name is at most 15 characters, starts with a letter, and has only letters, digits,
 *   periods, commas and spaces (11009 when not);
 * - it is neither generic ("Unknown", "Customer Service") nor prohibited content (FBI, Police, Medicare,
 *   …): 11008;
 * - it resembles the registered business name (11007): a word of it is a word of the business name or
 *   the start of one (≥ 3 letters: "Acme Plumb" for "Acme Plumbing LLC"), or it is the business's
 *   initials. Twilio's reviewers judge this by eye; this rule lets through what they would likely take
 *   and stops what they would surely refuse. The sandbox applies its own, stricter rule.
 * - both products need the profile registered by EIN or DUNS in the US (18609). A new profile's request
 *   can only say EIN or DUNS (the schema); an adopted profile says what Twilio holds.
 */
import { ADD_ON_FIELD, type AddOnProduct } from './vocabulary.js';

export const CNAM_DISPLAY_NAME_MAX = 15;
export const CNAM_DISPLAY_NAME_PATTERN = '^[A-Za-z][A-Za-z0-9., ]*$';
const CNAM_DISPLAY_NAME = new RegExp(CNAM_DISPLAY_NAME_PATTERN);

/** Words Twilio refuses in a caller name (11008): impersonation of authorities. Whole words, any case. */
export const PROHIBITED_CNAM_WORDS = [
  'fbi',
  'police',
  'government',
  'medicare',
  'medicaid',
  'social security',
  'irs',
  'sheriff',
  'federal',
  'dept of justice',
] as const;

/** Names that tell the callee nothing (11008 "generic"): refused when they are the whole name. */
export const GENERIC_CNAM_NAMES = [
  'unknown',
  'unavailable',
  'private',
  'anonymous',
  'restricted',
  'wireless caller',
  'toll free',
  'customer service',
  'support',
  'sales',
  'info',
  'office',
  'business',
  'company',
] as const;

/** Legal-form words that say nothing of which business it is. */
const LEGAL_FORMS = new Set([
  'llc',
  'inc',
  'corp',
  'co',
  'ltd',
  'lp',
  'llp',
  'pllc',
  'pc',
  'the',
  'and',
  'of',
]);

/** One broken rule: the field's path in the request, the rule in words, Twilio's code for it. */
export interface ProductCheckFailure {
  field: string;
  rule: string;
  code: number;
}

export const CNAM_FORMAT = 11009;
export const CNAM_PROHIBITED = 11008;
export const CNAM_NAME_MISMATCH = 11007;
export const INELIGIBLE_REGISTRATION_AUTHORITY = 18609;

const words = (text: string): string[] =>
  text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);

/** Every rule a CNAM display name breaks, for the business it is to name. */
export function cnamDisplayNameFailures(
  displayName: string,
  businessName: string,
  field = 'cnam.displayName',
): ProductCheckFailure[] {
  const failures: ProductCheckFailure[] = [];
  if (displayName.length > CNAM_DISPLAY_NAME_MAX) {
    failures.push({ field, rule: `must be at most ${CNAM_DISPLAY_NAME_MAX} characters`, code: CNAM_FORMAT });
  }
  if (!CNAM_DISPLAY_NAME.test(displayName)) {
    failures.push({
      field,
      rule: 'must start with a letter and use only letters, digits, periods, commas and spaces',
      code: CNAM_FORMAT,
    });
  }
  const spoken = words(displayName).join(' ');
  const prohibited = PROHIBITED_CNAM_WORDS.find((word) => ` ${spoken} `.includes(` ${word} `));
  if (prohibited) {
    failures.push({
      field,
      rule: `must not contain prohibited content ("${prohibited}" impersonates an authority; Twilio refuses it with ${CNAM_PROHIBITED})`,
      code: CNAM_PROHIBITED,
    });
  } else if ((GENERIC_CNAM_NAMES as readonly string[]).includes(spoken)) {
    failures.push({
      field,
      rule: `must name the business, not be generic (Twilio refuses "${displayName.trim()}" with ${CNAM_PROHIBITED})`,
      code: CNAM_PROHIBITED,
    });
  } else if (spoken && !resemblesBusinessName(displayName, businessName)) {
    failures.push({
      field,
      rule: `must resemble the business name (a word of it, its start, or its initials; Twilio refuses another name with ${CNAM_NAME_MISMATCH})`,
      code: CNAM_NAME_MISMATCH,
    });
  }
  return failures;
}

export function resemblesBusinessName(displayName: string, businessName: string): boolean {
  const business = words(businessName);
  const meaningful = business.filter((word) => !LEGAL_FORMS.has(word));
  const initials = meaningful.map((word) => word[0]).join('');
  const shown = words(displayName);
  if (shown.join('') === initials && initials.length >= 2) return true;
  return shown.some(
    (word) =>
      !LEGAL_FORMS.has(word) &&
      meaningful.some((b) => b === word || (word.length >= 3 && b.startsWith(word))),
  );
}

/** What the products' rules need to know of the customer: its business and where its profile is registered. */
export interface ProductCheckSubject {
  businessName: string;
  /** EIN, DUNS, or what an adopted profile holds (null when it holds none). */
  registrationIdentifier: string | null | undefined;
  /** The profile's business is in the US (its address, or its regions of operation). */
  usBusiness: boolean;
}

/** Every rule the requested products break for this customer; empty when they may be submitted. */
export function productFailures(
  products: { voiceIntegrity?: unknown; cnam?: { displayName: string } | undefined },
  subject: ProductCheckSubject,
  prefix = '',
): ProductCheckFailure[] {
  const failures: ProductCheckFailure[] = [];
  const requested: AddOnProduct[] = [];
  if (products.voiceIntegrity !== undefined) requested.push('voice-integrity');
  if (products.cnam !== undefined) {
    requested.push('cnam');
    failures.push(
      ...cnamDisplayNameFailures(
        products.cnam.displayName,
        subject.businessName,
        `${prefix}cnam.displayName`,
      ),
    );
  }
  const identifier = subject.registrationIdentifier;
  if (requested.length && subject.usBusiness && identifier !== 'EIN' && identifier !== 'DUNS') {
    for (const product of requested) {
      failures.push({
        field: `${prefix}${ADD_ON_FIELD[product]}`,
        rule: `needs a customer profile registered by EIN or DUNS (this one: ${identifier ?? 'none'}); Twilio refuses it with ${INELIGIBLE_REGISTRATION_AUTHORITY}`,
        code: INELIGIBLE_REGISTRATION_AUTHORITY,
      });
    }
  }
  return failures;
}

/** "field rule" lines, as every 400 and refused update says them. */
export function describeFailures(failures: ProductCheckFailure[]): string[] {
  return failures.map(({ field, rule }) => `${field} ${rule}`);
}

// ---- which numbers a product takes -------------------------------------------------------------------

/**
 * NANP area codes that are not US standard local numbers: toll-free, Canada's, and the Caribbean
 * countries' (+1 but not the US; US territories such as Puerto Rico are US). CNAM takes the rest.
 *
 * Replay: which numbers go on a CNAM trust product follows these lists, so a run replays only with the
 * lists it ran with. Changing them is a workflow change: behind `patched()` (src/workflows/patches.ts).
 */
const TOLL_FREE_AREA_CODES = new Set(['800', '833', '844', '855', '866', '877', '888']);
const CANADIAN_AREA_CODES = new Set([
  '204', '226', '236', '249', '250', '263', '289', '306', '343', '354', '365', '367', '368', '382', '403',
  '416', '418', '428', '431', '437', '438', '450', '468', '474', '506', '514', '519', '548', '579', '581',
  '584', '587', '600', '604', '613', '639', '647', '672', '683', '705', '709', '742', '753', '778', '780',
  '782', '807', '819', '825', '867', '873', '879', '902', '905',
]); // prettier-ignore
const CARIBBEAN_AREA_CODES = new Set([
  '242', '246', '264', '268', '284', '345', '441', '473', '649', '658', '664', '721', '758', '767', '784',
  '809', '829', '849', '868', '869', '876',
]); // prettier-ignore

/** Why a product does not take this number (E.164), or null when it does. */
export function numberIneligibility(product: AddOnProduct | 'shaken-stir', e164: string): string | null {
  if (product !== 'cnam') return null;
  if (!e164.startsWith('+1') || e164.length !== 12) return 'CNAM takes US numbers only';
  const areaCode = e164.slice(2, 5);
  if (TOLL_FREE_AREA_CODES.has(areaCode)) return 'CNAM takes local numbers only, not toll-free';
  if (CANADIAN_AREA_CODES.has(areaCode)) return 'CNAM takes US numbers only, not Canadian';
  if (CARIBBEAN_AREA_CODES.has(areaCode)) return 'CNAM takes US numbers only, not Caribbean';
  return null;
}
