/** Deleting what an onboarding created — the workflow's compensation when it is cancelled. */
import type { TwilioClient } from '../trusthub/client.js';
import { isNotFound } from '../trusthub/errors.js';
import { activityLog, twilioCall } from './context.js';

export type DeletableKind =
  'customer-profile' | 'trust-product' | 'end-user' | 'supporting-document' | 'address';

export interface DeleteResourceInput {
  kind: DeletableKind;
  sid: string;
}

export interface DeleteResourceResult {
  /** True once the resource is gone, whether this call or an earlier one removed it. */
  deleted: boolean;
  /** True when Twilio answered 404: it was already gone (e.g. a retry after a lost response). */
  alreadyGone: boolean;
}

export function resourceActivities({ twilio }: { twilio: TwilioClient }) {
  const v1 = twilio.trusthub.v1;
  const removers: Record<DeletableKind, (sid: string) => Promise<boolean>> = {
    'customer-profile': (sid) => v1.customerProfiles(sid).remove(),
    'trust-product': (sid) => v1.trustProducts(sid).remove(),
    'end-user': (sid) => v1.endUsers(sid).remove(),
    'supporting-document': (sid) => v1.supportingDocuments(sid).remove(),
    address: (sid) => twilio.addresses(sid).remove(),
  };
  return {
    /** DELETE the resource; a 404 counts as already deleted. */
    deleteResource: async ({ kind, sid }: DeleteResourceInput): Promise<DeleteResourceResult> => {
      const remove = removers[kind];
      if (!remove) throw new TypeError(`deleteResource cannot delete a "${String(kind)}"`);
      try {
        await twilioCall(() => remove(sid));
      } catch (error) {
        if (!isNotFound(error)) throw error;
        activityLog.info('Resource already deleted', { kind, sid });
        return { deleted: true, alreadyGone: true };
      }
      activityLog.info('Resource deleted', { kind, sid });
      return { deleted: true, alreadyGone: false };
    },
  };
}
