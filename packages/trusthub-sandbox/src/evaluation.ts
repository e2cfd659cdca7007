/**
 * Evaluations: a bundle checked against a policy's requirements, from what is actually attached.
 * The result structure follows the spec's Evaluation example: one entry per requirement with
 * `passed`, a requirement-level `error_code`/`failure_reason`, and field-level `valid`/`invalid` items.
 *
 * Codes (see the package README):
 * - 22214 a required end user (or linked customer profile) is missing
 * - 22215 a required end-user field is missing
 * - 22216 a required supporting document is missing
 * - 22217 a field is present but invalid (value outside the allowed list, malformed email/URL, a linked
 *         profile in the wrong status or of the wrong identity)
 * - 22219 the address is missing (no address_sids, or none that exists)
 * - 11005 / 11006 the secondary profile linked to a Voice Integrity / CNAM trust product is not
 *         twilio-approved (those products need it approved before submission, unlike SHAKEN/STIR)
 */
import { attrList, attrString, isEmail, isWebsiteUrl } from './attributes.js';
import type { FieldDefinition, ItemType, Policy, Requirement } from './policies.js';
import { REGIONS, findEndUserType, findSupportingDocumentType } from './policies.js';
import type { Bundle, EvaluationResult, EvaluationResultItem } from './state.js';
import type { SandboxStore } from './store.js';

export const EvaluationCode = {
  endUserMissing: 22214,
  fieldMissing: 22215,
  documentMissing: 22216,
  fieldInvalid: 22217,
  addressMissing: 22219,
} as const;

export interface EvaluationOutcome {
  status: 'compliant' | 'noncompliant';
  results: EvaluationResult[];
}

export function evaluateBundle(store: SandboxStore, bundle: Bundle, policy: Policy): EvaluationOutcome {
  const results = policy.requirements.map((requirement) => evaluateRequirement(store, bundle, requirement));
  return { status: results.every((r) => r.passed) ? 'compliant' : 'noncompliant', results };
}

/** The first failing requirement, for the error a noncompliant submission gets. */
export function firstFailure(outcome: EvaluationOutcome): EvaluationResult | undefined {
  return outcome.results.find((r) => !r.passed);
}

function evaluateRequirement(
  store: SandboxStore,
  bundle: Bundle,
  requirement: Requirement,
): EvaluationResult {
  switch (requirement.kind) {
    case 'end_user':
      return evaluateEndUser(store, bundle, requirement);
    case 'supporting_document':
      return evaluateDocument(store, bundle, requirement);
    case 'customer_profile':
      return evaluateLinkedProfile(store, bundle, requirement);
  }
}

function result(
  requirement: Requirement,
  objectType: string,
  valid: EvaluationResultItem[],
  invalid: EvaluationResultItem[],
  missing?: { code: number; reason: string },
): EvaluationResult {
  const firstInvalid = invalid[0];
  const passed = !missing && invalid.length === 0;
  return {
    friendly_name: requirement.name,
    object_type: objectType,
    passed,
    failure_reason: missing?.reason ?? (passed ? null : `The ${requirement.name} is incomplete or invalid.`),
    error_code: missing?.code ?? firstInvalid?.error_code ?? null,
    valid,
    invalid,
    requirement_friendly_name: requirement.name,
    requirement_name: requirement.requirementName,
  };
}

function checkFields(
  fields: FieldDefinition[],
  attributes: Record<string, unknown>,
  owner: string,
  missingCode: number,
): { valid: EvaluationResultItem[]; invalid: EvaluationResultItem[] } {
  const valid: EvaluationResultItem[] = [];
  const invalid: EvaluationResultItem[] = [];
  for (const field of fields) {
    const value = attrString(attributes, field.machineName);
    const item = (failure: string | null, code: number | null): EvaluationResultItem => ({
      friendly_name: field.friendlyName,
      object_field: field.machineName,
      failure_reason: failure,
      error_code: code,
    });
    if (!value) {
      if (field.required) {
        invalid.push(
          item(
            `The ${field.friendlyName} is missing. Please enter in a ${field.friendlyName} on the ${owner}.`,
            missingCode,
          ),
        );
      }
      continue;
    }
    const problem = fieldProblem(field, value, attributes);
    if (problem)
      invalid.push(item(`The ${field.friendlyName} is invalid: ${problem}`, EvaluationCode.fieldInvalid));
    else valid.push(item(null, null));
  }
  return { valid, invalid };
}

