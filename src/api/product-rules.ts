/**
 * The Voice Integrity and CNAM rules a schema cannot say (src/contract/product-checks.ts), applied to
 * what each route is sent, so that a display name Twilio would refuse is a 400 before anything reaches
 * Temporal, let alone Twilio, where a reviewer's refusal costs days. The CSV import checks its rows
 * with the same function, so a file and a POST get the same verdict.
 *
 * Only a start knows the whole customer. A correction or a product added later may not name the
 * business, and the API does not ask the workflow who it is: then only the display name's own rules
 * are checked here (length, characters, generic or prohibited), and the workflow's validator, which
 * holds the business name and the profile's registration, refuses the rest in the same words.
 */
import { CNAM_NAME_MISMATCH, productFailures, type ProductCheckFailure } from '../contract/product-checks.js';
import type { Corrections, OnboardingRequest, ProductsRequest } from '../contract/types.js';

/** A subject the registration rule (18609) cannot fail: for the routes that leave that rule to the workflow. */
const nameOnly = (businessName: string) => ({
  businessName,
  registrationIdentifier: null,
  usBusiness: false,
});

/** The display name's own rules: what can be said without knowing the business. */
function displayNameRules(products: ProductsRequest | Corrections): ProductCheckFailure[] {
  // Against no business name every display name fails the resemblance rule (11007): the workflow's here.
  return productFailures(products, nameOnly('')).filter((failure) => failure.code !== CNAM_NAME_MISMATCH);
}

/** POST /v1/onboardings and a CSV row: every product rule, against the business the request names. */
export function requestProductFailures(request: OnboardingRequest): ProductCheckFailure[] {
  const { business, address } = request;
  return productFailures(request, {
    businessName: business.name,
    registrationIdentifier: business.registrationIdentifier,
    usBusiness: address.isoCountry === 'US' || business.regionsOfOperation.includes('USA_AND_CANADA'),
  });
}

/**
 * PATCH /v1/onboardings/:id: the display name, against the corrected business name when there is one.
 * The registration rule (18609) needs the profile's country and registration, which a correction
 * rarely carries whole: the workflow checks it.
 */
export function correctionProductFailures(corrections: Corrections): ProductCheckFailure[] {
  const businessName = corrections.business?.name;
  return businessName === undefined
    ? displayNameRules(corrections)
    : productFailures(corrections, nameOnly(businessName));
}

/** POST /v1/onboardings/:id/products: the body names no business, so the display name's own rules. */
export function addedProductFailures(products: ProductsRequest): ProductCheckFailure[] {
  return displayNameRules(products);
}
