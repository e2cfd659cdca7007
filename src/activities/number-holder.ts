/**
 * Twilio refuses a number's assignment with 20409 when the number is on another bundle already, and
 * its message may name that bundle. Whose bundle it is, the ISV cannot tell from a SID (and must never
 * read another customer's), so it is found here, in the service's own records: the claims and the
 * onboardings' BundleSids (./temporal-claims.ts). The failure then says only whose kind of bundle it
 * is (NumberHolder): this customer's (an earlier run), another of the ISV's customers', or one the
 * service did not make. Neither the other customer's ID nor the bundle leaves this activity.
 */
import { ApplicationFailure } from '@temporalio/common';
import { Context, asyncLocalStorage } from '@temporalio/activity';
import { CONFLICT_CODE, twilioErrorDetails, type NumberHolder } from '../contract/failures.js';
import { customerIdOf } from '../contract/ids.js';
import { activityLog } from './context.js';
import { bundleOwners, claimClients } from './temporal-claims.js';

const BUNDLE_SID_IN_TEXT = /BU[0-9a-fA-F]{32}/g;

/** `error` as it was, or, for a 20409, with whose bundle holds the number in its details. */
export async function withNumberHolder(
  error: unknown,
  bundleSid: string,
  phoneNumberSid: string,
  claimsNamespace: string,
): Promise<unknown> {
  const details = twilioErrorDetails(error);
  if (details?.code !== CONFLICT_CODE || !(error instanceof ApplicationFailure)) return error;
  const heldBy = await holderOf(details.message, bundleSid, claimsNamespace);
  activityLog.info('Phone number already on another bundle', { bundleSid, phoneNumberSid, heldBy });
  return ApplicationFailure.create({
    type: error.type ?? undefined,
    message: error.message,
    details: [{ ...details, numberTaken: { phoneNumberSid, heldBy } }],
    nonRetryable: true,
  });
}

async function holderOf(message: string, bundleSid: string, claimsNamespace: string): Promise<NumberHolder> {
  const named = [...new Set(message.match(BUNDLE_SID_IN_TEXT) ?? [])]
    .map((sid) => `BU${sid.slice(2).toLowerCase()}`)
    .filter((sid) => sid !== bundleSid);
  if (!named.length || !asyncLocalStorage.getStore()) return 'unknown';
  const { client, info } = Context.current();
  const customerId = customerIdOf(info.workflowExecution?.workflowId ?? '');
  const clients = claimClients(client, claimsNamespace);
  let ours = false;
  for (const sid of named) {
    const owners = await bundleOwners(clients, sid);
    if (customerId !== undefined && owners.has(customerId)) return 'this-customer';
    if (owners.size) ours = true;
  }
  return ours ? 'another-customer' : 'outside';
}
