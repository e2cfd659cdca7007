/**
 * The account the sandbox starts with: credentials, an approved primary customer profile of business
 * identity `isv_reseller_or_partner` (what an ISV makes once in the Console, with its business
 * information, representative and address), and N phone numbers +14155550100, +14155550101, …
 */
import { newSecret, newSid, SidPrefix } from './ids.js';
import { CUSTOMER_PROFILE_POLICY_SID } from './policies.js';
import type { SandboxState } from './state.js';

export interface SeedOptions {
  accountSid?: string | undefined;
  authToken?: string | undefined;
  apiKeySid?: string | undefined;
  apiKeySecret?: string | undefined;
  phoneNumbers: number;
  /** Keep these SIDs (a reset keeps the world's identity so clients' configuration stays valid). */
  primaryProfileSid?: string | undefined;
  phoneNumberSids?: string[] | undefined;
}

const YEAR_MS = 365 * 24 * 3_600_000;

export function seedState(options: SeedOptions): SandboxState {
  const now = new Date().toISOString();
  const primarySid = options.primaryProfileSid ?? newSid(SidPrefix.bundle);
  const state: SandboxState = {
    version: 1,
    account: {
      sid: options.accountSid ?? newSid(SidPrefix.account),
      authToken: options.authToken ?? newSecret(),
      apiKeySid: options.apiKeySid ?? newSid(SidPrefix.apiKey),
      apiKeySecret: options.apiKeySecret ?? newSecret(),
      primaryProfileSid: primarySid,
    },
    seq: 0,
    seeded: [],
    bundles: {},
    endUsers: {},
    supportingDocuments: {},
    entityAssignments: {},
    channelEndpointAssignments: {},
    evaluations: {},
    addresses: {},
    phoneNumbers: {},
    calls: {},
    vettingJobs: {},
    forcedOutcomes: {},
  };
  const seq = () => ++state.seq;
  const remember = (sid: string) => {
    state.seeded.push(sid);
    return sid;
  };

  state.bundles[primarySid] = {
    sid: remember(primarySid),
    kind: 'customer-profile',
    seq: seq(),
    policySid: CUSTOMER_PROFILE_POLICY_SID,
    friendlyName: 'ISV primary customer profile',
    email: 'compliance@isv.example.com',
    statusCallback: null,
    status: 'twilio-approved',
    validUntil: new Date(Date.now() + YEAR_MS).toISOString(),
    errors: null,
    primary: true,
    dateCreated: now,
    dateUpdated: now,
  };

  const addressSid = remember(newSid(SidPrefix.address));
  state.addresses[addressSid] = {
    sid: addressSid,
    seq: seq(),
    customerName: 'ISV Example Inc.',
    friendlyName: 'ISV headquarters',
    street: '101 Spear Street',
    streetSecondary: null,
    city: 'San Francisco',
    region: 'CA',
    postalCode: '94105',
    isoCountry: 'US',
    emergencyEnabled: false,
    validated: true,
    verified: true,
    dateCreated: now,
    dateUpdated: now,
  };
  const documentSid = remember(newSid(SidPrefix.supportingDocument));
  state.supportingDocuments[documentSid] = {
    sid: documentSid,
    seq: seq(),
    friendlyName: 'ISV headquarters address',
    type: 'customer_profile_address',
    attributes: { address_sids: addressSid },
    status: 'APPROVED',
    dateCreated: now,
    dateUpdated: now,
  };
  const infoSid = remember(newSid(SidPrefix.endUser));
  state.endUsers[infoSid] = {
    sid: infoSid,
    seq: seq(),
    friendlyName: 'ISV business information',
    type: 'customer_profile_business_information',
    attributes: {
      business_name: 'ISV Example Inc.',
      business_identity: 'isv_reseller_or_partner',
      business_type: 'Corporation',
      business_industry: 'TECHNOLOGY',
      business_registration_identifier: 'EIN',
      business_registration_number: '123456789',
      business_regions_of_operation: 'USA_AND_CANADA',
      website_url: 'https://isv.example.com',
      social_media_profile_urls: '',
    },
    dateCreated: now,
    dateUpdated: now,
  };
  const repSid = remember(newSid(SidPrefix.endUser));
  state.endUsers[repSid] = {
    sid: repSid,
    seq: seq(),
    friendlyName: 'ISV authorized representative',
    type: 'authorized_representative_1',
    attributes: {
      first_name: 'Ada',
      last_name: 'Example',
      email: 'ada@isv.example.com',
      phone_number: '+14155550199',
      business_title: 'CEO',
      job_position: 'CEO',
    },
    dateCreated: now,
    dateUpdated: now,
  };
  for (const objectSid of [documentSid, infoSid, repSid]) {
    const sid = remember(newSid(SidPrefix.entityAssignment));
    state.entityAssignments[sid] = { sid, seq: seq(), bundleSid: primarySid, objectSid, dateCreated: now };
  }

  for (let i = 0; i < options.phoneNumbers; i += 1) {
    const sid = remember(options.phoneNumberSids?.[i] ?? newSid(SidPrefix.phoneNumber));
    // +1 415 555-0100 onwards; past 555-9999 the exchange moves on (556-0000…), for benchmarks' thousands.
    const line = 100 + i;
    const e164 = `+1415${555 + Math.floor(line / 10_000)}${String(line % 10_000).padStart(4, '0')}`;
    state.phoneNumbers[sid] = {
      sid,
      seq: seq(),
      phoneNumber: e164,
      friendlyName: `(${e164.slice(2, 5)}) ${e164.slice(5, 8)}-${e164.slice(8)}`,
      dateCreated: now,
      dateUpdated: now,
    };
  }
  return state;
}
