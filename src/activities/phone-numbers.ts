/**
 * Phone numbers: what the ISV sent (E.164 numbers or PN… SIDs) resolved to the account's incoming numbers.
 */
import type { TwilioClient } from '../trusthub/client.js';
import { isNotFound, phoneNumberNotOwned } from '../trusthub/errors.js';
import { type PhoneNumberNotOwnedDetails } from '../contract/failures.js';
import { incomingNumberApi } from '../trusthub/phone-numbers.js';
import { E164_NUMBER, PHONE_NUMBER_SID } from '../contract/ids.js';
import type { PhoneNumberRef } from '../contract/types.js';
import { activityLog, twilioCall } from './context.js';

export function phoneNumberActivities({ twilio }: { twilio: TwilioClient }) {
  const incomingNumbers = incomingNumberApi(twilio);
  async function resolveOne(input: string): Promise<PhoneNumberRef | 'not-owned' | 'invalid'> {
    const value = input.trim();
    if (PHONE_NUMBER_SID.test(value)) {
      try {
        const number = await twilioCall(() => incomingNumbers.fetch(value));
        return { input, sid: number.sid, phoneNumber: number.phoneNumber };
      } catch (error) {
        if (isNotFound(error)) return 'not-owned';
        throw error;
      }
    }
    if (!E164_NUMBER.test(value)) return 'invalid';
    // Twilio's PhoneNumber filter also matches parts of numbers: keep the exact match only.
    const found = await twilioCall(() => incomingNumbers.find(value));
    const match = found.find((n) => n.phoneNumber === value);
    return match ? { input, sid: match.sid, phoneNumber: match.phoneNumber } : 'not-owned';
  }

  return {
    /**
     * Looks every number up among the account's incoming numbers, in order. Numbers the account does not
     * own (or that are neither E.164 nor PN…) fail the activity, without retry, naming each one's position.
     */
    resolvePhoneNumbers: async ({ numbers }: { numbers: string[] }): Promise<PhoneNumberRef[]> => {
      const resolved: PhoneNumberRef[] = [];
      const problems: PhoneNumberNotOwnedDetails[] = [];
      for (const [position, input] of numbers.entries()) {
        const result = await resolveOne(input);
        if (typeof result === 'object') resolved.push(result);
        else problems.push({ position, reason: result });
      }
      if (problems.length > 0) {
        activityLog.warn('Phone numbers not owned by the account', {
          positions: problems.map((p) => String(p.position + 1)),
        });
        throw phoneNumberNotOwned(problems);
      }
      activityLog.info('Phone numbers resolved', { sids: resolved.map((r) => r.sid) });
      return resolved;
    },
  };
}
