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
  /** An earlier run of this customer may have made it (see findOrCreate). */
  lookUpFirst?: boolean;
}

export interface UpdateAddressInput {
  sid: string;
  address: PostalAddress;
}

export function addressActivities({ twilio }: { twilio: TwilioClient }) {
  /**
   * Updates the address in place. Twilio cannot change an address's country: a correction that does
   * fails with the non-retryable `AddressCountryChanged`, and the workflow replaces the address.
   */
  const updateAddress = async ({ sid, address }: UpdateAddressInput): Promise<{ sid: string }> => {
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
  };

  return {
    createAddress: async ({
      friendlyName,
      address,
      lookUpFirst,
    }: CreateAddressInput): Promise<{ sid: string; created: boolean }> => {
      const { record, created } = await findOrCreate({
        what: 'address',
        lookUpFirst,
        find: () => twilio.addresses.list({ friendlyName, pageSize: LIST_PAGE_SIZE }),
        matches: (a) => a.friendlyName === friendlyName,
        create: () =>
          twilio.addresses.create({ ...addressParams(address), friendlyName, autoCorrectAddress: false }),
        reconcile: async (found) => {
          const wanted = addressParams(address);
          const current: Record<string, unknown> = { ...found };
          const same = Object.entries(wanted).every(([key, value]) => current[key] === value);
          if (same && (found.streetSecondary ?? '') === (address.streetSecondary ?? '')) return;
          await updateAddress({ sid: found.sid, address });
        },
      });
      return { sid: record.sid, created };
    },

    updateAddress,
  };
}
