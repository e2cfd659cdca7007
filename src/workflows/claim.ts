/**
 * trustHubClaim — the proof that a key (a customer profile's SID, or a customer) belongs to one
 * onboarding. Temporal refuses a second run with the same workflow ID while one is open, and keeps an
 * open workflow past any retention, so "owned, or once owned" holds for years and under concurrent
 * starts. The owner is the run's CustomerId search attribute, set by whoever started it
 * (src/activities/temporal-claims.ts), with a start delay of a century: it holds the ID without ever running
 * (no worker time, no history), and a release terminates it. Should the delay ever run out, this code
 * keeps it open. Its memo records what it claims ({ kind, key }): a run found at a claim's ID that is not
 * a trustHubClaim of that kind and key is never taken for one.
 */
import { condition } from '@temporalio/workflow';
import type { ClaimKind } from '../contract/ids.js';

export interface ClaimInput {
  kind: ClaimKind;
  key: string;
}

export async function trustHubClaim(_claim: ClaimInput): Promise<void> {
  await condition(() => false);
}
