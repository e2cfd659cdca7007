/**
 * The baseline the benchmarks compare the service with: what an ISV's engineer writes from Twilio's
 * guide instead, run with the twilio SDK one call after another, waiting for each approval by polling.
 * Profile (guide steps 1–6), its number, submit; once it is approved, the SHAKEN/STIR trust product
 * linked to it, the same number, submit; done when the trust product is approved.
 */
import { SHAKEN_STIR_POLICY_SID } from 'trusthub-sandbox';
import type { TwilioClient } from '../src/trusthub/client.js';
import { acmeCustomer } from '../test/support/customers.js';
import { createSecondaryProfile } from '../test/support/sandbox.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function approved(
  fetch: () => Promise<{ status: string }>,
  what: string,
  pollMs: number,
): Promise<void> {
  for (;;) {
    const { status } = await fetch();
    if (status === 'twilio-approved') return;
    if (status === 'twilio-rejected') throw new Error(`${what} was rejected`);
    await sleep(pollMs);
  }
}

/** One customer through the guide's calls; resolves when its trust product is approved. */
export async function guideScript(
  twilio: TwilioClient,
  {
    primaryProfileSid,
    phoneNumberSid,
    label,
    pollMs = 250,
  }: {
    primaryProfileSid: string;
    phoneNumberSid: string;
    label: string;
    pollMs?: number;
  },
): Promise<void> {
  const v1 = twilio.trusthub.v1;
  const customer = acmeCustomer();
  const { profileSid } = await createSecondaryProfile(twilio, primaryProfileSid, customer);
  const profile = v1.customerProfiles(profileSid);
  await profile.customerProfilesChannelEndpointAssignment.create({
    channelEndpointType: 'phone-number',
    channelEndpointSid: phoneNumberSid,
  });
  await profile.update({ status: 'pending-review' });
  await approved(() => profile.fetch(), `${label}: the profile`, pollMs);

  const { sid } = await v1.trustProducts.create({
    friendlyName: `${label} trust product`,
    email: customer.email,
    policySid: SHAKEN_STIR_POLICY_SID,
  });
  const product = v1.trustProducts(sid);
  await product.trustProductsEntityAssignments.create({ objectSid: profileSid });
  await product.trustProductsChannelEndpointAssignment.create({
    channelEndpointType: 'phone-number',
    channelEndpointSid: phoneNumberSid,
  });
  await product.update({ status: 'pending-review' });
  await approved(() => product.fetch(), `${label}: the trust product`, pollMs);
}
