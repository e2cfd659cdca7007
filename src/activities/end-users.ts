/**
 * End users (business information, authorized representatives) and supporting documents. Their lists
 * cannot be filtered, so a retried create pages through all of them, matching friendly name and type.
 */
import type { EndUserAttributes, EndUserType } from '../trusthub/attributes.js';
import { LIST_PAGE_SIZE } from '../trusthub/bundles.js';
import type { TwilioClient } from '../trusthub/client.js';

import { activityLog, twilioCall } from './context.js';
import { findOrCreate } from './idempotency.js';

export const SUPPORTING_DOCUMENT_ADDRESS_TYPE = 'customer_profile_address';

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
  const v1 = twilio.trusthub.v1;
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
        find: () => v1.endUsers.list({ pageSize: LIST_PAGE_SIZE }),
        matches: (u) => u.friendlyName === friendlyName && u.type === type,
        create: () => v1.endUsers.create({ friendlyName, type, attributes }),
        reconcile: async (found) => {
          const current = (found.attributes ?? {}) as Record<string, unknown>;
          if (Object.entries(attributes).every(([key, value]) => current[key] === value)) return;
          await twilioCall(() => v1.endUsers(found.sid).update({ attributes }));
          activityLog.info('End user from an earlier run updated', { sid: found.sid });
        },
      });
      return { sid: record.sid, created };
    },

    updateEndUser: async ({ sid, attributes }: UpdateEndUserInput): Promise<{ sid: string }> => {
      await twilioCall(() => v1.endUsers(sid).update({ attributes }));
      activityLog.info('End user updated', { sid });
      return { sid };
    },

    /** Supporting document `customer_profile_address` pointing at the address. */
    createSupportingDocument: async ({
      friendlyName,
      addressSid,
      lookUpFirst,
    }: CreateSupportingDocumentInput): Promise<{ sid: string }> => {
      const type = SUPPORTING_DOCUMENT_ADDRESS_TYPE;
      const { record } = await findOrCreate({
        what: 'supporting document',
        lookUpFirst,
        find: () => v1.supportingDocuments.list({ pageSize: LIST_PAGE_SIZE }),
        matches: (d) => d.friendlyName === friendlyName && d.type === type,
        create: () =>
          v1.supportingDocuments.create({ friendlyName, type, attributes: { address_sids: addressSid } }),
      });
      return { sid: record.sid };
    },
  };
}
