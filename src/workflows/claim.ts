/**
 * trustHubClaim — the proof that a key (a customer profile's SID, or a customer) belongs to one
 * onboarding. It does nothing but stay open: Temporal refuses a second run with the same workflow ID
 * while it is, and keeps a running workflow past any retention, so "owned, or once owned" holds for
 * years and under concurrent starts. The owner is the run's CustomerId search attribute, set by whoever
 * started it (src/temporal/claims.ts). A release (a refused adoption giving its profile back) ends it.
 */
import { condition, setHandler } from '@temporalio/workflow';
import { releaseClaim, type ClaimKind } from './contract.js';

export interface ClaimInput {
  kind: ClaimKind;
  key: string;
}

export async function trustHubClaim(_claim: ClaimInput): Promise<void> {
  let released = false;
  setHandler(releaseClaim, () => {
    released = true;
  });
  await condition(() => released);
}
