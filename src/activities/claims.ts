/**
 * Claims as activities: the workflow cannot talk to Temporal's API itself, so it asks here, through the
 * worker's own connection (the activity context's client), on the onboarding's task queue, in the claims'
 * namespace (TEMPORAL_CLAIMS_NAMESPACE). No Twilio request is made: claims cost Temporal calls only,
 * never the Twilio budget.
 */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import {
  claim,
  claimClients,
  releaseClaimOf,
  type ClaimClients,
  type ClaimOutcome,
} from './temporal-claims.js';
import type { ClaimKind } from '../contract/ids.js';
import { activityLog } from './context.js';

export interface ClaimInput {
  kind: ClaimKind;
  key: string;
  customerId: string;
}

export function claimActivities(claimsNamespace: string) {
  // One claims client per worker client (per connection), made on first use.
  const made = new WeakMap<Client, ClaimClients>();
  const clientsOf = (client: Client) => {
    let clients = made.get(client);
    if (!clients) made.set(client, (clients = claimClients(client, claimsNamespace)));
    return clients;
  };
  return {
    /** Claims `key` for the customer: `owned-by-another` when another onboarding has it, or once had. */
    claim: async (input: ClaimInput): Promise<ClaimOutcome> => {
      const { client, info } = Context.current();
      const { kind, key } = input;
      const outcome = await claim(clientsOf(client), { ...input, taskQueue: info.taskQueue }, (found) =>
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
      await releaseClaimOf(clientsOf(Context.current().client), kind, key);
      activityLog.info('Claim released', { kind, key });
    },
  };
}
