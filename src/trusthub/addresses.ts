/**
 * Addresses (API 2010: /2010-04-01/Accounts/{AC}/Addresses.json), what a profile's address document
 * points at. AutoCorrectAddress is always off, so that what the customer typed is what Twilio vets.
 */
import { addressParams } from './attributes.js';
import { LIST_PAGE_SIZE } from './bundles.js';
import type { TwilioClient } from './client.js';
import type { PostalAddress } from '../contract/types.js';

/** The fields of an AddressInstance the onboarding uses. */
export interface AddressRecord {
  sid: string;
  friendlyName: string;
  customerName: string;
  street: string;
  streetSecondary: string | null;
  city: string;
  region: string;
  postalCode: string;
  isoCountry: string;
  dateCreated: Date | null;
}

export interface AddressApi {
  /** The account's addresses with this friendly name (all pages). */
  list(filter: { friendlyName: string }): Promise<AddressRecord[]>;
  create(friendlyName: string, address: PostalAddress): Promise<AddressRecord>;
  fetch(sid: string): Promise<AddressRecord>;
  /** Everything but the country, which Twilio cannot change; a removed second street line is cleared. */
  update(sid: string, address: PostalAddress): Promise<AddressRecord>;
  remove(sid: string): Promise<boolean>;
}

export function addressApi(client: TwilioClient): AddressApi {
  return {
    list: ({ friendlyName }) => client.addresses.list({ friendlyName, pageSize: LIST_PAGE_SIZE }),
    create: (friendlyName, address) =>
      client.addresses.create({ ...addressParams(address), friendlyName, autoCorrectAddress: false }),
    fetch: (sid) => client.addresses(sid).fetch(),
    update: (sid, address) => {
      const { isoCountry: _isoCountry, ...params } = addressParams(address);
      return client.addresses(sid).update({
        ...params,
        streetSecondary: address.streetSecondary ?? '',
        autoCorrectAddress: false,
      });
    },
    remove: (sid) => client.addresses(sid).remove(),
  };
}

/** Whether Twilio's address already says what `address` says: an update would change nothing. */
export function sameAddress(record: AddressRecord, address: PostalAddress): boolean {
  const current: Record<string, unknown> = { ...record };
  const same = Object.entries(addressParams(address)).every(([key, value]) => current[key] === value);
  return same && (record.streetSecondary ?? '') === (address.streetSecondary ?? '');
}
