/**
 * The Trust Hub catalogue the onboarding depends on: the policies (secondary customer profile, and the
 * SHAKEN/STIR, Voice Integrity and CNAM trust products), the end-user types and the supporting-document
 * type they name.
 *
 * The served shapes follow the spec's examples for `/v1/Policies/{Sid}`, `/v1/EndUserTypes/{Sid}` and
 * `/v1/SupportingDocumentTypes/{Sid}`. The evaluation (evaluation.ts) reads the same definitions, so a
 * policy's published requirements and what an evaluation checks cannot drift apart.
 */
// The guide's allowed values (catalogue-values.ts: the service's list, held equal by a test).
import {
  BUSINESS_IDENTITIES,
  BUSINESS_INDUSTRIES,
  BUSINESS_TYPES,
  JOB_POSITIONS,
  REGIONS_OF_OPERATION as REGIONS,
  VOICE_INTEGRITY_USE_CASES,
} from './catalogue-values.js';
import { createHash } from 'node:crypto';
import { TrustProductCode } from './errors.js';

export const CUSTOMER_PROFILE_POLICY_SID = 'RNdfbf3fae0e1107f8aded0e7cead80bf5';
export const SHAKEN_STIR_POLICY_SID = 'RN7a97559effdf62d00f4298208492a5ea';
/** Quoted by public integrations (Twilio's own line not read), as the service's POLICY.voiceIntegrity. */
export const VOICE_INTEGRITY_POLICY_SID = 'RN5b3660f9598883b1df4e77f77acefba0';
/** A static value in Twilio's CNAM guide. */
export const CNAM_POLICY_SID = 'RNf3db3cd1fe25fcfd3c3ded065c8fea53';

/** Stable SIDs for catalogue entries, so they survive restarts without being stored. */
function stableSid(prefix: string, name: string): string {
  return prefix + createHash('md5').update(name).digest('hex');
}

export interface FieldDefinition {
  machineName: string;
  friendlyName: string;
  required: boolean;
  /** Allowed values; a value outside the list is reported as invalid (22217). */
  allowed?: readonly string[];
  /** A format check beyond presence; failing it is reported as invalid (22217). */
  format?: 'email' | 'url' | 'regions' | 'positive-integer';
}

export interface ItemType {
  sid: string;
  machineName: string;
  friendlyName: string;
  fields: FieldDefinition[];
  /**
   * The fields present are checked when the attributes are written (400 / 20001), not only at
   * evaluation: Twilio's products refuse a use case they do not know at once. Missing fields are still
   * accepted, and left to the evaluation (22215).
   */
  checkedOnWrite?: boolean;
}

export { REGIONS };

const representativeFields = (): FieldDefinition[] => [
  { machineName: 'first_name', friendlyName: 'First Name', required: true },
  { machineName: 'last_name', friendlyName: 'Last Name', required: true },
  { machineName: 'email', friendlyName: 'Email', required: true, format: 'email' },
  { machineName: 'phone_number', friendlyName: 'Phone Number', required: true },
  { machineName: 'business_title', friendlyName: 'Business Title', required: true },
  { machineName: 'job_position', friendlyName: 'Job Position', required: true, allowed: JOB_POSITIONS },
];

