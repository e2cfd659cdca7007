/**
 * End users (business information, authorized representatives) and supporting documents. Their lists
 * cannot be filtered, so a retried create pages through all of them, matching friendly name and type.
 */
import type { EndUserAttributes, EndUserType } from '../trusthub/attributes.js';
import type { TwilioClient } from '../trusthub/client.js';
import { SUPPORTING_DOCUMENT_ADDRESS_TYPE, supportingDocumentApi } from '../trusthub/documents.js';
import { endUserApi, hasAttributes } from '../trusthub/end-users.js';
import { activityLog, twilioCall } from './context.js';
import { findOrCreate } from './idempotency.js';

export interface CreateEndUserInput {
  /** Deterministic and unique per end user: a retried attempt finds the end user by it (and its type). */
  friendlyName: string;
  type: EndUserType;
  /** Twilio's snake_case attributes: see src/trusthub/attributes.ts. */
  attributes: EndUserAttributes;
  /** An earlier run of this customer may have made it (see findOrCreate). */
  lookUpFirst?: boolean;
}

export interface UpdateEndUserInput {
  sid: string;
  attributes: EndUserAttributes;
}

export interface CreateSupportingDocumentInput {
  /** Deterministic and unique per document: a retried attempt finds the document by it. */
  friendlyName: string;
  addressSid: string;
  lookUpFirst?: boolean;
}

export function endUserActivities({ twilio }: { twilio: TwilioClient }) {
  const endUsers = endUserApi(twilio);
  const documents = supportingDocumentApi(twilio);
  return {
    createEndUser: async ({
      friendlyName,
      type,
      attributes,
      lookUpFirst,
    }: CreateEndUserInput): Promise<{ sid: string; created: boolean }> => {
      const { record, created } = await findOrCreate({
        what: `end user (${type})`,
        lookUpFirst,
        find: () => endUsers.list(),
        matches: (u) => u.friendlyName === friendlyName && u.type === type,
        create: () => endUsers.create({ friendlyName, type, attributes }),
        reconcile: async (found) => {
          if (hasAttributes(found, attributes)) return;
          await twilioCall(() => endUsers.update(found.sid, attributes));
          activityLog.info('End user from an earlier run updated', { sid: found.sid });
        },
      });
      return { sid: record.sid, created };
    },

    updateEndUser: async ({ sid, attributes }: UpdateEndUserInput): Promise<{ sid: string }> => {
      await twilioCall(() => endUsers.update(sid, attributes));
      activityLog.info('End user updated', { sid });
      return { sid };
    },

    /** Supporting document `customer_profile_address` pointing at the address. */
    createSupportingDocument: async ({
      friendlyName,
      addressSid,
      lookUpFirst,
    }: CreateSupportingDocumentInput): Promise<{ sid: string }> => {
      const { record } = await findOrCreate({
        what: 'supporting document',
        lookUpFirst,
        find: () => documents.list(),
        matches: (d) => d.friendlyName === friendlyName && d.type === SUPPORTING_DOCUMENT_ADDRESS_TYPE,
        create: () => documents.createAddressDocument({ friendlyName, addressSid }),
      });
      return { sid: record.sid };
    },
  };
}
