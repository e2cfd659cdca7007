/**
 * Addresses (API 2010), through src/trusthub/addresses.ts. Twilio cannot move an address to another
 * country: that correction fails here, and the workflow replaces the address instead.
 */
import { ApplicationFailure } from '@temporalio/common';
import { addressApi, sameAddress } from '../trusthub/addresses.js';
import type { TwilioClient } from '../trusthub/client.js';
import { TrustHubFailureType } from '../contract/failures.js';
import type { PostalAddress } from '../contract/types.js';
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
  const addresses = addressApi(twilio);
  /**
   * Updates the address in place. Twilio cannot change an address's country: a correction that does
   * fails with the non-retryable `AddressCountryChanged`, and the workflow replaces the address.
   */
  const updateAddress = async ({ sid, address }: UpdateAddressInput): Promise<{ sid: string }> => {
    const current = await twilioCall(() => addresses.fetch(sid));
    if (current.isoCountry.toUpperCase() !== address.isoCountry.toUpperCase()) {
      throw ApplicationFailure.create({
        type: TrustHubFailureType.AddressCountryChanged,
        message: `Address ${sid} is in ${current.isoCountry}; Twilio cannot move it to ${address.isoCountry}. Create a new address instead.`,
        nonRetryable: true,
      });
    }
    await twilioCall(() => addresses.update(sid, address));
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
        find: () => addresses.list({ friendlyName }),
        matches: (a) => a.friendlyName === friendlyName,
        create: () => addresses.create(friendlyName, address),
        reconcile: async (found) => {
          if (sameAddress(found, address)) return;
          await updateAddress({ sid: found.sid, address });
        },
      });
      return { sid: record.sid, created };
    },

    updateAddress,
  };
}