export const END_USER_TYPES: ItemType[] = [
  {
    sid: stableSid('OY', 'customer_profile_business_information'),
    machineName: 'customer_profile_business_information',
    friendlyName: 'Business Information',
    fields: [
      { machineName: 'business_name', friendlyName: 'Business Name', required: true },
      {
        machineName: 'business_identity',
        friendlyName: 'Business Identity',
        required: true,
        allowed: BUSINESS_IDENTITIES,
      },
      {
        machineName: 'business_type',
        friendlyName: 'Business Type',
        required: true,
        allowed: BUSINESS_TYPES,
      },
      {
        machineName: 'business_industry',
        friendlyName: 'Business Industry',
        required: true,
        allowed: BUSINESS_INDUSTRIES,
      },
      {
        machineName: 'business_registration_identifier',
        friendlyName: 'Business Registration ID Type',
        required: true,
      },
      {
        machineName: 'business_registration_number',
        friendlyName: 'Business Registration Number',
        required: true,
      },
      {
        machineName: 'business_regions_of_operation',
        friendlyName: 'Business Regions of Operation',
        required: true,
        format: 'regions',
      },
      { machineName: 'website_url', friendlyName: 'Website URL', required: true, format: 'url' },
      {
        machineName: 'social_media_profile_urls',
        friendlyName: 'Social Media Profile URLs',
        required: false,
      },
    ],
  },
  {
    sid: stableSid('OY', 'authorized_representative_1'),
    machineName: 'authorized_representative_1',
    friendlyName: 'Authorized Representative 1',
    fields: representativeFields(),
  },
  {
    sid: stableSid('OY', 'authorized_representative_2'),
    machineName: 'authorized_representative_2',
    friendlyName: 'Authorized Representative 2',
    fields: representativeFields(),
  },
  {
    sid: stableSid('OY', 'voice_integrity_information'),
    machineName: 'voice_integrity_information',
    friendlyName: 'Voice Integrity Information',
    checkedOnWrite: true,
    fields: [
      {
        machineName: 'use_case',
        friendlyName: 'Use Case',
        required: true,
        allowed: VOICE_INTEGRITY_USE_CASES,
      },
      {
        machineName: 'business_employee_count',
        friendlyName: 'Business Employee Count',
        required: true,
        format: 'positive-integer',
      },
      {
        machineName: 'average_business_day_call_volume',
        friendlyName: 'Average Business Day Call Volume',
        required: true,
        format: 'positive-integer',
      },
      { machineName: 'notes', friendlyName: 'Notes', required: false },
    ],
  },
  {
    sid: stableSid('OY', 'cnam_information'),
    machineName: 'cnam_information',
    friendlyName: 'CNAM Information',
    // Only its type is checked on write: the display name's format is a vetting verdict (11009).
    checkedOnWrite: true,
    fields: [{ machineName: 'cnam_display_name', friendlyName: 'CNAM Display Name', required: true }],
  },
];

export const SUPPORTING_DOCUMENT_TYPES: ItemType[] = [
  {
    sid: stableSid('OY', 'customer_profile_address'),
    machineName: 'customer_profile_address',
    friendlyName: 'Physical Business Address',
    fields: [{ machineName: 'address_sids', friendlyName: 'Address sid(s)', required: true }],
  },
];

export type Requirement =
  | {
      kind: 'end_user';
      requirementName: string;
      name: string;
      type: string;
      /** Twilio lists authorized_representative_2 in the policy but does not require it. */
      optional: boolean;
    }
  | {
      kind: 'supporting_document';
      requirementName: string;
      name: string;
      description: string;
      acceptedTypes: string[];
    }
  | {
      kind: 'customer_profile';
      requirementName: string;
      name: string;
      /** primary: an approved ISV primary profile; secondary: a submitted or approved secondary profile. */
      type: 'primary_customer_profile_type_business' | 'secondary_customer_profile_type_business';
      /**
       * Set when the secondary profile must already be twilio-approved, not merely submitted: the code
       * a profile in any other status gets (Voice Integrity 11005, CNAM 11006).
       */
      notApprovedCode?: number;
    };

export interface Policy {
  sid: string;
  friendlyName: string;
  /** Which bundle kind the policy is for. */
  bundleKind: 'customer-profile' | 'trust-product';
  requirements: Requirement[];
}

