/** Deleting what an onboarding created — the workflow's compensation when it is cancelled. */
import { addressApi } from '../trusthub/addresses.js';
import { bundleApi } from '../trusthub/bundles.js';
import type { TwilioClient } from '../trusthub/client.js';
import { supportingDocumentApi } from '../trusthub/documents.js';
import { endUserApi } from '../trusthub/end-users.js';
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
  const removers: Record<DeletableKind, (sid: string) => Promise<boolean>> = {
    'customer-profile': (sid) => bundleApi(twilio, 'customer-profile').remove(sid),
    'trust-product': (sid) => bundleApi(twilio, 'trust-product').remove(sid),
    'end-user': (sid) => endUserApi(twilio).remove(sid),
    'supporting-document': (sid) => supportingDocumentApi(twilio).remove(sid),
    address: (sid) => addressApi(twilio).remove(sid),
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
