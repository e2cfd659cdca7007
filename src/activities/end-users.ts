/**
 * End users (business information, authorized representatives) and supporting documents. Their lists
 * cannot be filtered, so a retried create pages through all of them, matching friendly name and type.
 */
import type { EndUserAttributes, EndUserType } from '../trusthub/attributes.js';
import { LIST_PAGE_SIZE } from '../trusthub/bundles.js';
import type { TwilioClient } from '../trusthub/client.js';
import { twilioCall } from '../trusthub/errors.js';
import { activityLog, currentAttempt, isRetry } from './context.js';
import { pickOldest } from './idempotency.js';

export const SUPPORTING_DOCUMENT_ADDRESS_TYPE = 'customer_profile_address';

export interface CreateEndUserInput {
  /** Deterministic and unique per end user: a retried attempt finds the end user by it (and its type). */
  friendlyName: string;
  type: EndUserType;
  /** Twilio's snake_case attributes: see src/trusthub/attributes.ts. */
  attributes: EndUserAttributes;
}

export interface UpdateEndUserInput {
  sid: string;
  attributes: EndUserAttributes;
}

export interface CreateSupportingDocumentInput {
  /** Deterministic and unique per document: a retried attempt finds the document by it. */
  friendlyName: string;
  addressSid: string;
}

export function endUserActivities({ twilio }: { twilio: TwilioClient }) {
  const v1 = twilio.trusthub.v1;
  return {
    createEndUser: async ({
      friendlyName,
      type,
      attributes,
    }: CreateEndUserInput): Promise<{ sid: string }> => {
      if (isRetry()) {
        const all = await twilioCall(() => v1.endUsers.list({ pageSize: LIST_PAGE_SIZE }));
        const existing = pickOldest(
          all.filter((u) => u.friendlyName === friendlyName && u.type === type),
          `end user (${type})`,
        );
        if (existing) {
          activityLog.info('End user found from an earlier attempt', {
            type,
            sid: existing.sid,
            attempt: currentAttempt(),
          });
          return { sid: existing.sid };
        }
      }
      const created = await twilioCall(() => v1.endUsers.create({ friendlyName, type, attributes }));
      activityLog.info('End user created', { type, sid: created.sid });
      return { sid: created.sid };
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
    }: CreateSupportingDocumentInput): Promise<{ sid: string }> => {
      const type = SUPPORTING_DOCUMENT_ADDRESS_TYPE;
      if (isRetry()) {
        const all = await twilioCall(() => v1.supportingDocuments.list({ pageSize: LIST_PAGE_SIZE }));
        const existing = pickOldest(
          all.filter((d) => d.friendlyName === friendlyName && d.type === type),
          'supporting document',
        );
        if (existing) {
          activityLog.info('Supporting document found from an earlier attempt', {
            sid: existing.sid,
            attempt: currentAttempt(),
          });
          return { sid: existing.sid };
        }
      }
      const created = await twilioCall(() =>
        v1.supportingDocuments.create({ friendlyName, type, attributes: { address_sids: addressSid } }),
      );
      activityLog.info('Supporting document created', { sid: created.sid, addressSid });
      return { sid: created.sid };
    },
  };
}
