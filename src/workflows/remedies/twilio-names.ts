/**
 * Twilio's names for the request's fields (`authorized_representative_1.email`) mapped to the request's
 * JSON pointers (`/authorizedRepresentatives/0/email`), for a problem's `fields` (../remedies.ts).
 *
 * Twilio's names are mapped to the request's by running the attribute mappers (src/trusthub/attributes.ts)
 * on a request whose every value is its own JSON pointer: what comes out under `business_name` is the
 * pointer it came from, so the mapping cannot drift from what is actually sent. That is why it lives
 * here and not in src/contract: the mappers are the adapter's, and the contract imports nothing else of
 * src. Pure and deterministic: the workflow bundle imports it.
 */
import {
  addressParams,
  businessInformationAttributes,
  cnamAttributes,
  representativeAttributes,
  voiceIntegrityAttributes,
} from '../../trusthub/attributes.js';
import type {
  AuthorizedRepresentative,
  BusinessInformation,
  CnamRequest,
  PostalAddress,
  VoiceIntegrityRequest,
} from '../../contract/types.js';

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
export function twilioNameOf(pointer: string): string | undefined {
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