function fieldProblem(
  field: FieldDefinition,
  value: string,
  attributes: Record<string, unknown>,
): string | null {
  if (field.allowed && !field.allowed.includes(value)) return `must be one of ${field.allowed.join(', ')}.`;
  if (field.format === 'email' && !isEmail(value)) return 'not an email address.';
  if (field.format === 'url' && !isWebsiteUrl(value)) return 'not a website URL.';
  if (field.format === 'positive-integer' && !/^[1-9]\d*$/.test(value))
    return 'must be a positive whole number, as a string (e.g. "25").';
  if (field.format === 'regions') {
    const unknown = attrList(attributes, field.machineName).filter(
      (region) => !(REGIONS as readonly string[]).includes(region),
    );
    if (unknown.length) return `must be among ${REGIONS.join(', ')}.`;
  }
  return null;
}

/**
 * For types checked on write (ItemType.checkedOnWrite): what is wrong with the fields present, by the
 * same rules the evaluation applies, or null. Values must be strings, as Twilio's attributes are.
 */
export function attributesProblem(type: ItemType, attributes: Record<string, unknown>): string | null {
  if (!type.checkedOnWrite) return null;
  for (const field of type.fields) {
    const raw = attributes[field.machineName];
    if (raw === undefined || raw === null || raw === '') continue;
    if (typeof raw !== 'string') return `${field.machineName} must be a string`;
    const problem = fieldProblem(field, raw, attributes);
    if (problem) return `${field.machineName} ${problem}`;
  }
  return null;
}

function evaluateEndUser(
  store: SandboxStore,
  bundle: Bundle,
  requirement: Extract<Requirement, { kind: 'end_user' }>,
): EvaluationResult {
  const type = findEndUserType(requirement.type);
  const endUser = store.attachedEndUsers(bundle.sid).find((u) => u.type === requirement.type);
  if (!endUser) {
    if (requirement.optional) return result(requirement, requirement.type, [], []);
    const { invalid } = checkFields(type?.fields ?? [], {}, requirement.name, EvaluationCode.fieldMissing);
    return result(requirement, requirement.type, [], invalid, {
      code: EvaluationCode.endUserMissing,
      reason: `A ${requirement.name} End-User is missing. Please add one to the regulatory bundle.`,
    });
  }
  const { valid, invalid } = checkFields(
    type?.fields ?? [],
    endUser.attributes,
    requirement.name,
    EvaluationCode.fieldMissing,
  );
  return result(requirement, requirement.type, valid, invalid);
}

function evaluateDocument(
  store: SandboxStore,
  bundle: Bundle,
  requirement: Extract<Requirement, { kind: 'supporting_document' }>,
): EvaluationResult {
  const document = store
    .attachedDocuments(bundle.sid)
    .find((d) => requirement.acceptedTypes.includes(d.type));
  const objectType = requirement.acceptedTypes[0] ?? 'document';
  const addressItem = (failure: string | null, code: number | null): EvaluationResultItem => ({
    friendly_name: 'Address sid(s)',
    object_field: 'address_sids',
    failure_reason: failure,
    error_code: code,
  });
  const addressMissing = addressItem(
    `The Address is missing. Please enter in the address shown on the ${requirement.name}.`,
    EvaluationCode.addressMissing,
  );
  if (!document) {
    return result(requirement, objectType, [], [addressMissing], {
      code: EvaluationCode.documentMissing,
      reason: `A ${requirement.name} is missing. Please add one to the regulatory bundle.`,
    });
  }
  const type = findSupportingDocumentType(document.type);
  const otherFields = (type?.fields ?? []).filter((f) => f.machineName !== 'address_sids');
  const { valid, invalid } = checkFields(
    otherFields,
    document.attributes,
    requirement.name,
    EvaluationCode.fieldInvalid,
  );
  if (store.addressesOfDocument(document).length === 0) invalid.push(addressMissing);
  else valid.push(addressItem(null, null));
  return result(requirement, document.type, valid, invalid);
}