export const POLICIES: Policy[] = [
  {
    sid: CUSTOMER_PROFILE_POLICY_SID,
    friendlyName: 'Secondary Customer Profile of type Business',
    bundleKind: 'customer-profile',
    requirements: [
      {
        kind: 'end_user',
        requirementName: 'customer_profile_business_information',
        name: 'Business Information',
        type: 'customer_profile_business_information',
        optional: false,
      },
      {
        kind: 'end_user',
        requirementName: 'authorized_representative_1',
        name: 'Authorized Representative 1',
        type: 'authorized_representative_1',
        optional: false,
      },
      {
        kind: 'end_user',
        requirementName: 'authorized_representative_2',
        name: 'Authorized Representative 2',
        type: 'authorized_representative_2',
        optional: true,
      },
      {
        kind: 'supporting_document',
        requirementName: 'customer_profile_address',
        name: 'Physical Business Address',
        description: 'Customer Profile HQ Physical Address',
        acceptedTypes: ['customer_profile_address'],
      },
      {
        kind: 'customer_profile',
        requirementName: 'primary_customer_profile',
        name: 'Primary Customer Profile Bundle',
        type: 'primary_customer_profile_type_business',
      },
    ],
  },
  {
    sid: SHAKEN_STIR_POLICY_SID,
    friendlyName: 'SHAKEN/STIR Trust Product',
    bundleKind: 'trust-product',
    requirements: [
      {
        kind: 'customer_profile',
        requirementName: 'customer_profile',
        name: 'Secondary Customer Profile',
        type: 'secondary_customer_profile_type_business',
      },
    ],
  },
  {
    sid: VOICE_INTEGRITY_POLICY_SID,
    friendlyName: 'Voice Integrity',
    bundleKind: 'trust-product',
    requirements: [
      {
        kind: 'end_user',
        requirementName: 'voice_integrity_information',
        name: 'Voice Integrity Information',
        type: 'voice_integrity_information',
        optional: false,
      },
      {
        kind: 'customer_profile',
        requirementName: 'customer_profile',
        name: 'Secondary Customer Profile',
        type: 'secondary_customer_profile_type_business',
        notApprovedCode: TrustProductCode.voiceIntegrityProfileNotApproved,
      },
    ],
  },
  {
    sid: CNAM_POLICY_SID,
    friendlyName: 'CNAM',
    bundleKind: 'trust-product',
    requirements: [
      {
        kind: 'end_user',
        requirementName: 'cnam_information',
        name: 'CNAM Information',
        type: 'cnam_information',
        optional: false,
      },
      {
        kind: 'customer_profile',
        requirementName: 'customer_profile',
        name: 'Secondary Customer Profile',
        type: 'secondary_customer_profile_type_business',
        notApprovedCode: TrustProductCode.cnamProfileNotApproved,
      },
    ],
  },
];

export function findPolicy(sid: string): Policy | undefined {
  return POLICIES.find((policy) => policy.sid === sid);
}

export function findEndUserType(machineName: string): ItemType | undefined {
  return END_USER_TYPES.find((type) => type.machineName === machineName);
}

export function findSupportingDocumentType(machineName: string): ItemType | undefined {
  return SUPPORTING_DOCUMENT_TYPES.find((type) => type.machineName === machineName);
}

/** The `requirements` object as `/v1/Policies` serves it. */
export function policyRequirementsJson(policy: Policy): Record<string, unknown> {
  const endUser = policy.requirements.flatMap((r) =>
    r.kind === 'end_user'
      ? [
          {
            url: `/EndUserTypes/${r.type}`,
            fields: findEndUserType(r.type)?.fields.map((f) => f.machineName) ?? [],
            type: r.type,
            name: r.name,
            requirement_name: r.requirementName,
          },
        ]
      : [],
  );
  const documents = policy.requirements.flatMap((r) =>
    r.kind === 'supporting_document'
      ? [
          [
            {
              description: r.description,
              type: 'document',
              name: r.name,
              accepted_documents: r.acceptedTypes.map((type) => {
                const docType = findSupportingDocumentType(type);
                return {
                  url: `/SupportingDocumentTypes/${type}`,
                  fields: docType?.fields.map((f) => f.machineName) ?? [],
                  type,
                  name: docType?.friendlyName ?? type,
                };
              }),
              requirement_name: r.requirementName,
            },
          ],
        ]
      : [],
  );
  const profiles = policy.requirements.flatMap((r) =>
    r.kind === 'customer_profile'
      ? [{ type: r.type, name: r.name, requirement_name: r.requirementName }]
      : [],
  );
  return {
    end_user: endUser,
    supporting_trust_products: [],
    supporting_document: documents.length ? documents : [[]],
    supporting_customer_profiles: profiles,
  };
}
