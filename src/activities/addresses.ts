/**
 * Addresses (API 2010: /2010-04-01/Accounts/{AC}/Addresses.json). AutoCorrectAddress is off so that what
 * the customer typed is what Twilio vets.
 */
import { ApplicationFailure } from '@temporalio/common';
import { addressParams } from '../trusthub/attributes.js';
import type { TwilioClient } from '../trusthub/client.js';
import { TrustHubFailureType } from '../trusthub/errors.js';
import type { PostalAddress } from '../trusthub/types.js';
import { LIST_PAGE_SIZE } from '../trusthub/bundles.js';
import { activityLog, twilioCall } from './context.js';
import { findOrCreate } from './idempotency.js';

export interface CreateAddressInput {
  /** Deterministic and unique per address: a retried attempt finds the address by it. */
  friendlyName: string;
  address: PostalAddress;
}

export interface UpdateAddressInput {
  sid: string;
  address: PostalAddress;
}

export function addressActivities({ twilio }: { twilio: TwilioClient }) {
  return {
    createAddress: async ({ friendlyName, address }: CreateAddressInput): Promise<{ sid: string }> => {
      const { record } = await findOrCreate({
        what: 'address',
        find: () => twilio.addresses.list({ friendlyName, pageSize: LIST_PAGE_SIZE }),
        matches: (a) => a.friendlyName === friendlyName,
        create: () =>
          twilio.addresses.create({ ...addressParams(address), friendlyName, autoCorrectAddress: false }),
      });
      return { sid: record.sid };
    },

    /**
     * Updates the address in place. Twilio cannot change an address's country: a correction that does
     * fails with the non-retryable `AddressCountryChanged`, and the workflow replaces the address.
     */
    updateAddress: async ({ sid, address }: UpdateAddressInput): Promise<{ sid: string }> => {
      const current = await twilioCall(() => twilio.addresses(sid).fetch());
      if (current.isoCountry.toUpperCase() !== address.isoCountry.toUpperCase()) {
        throw ApplicationFailure.create({
          type: TrustHubFailureType.AddressCountryChanged,
          message: `Address ${sid} is in ${current.isoCountry}; Twilio cannot move it to ${address.isoCountry}. Create a new address instead.`,
          nonRetryable: true,
        });
      }
      const { isoCountry: _isoCountry, ...params } = addressParams(address);
      await twilioCall(() =>
        twilio.addresses(sid).update({
          ...params,
          // Clear a second street line the correction removed.
          streetSecondary: address.streetSecondary ?? '',
          autoCorrectAddress: false,
        }),
      );
      activityLog.info('Address updated', { sid });
      return { sid };
    },
  };
}
