/**
 * Resources as Twilio sends them: snake_case, every property of the spec's schema present (null where
 * the sandbox has no value), URLs absolute on the host the request came to, so that links and paging
 * URLs lead back to the sandbox.
 */
import { isoDate, rfc2822Date } from './ids.js';
import { numberKind } from './numbers.js';
import type { ItemType, Policy } from './policies.js';
import { policyRequirementsJson } from './policies.js';
import type {
  Address,
  Bundle,
  ChannelEndpointAssignment,
  EndUser,
  EntityAssignment,
  Evaluation,
  PhoneNumber,
  SupportingDocument,
} from './state.js';

export function bundleCollection(kind: Bundle['kind']): 'CustomerProfiles' | 'TrustProducts' {
  return kind === 'customer-profile' ? 'CustomerProfiles' : 'TrustProducts';
}

/** The SDK's names for a bundle's links and its parent SID field. */
function bundleNames(kind: Bundle['kind']) {
  return kind === 'customer-profile'
    ? { prefix: 'customer_profiles', parentField: 'customer_profile_sid' }
    : { prefix: 'trust_products', parentField: 'trust_product_sid' };
}

export function serializeBundle(base: string, accountSid: string, bundle: Bundle) {
  const url = `${base}/v1/${bundleCollection(bundle.kind)}/${bundle.sid}`;
  const { prefix } = bundleNames(bundle.kind);
  return {
    sid: bundle.sid,
    account_sid: accountSid,
    policy_sid: bundle.policySid,
    friendly_name: bundle.friendlyName,
    status: bundle.status,
    valid_until: bundle.validUntil ? isoDate(bundle.validUntil) : null,
    email: bundle.email,
    status_callback: bundle.statusCallback,
    date_created: isoDate(bundle.dateCreated),
    date_updated: isoDate(bundle.dateUpdated),
    url,
    links: {
      [`${prefix}_entity_assignments`]: `${url}/EntityAssignments`,
      [`${prefix}_evaluations`]: `${url}/Evaluations`,
      [`${prefix}_channel_endpoint_assignment`]: `${url}/ChannelEndpointAssignments`,
    },
    errors: bundle.errors ? bundle.errors.map((e) => ({ code: e.code, message: e.message })) : null,
  };
}

export function serializeEntityAssignment(
  base: string,
  accountSid: string,
  bundle: Bundle,
  a: EntityAssignment,
) {
  return {
    sid: a.sid,
    [bundleNames(bundle.kind).parentField]: bundle.sid,
    account_sid: accountSid,
    object_sid: a.objectSid,
    date_created: isoDate(a.dateCreated),
    url: `${base}/v1/${bundleCollection(bundle.kind)}/${bundle.sid}/EntityAssignments/${a.sid}`,
  };
}

export function serializeChannelEndpointAssignment(
  base: string,
  accountSid: string,
  bundle: Bundle,
  a: ChannelEndpointAssignment,
) {
  return {
    sid: a.sid,
    [bundleNames(bundle.kind).parentField]: bundle.sid,
    account_sid: accountSid,
    channel_endpoint_type: a.channelEndpointType,
    channel_endpoint_sid: a.channelEndpointSid,
    date_created: isoDate(a.dateCreated),
    url: `${base}/v1/${bundleCollection(bundle.kind)}/${bundle.sid}/ChannelEndpointAssignments/${a.sid}`,
  };
}

export function serializeEvaluation(base: string, accountSid: string, bundle: Bundle, e: Evaluation) {
  return {
    sid: e.sid,
    account_sid: accountSid,
    policy_sid: e.policySid,
    [bundleNames(bundle.kind).parentField]: bundle.sid,
    status: e.status,
    results: e.results,
    date_created: isoDate(e.dateCreated),
    url: `${base}/v1/${bundleCollection(bundle.kind)}/${bundle.sid}/Evaluations/${e.sid}`,
  };
}

export function serializeEndUser(base: string, accountSid: string, u: EndUser) {
  return {
    sid: u.sid,
    account_sid: accountSid,
    friendly_name: u.friendlyName,
    type: u.type,
    attributes: u.attributes,
    date_created: isoDate(u.dateCreated),
    date_updated: isoDate(u.dateUpdated),
    url: `${base}/v1/EndUsers/${u.sid}`,
  };
}

export function serializeSupportingDocument(base: string, accountSid: string, d: SupportingDocument) {
  return {
    sid: d.sid,
    account_sid: accountSid,
    friendly_name: d.friendlyName,
    mime_type: null,
    status: d.status,
    type: d.type,
    attributes: d.attributes,
    date_created: isoDate(d.dateCreated),
    date_updated: isoDate(d.dateUpdated),
    url: `${base}/v1/SupportingDocuments/${d.sid}`,
  };
}

export function serializePolicy(base: string, policy: Policy) {
  return {
    sid: policy.sid,
    friendly_name: policy.friendlyName,
    requirements: policyRequirementsJson(policy),
    url: `${base}/v1/Policies/${policy.sid}`,
  };
}

export function serializeItemType(
  base: string,
  collection: 'EndUserTypes' | 'SupportingDocumentTypes',
  t: ItemType,
) {
  return {
    sid: t.sid,
    friendly_name: t.friendlyName,
    machine_name: t.machineName,
    fields: t.fields.map((f) => ({
      machine_name: f.machineName,
      friendly_name: f.friendlyName,
      constraint: 'String',
    })),
    url: `${base}/v1/${collection}/${t.sid}`,
  };
}

export function serializeAddress(accountSid: string, a: Address) {
  return {
    account_sid: accountSid,
    city: a.city,
    customer_name: a.customerName,
    date_created: rfc2822Date(a.dateCreated),
    date_updated: rfc2822Date(a.dateUpdated),
    friendly_name: a.friendlyName,
    iso_country: a.isoCountry,
    postal_code: a.postalCode,
    region: a.region,
    sid: a.sid,
    street: a.street,
    uri: `/2010-04-01/Accounts/${accountSid}/Addresses/${a.sid}.json`,
    emergency_enabled: a.emergencyEnabled,
    validated: a.validated,
    verified: a.verified,
    street_secondary: a.streetSecondary,
  };
}

export function serializePhoneNumber(accountSid: string, n: PhoneNumber, bundleSid: string | null) {
  return {
    account_sid: accountSid,
    address_sid: null,
    address_requirements: 'none',
    api_version: '2010-04-01',
    beta: false,
    capabilities: { voice: true, sms: true, mms: true, fax: false },
    date_created: rfc2822Date(n.dateCreated),
    date_updated: rfc2822Date(n.dateUpdated),
    friendly_name: n.friendlyName,
    identity_sid: null,
    phone_number: n.phoneNumber,
    origin: 'twilio',
    sid: n.sid,
    sms_application_sid: null,
    sms_fallback_method: 'POST',
    sms_fallback_url: null,
    sms_method: 'POST',
    sms_url: null,
    status_callback: null,
    status_callback_method: 'POST',
    trunk_sid: null,
    uri: `/2010-04-01/Accounts/${accountSid}/IncomingPhoneNumbers/${n.sid}.json`,
    voice_receive_mode: 'voice',
    voice_application_sid: null,
    voice_caller_id_lookup: false,
    voice_fallback_method: 'POST',
    voice_fallback_url: null,
    voice_method: 'POST',
    voice_url: null,
    emergency_status: 'Inactive',
    emergency_address_sid: null,
    emergency_address_status: 'unregistered',
    bundle_sid: bundleSid,
    status: 'in-use',
    type: numberKind(n.phoneNumber) === 'toll-free' ? 'toll-free' : 'local',
  };
}
