/**
 * Claims as activities: the workflow cannot talk to Temporal's API itself, so it asks here, through the
 * worker's own client (the activity context's), on the onboarding's task queue. No Twilio request is
 * made: claims cost Temporal calls only, never the Twilio budget.
 */
import { Context } from '@temporalio/activity';
import { claim, releaseClaimOf, type ClaimOutcome } from './temporal-claims.js';
import type { ClaimKind } from '../workflows/contract.js';
import { activityLog } from './context.js';

export interface ClaimInput {
  kind: ClaimKind;
  key: string;
  customerId: string;
  /** The key came from a request (an adoption): onboardings from before claims may hold it too. */
  ownedBeforeClaims?: boolean;
}

export function claimActivities() {
  return {
    /** Claims `key` for the customer: `owned-by-another` when another onboarding has it, or once had. */
    claim: async (input: ClaimInput): Promise<ClaimOutcome> => {
      const { client, info } = Context.current();
      const { kind, key } = input;
      const outcome = await claim(client, { ...input, taskQueue: info.taskQueue }, (found) =>
        // Only an operator, or someone with Temporal's port, can have put it there: say so.
        activityLog.warn('Claim ID held by something that is not a claim of it: treated as owned', {
          kind,
          key,
          ...found,
        }),
      );
      // The key is a SID or the ISV's own customer id: neither is personal data.
      activityLog.info('Claim', { kind, key, outcome });
      return outcome;
    },

    releaseClaim: async ({ kind, key }: Omit<ClaimInput, 'customerId'>): Promise<void> => {
      await releaseClaimOf(Context.current().client, kind, key);
      activityLog.info('Claim released', { kind, key });
    },
  };
}