/** The business identity of a customer profile, from its attached business information. */
export function businessIdentityOf(store: SandboxStore, profile: Bundle): string {
  const info = store
    .attachedEndUsers(profile.sid)
    .find((u) => u.type === 'customer_profile_business_information');
  return info ? attrString(info.attributes, 'business_identity') : '';
}

function evaluateLinkedProfile(
  store: SandboxStore,
  bundle: Bundle,
  requirement: Extract<Requirement, { kind: 'customer_profile' }>,
): EvaluationResult {
  const statusItem = (failure: string | null): EvaluationResultItem => ({
    friendly_name: 'Status',
    object_field: 'status',
    failure_reason: failure,
    error_code: failure ? EvaluationCode.fieldInvalid : null,
  });
  const identityItem = (failure: string | null): EvaluationResultItem => ({
    friendly_name: 'Business Identity',
    object_field: 'business_identity',
    failure_reason: failure,
    error_code: failure ? EvaluationCode.fieldInvalid : null,
  });
  const profiles = store.attachedProfiles(bundle.sid);
  if (requirement.type === 'primary_customer_profile_type_business') {
    const primary = profiles.find((p) => p.primary);
    if (!primary) {
      return result(requirement, 'customer_profile', [], [], {
        code: EvaluationCode.endUserMissing,
        reason:
          'A Primary Customer Profile is missing. Please assign your approved primary profile to the bundle.',
      });
    }
    const approved = primary.status === 'twilio-approved';
    const isv = businessIdentityOf(store, primary) === 'isv_reseller_or_partner';
    const valid: EvaluationResultItem[] = [];
    const invalid: EvaluationResultItem[] = [];
    (approved ? valid : invalid).push(
      statusItem(approved ? null : `The Primary Customer Profile is ${primary.status}, not twilio-approved.`),
    );
    (isv ? valid : invalid).push(
      identityItem(
        isv ? null : 'The Primary Customer Profile must have the business identity isv_reseller_or_partner.',
      ),
    );
    return result(requirement, 'customer_profile', valid, invalid);
  }
  // Trust products: a secondary profile that has been submitted (or approved) must be linked; Voice
  // Integrity and CNAM want it approved, and say so with their own code.
  const secondary = profiles.find((p) => !p.primary);
  if (!secondary) {
    return result(requirement, 'customer_profile', [], [], {
      code: EvaluationCode.endUserMissing,
      reason: 'A Secondary Customer Profile is missing. Please assign one to the trust product.',
    });
  }
  const code = requirement.notApprovedCode;
  if (code !== undefined) {
    const approved = secondary.status === 'twilio-approved';
    const item: EvaluationResultItem = {
      ...statusItem(
        approved ? null : `The Secondary Customer Profile is ${secondary.status}, not twilio-approved.`,
      ),
      error_code: approved ? null : code,
    };
    return result(requirement, 'customer_profile', approved ? [item] : [], approved ? [] : [item]);
  }
  const ok = ['pending-review', 'in-review', 'twilio-approved'].includes(secondary.status);
  return result(
    requirement,
    'customer_profile',
    ok ? [statusItem(null)] : [],
    ok
      ? []
      : [
          statusItem(
            `The Secondary Customer Profile is ${secondary.status}; submit it before the trust product.`,
          ),
        ],
  );
}
