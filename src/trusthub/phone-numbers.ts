/**
 * The account's incoming phone numbers (API 2010: /2010-04-01/Accounts/{AC}/IncomingPhoneNumbers.json),
 * which the ISV's numbers are resolved to before they are assigned to a trust product.
 */
import type { TwilioClient } from './client.js';

export interface IncomingNumberRecord {
  sid: string;
  phoneNumber: string;
}

export interface IncomingNumberApi {
  fetch(sid: string): Promise<IncomingNumberRecord>;
  /** The numbers whose PhoneNumber filter matches `phoneNumber`: Twilio matches parts of numbers too. */
  find(phoneNumber: string): Promise<IncomingNumberRecord[]>;
}

export function incomingNumberApi(client: TwilioClient): IncomingNumberApi {
  return {
    fetch: (sid) => client.incomingPhoneNumbers(sid).fetch(),
    find: (phoneNumber) => client.incomingPhoneNumbers.list({ phoneNumber, pageSize: 50 }),
  };
}
