/**
 * Claims (src/workflows/claim.ts): how a customer profile comes to belong to one onboarding, race-free.
 * A claim is a workflow whose ID is the key: starting it with conflict policy FAIL either makes it
 * (claimed) or meets the one already open, whose CustomerId search attribute, read with describe from
 * the run itself rather than from visibility, says whether it is ours. Two onboardings that claim the
 * same profile at the same instant get one "claimed" and one "owned-by-another", whatever the timing.
 *
 * A claim checks its own kind: its memo records what it claims ({ kind, key }), and a run found at a
 * claim's ID counts as this customer's only if it is a trustHubClaim of that same kind and key. Anything
 * else there (a workflow planted through Temporal's port, say, with a CustomerId set to taste) is never
 * ours: it is owned-by-another, and said in the worker's log.
 *
 * Claims live in a namespace of their own (TEMPORAL_CLAIMS_NAMESPACE), so that the operators' list of
 * the onboardings' namespace shows one row per customer.
 */
import {
  Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type WorkflowExecutionDescription,
} from '@temporalio/client';
import { CLAIM_WORKFLOW_TYPE, claimIdFor, type ClaimKind } from '../contract/ids.js';
import type { trustHubClaim } from '../workflows/claim.js';
import { PayloadDecryptionError } from '../temporal/codec.js';
import { GrpcStatus, grpcCode } from '../temporal/grpc-status.js';
import { CustomerId } from '../contract/search-attributes.js';
import { stuckOnboardingQueries } from '../contract/visibility-queries.js';

export type ClaimOutcome =
  /** This call made the claim: nobody had it. */
  | 'claimed'
  /** The claim was already this customer's (an earlier run, or an earlier attempt of this one). */
  | 'already-ours'
  /** Another customer's onboarding owns it, or once did. */
  | 'owned-by-another';

export interface ClaimRequest {
  kind: ClaimKind;
  key: string;
  customerId: string;
  taskQueue: string;
}

/**
 * A claim is started with a start delay of a century: an open workflow, so its ID is taken, that never
 * has a workflow task to run (no worker time, no history beyond its start). A release terminates it.
 */
const CLAIM_HELD_FOR = '36500 days';

/** What a claim run's memo records, so that the run found at a claim's ID can be checked for what it claims. */
export interface ClaimMemo {
  kind: ClaimKind;
  key: string;
}

/** Told when the run at a claim's ID is not a claim of that key: something planted, never ours. */
export type ImpostorReport = (found: { workflowId: string; workflowType: string }) => void;

/** The two namespaces a claim touches. */
export interface ClaimClients {
  /** Where claims are made (TEMPORAL_CLAIMS_NAMESPACE). */
  claims: Client;
  /** The onboardings' own: their BundleSids. */
  onboardings: Client;
}

/**
 * The claims' client beside the onboardings' (a worker's), on the same connection and data converter;
 * one client for both when TEMPORAL_CLAIMS_NAMESPACE names the onboardings' namespace.
 */
export function claimClients(onboardings: Client, claimsNamespace: string): ClaimClients {
  if (claimsNamespace === onboardings.options.namespace) return { claims: onboardings, onboardings };
  const claims = new Client({
    connection: onboardings.connection,
    namespace: claimsNamespace,
    dataConverter: onboardings.options.dataConverter,
    identity: onboardings.options.identity,
  });
  return { claims, onboardings };
}

export async function claim(
  clients: ClaimClients,
  request: ClaimRequest,
  onImpostor: ImpostorReport = () => {},
): Promise<ClaimOutcome> {
  const { kind, key, customerId, taskQueue } = request;
  const { claims: client } = clients;
  const workflowId = claimIdFor(kind, key);
  for (;;) {
    try {
      await client.workflow.start<typeof trustHubClaim>(CLAIM_WORKFLOW_TYPE, {
        taskQueue,
        workflowId,
        args: [{ kind, key }],
        memo: { claim: { kind, key } satisfies ClaimMemo },
        workflowIdConflictPolicy: 'FAIL',
        // A released claim (closed) frees the key; an open one never lets a second owner in.
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        typedSearchAttributes: [{ key: CustomerId, value: customerId }],
        staticSummary: `Claim of ${kind} ${key}`,
        startDelay: CLAIM_HELD_FOR,
      });
      return 'claimed';
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    try {
      let existing;
      try {
        existing = await client.workflow.getHandle(workflowId).describe();
      } catch (error) {
        // A memo our keys cannot read was not written by a claim of ours: planted (a claim's is encrypted).
        if (!(error instanceof PayloadDecryptionError)) throw error;
        onImpostor({ workflowId, workflowType: 'unknown: its memo does not decrypt' });
        return 'owned-by-another';
      }
      // Closed between our start and this describe (released): try to claim it again.
      if (existing.status.name !== 'RUNNING') continue;
      if (!isClaimOf(existing, kind, key)) {
        onImpostor({ workflowId, workflowType: existing.type });
        return 'owned-by-another';
      }
      return (
        existing.typedSearchAttributes.get(CustomerId) === customerId ? 'already-ours' : 'owned-by-another'
      ) satisfies ClaimOutcome;
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }
}

/**
 * Gives a claim back (only the owner calls this): the key may be claimed again at once. A terminate,
 * not a signal, because it closes the claim on the server there and then, with no worker involved: the
 * next claim of the key a moment later must not find it still open.
 */
export async function releaseClaimOf({ claims }: ClaimClients, kind: ClaimKind, key: string): Promise<void> {
  try {
    await claims.workflow.getHandle(claimIdFor(kind, key)).terminate('claim released');
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}

/**
 * The customers whose onboardings hold a bundle (BU…): the owner of its claim (customer profiles, read
 * consistently from the claim run), and every onboarding whose BundleSids name it (visibility: trust
 * products). Empty when no onboarding of this service ever had it.
 * For the caller to compare only: another customer's ID must never reach what the ISV reads.
 */
export async function bundleOwners({ claims, onboardings }: ClaimClients, sid: string): Promise<Set<string>> {
  const owners = new Set<string>();
  try {
    const claimed = await claims.workflow.getHandle(claimIdFor('customer-profile', sid)).describe();
    const owner = claimed.typedSearchAttributes.get(CustomerId);
    if (isClaimOf(claimed, 'customer-profile', sid) && claimed.status.name === 'RUNNING' && owner) {
      owners.add(owner);
    }
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError) && !(error instanceof PayloadDecryptionError)) throw error;
  }
  try {
    for await (const run of onboardings.workflow.list({ query: stuckOnboardingQueries.byBundleSid(sid) })) {
      const owner = run.typedSearchAttributes.get(CustomerId);
      if (owner) owners.add(owner);
    }
  } catch (error) {
    // A server without visibility queries (Temporal's Java time-skipping test server): the claim decides.
    if (grpcCode(error) !== GrpcStatus.UNIMPLEMENTED) throw error;
  }
  return owners;
}

/** Whether the run found at a claim's ID is a claim of that kind and key (its type and memo say so). */
function isClaimOf(found: WorkflowExecutionDescription, kind: ClaimKind, key: string): boolean {
  const memo = found.memo?.claim as Partial<ClaimMemo> | undefined;
  return found.type === CLAIM_WORKFLOW_TYPE && memo?.kind === kind && memo.key === key;
}
