/**
 * The two 2010 API resources the onboarding uses: Addresses (create, list with CustomerName /
 * FriendlyName / IsoCountry filters, fetch, update, delete) and IncomingPhoneNumbers (list with
 * PhoneNumber / FriendlyName filters, fetch). The account in the path must be the sandbox's account.
 *
 * An address is accepted as given (the sandbox does not autocorrect); US addresses whose ZIP code fits
 * their state are marked validated/verified, and vetting rejects the others with 18603. An address a
 * supporting document still points at cannot be deleted (409 / 20409).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Params, SandboxContext } from '../context.js';
import { formBody, optionalBoolean, optionalParam, requiredParam } from '../context.js';
import { conflict, invalidParameter, notFound } from '../errors.js';
import { newSid, SidPrefix } from '../ids.js';
import { page2010, readPageRequest } from '../paging.js';
import { serializeAddress, serializePhoneNumber } from '../serialize.js';
import type { Address, PhoneNumber } from '../state.js';
import { byCreation } from '../state.js';
import { addressVerifiable } from '../vetting-rules.js';

type AccountRequest = FastifyRequest<{ Params: { AccountSid: string; Sid: string } }>;

/** A plugin, registered in the Twilio scope (app.ts). */
export default async function api2010Routes(
  app: FastifyInstance,
  { context: ctx }: { context: SandboxContext },
): Promise<void> {
  const { store } = ctx;
  const prefix = '/2010-04-01/Accounts/:AccountSid';

  const account = (request: AccountRequest): string => {
    const sid = store.state.account.sid;
    if (request.params.AccountSid !== sid) throw notFound(`Account ${request.params.AccountSid}`);
    return sid;
  };

  const findAddress = (sid: string): Address => {
    const address = store.state.addresses[sid];
    if (!address) throw notFound(`Address ${sid}`);
    return address;
  };

  const markVerification = (address: Address) => {
    const ok =
      address.isoCountry.toUpperCase() === 'US' &&
      addressVerifiable(address.isoCountry, address.region, address.postalCode);
    address.validated = ok;
    address.verified = ok;
  };

  app.post(`${prefix}/Addresses.json`, async (request: AccountRequest, reply: FastifyReply) => {
    const accountSid = account(request);
    const body = formBody(request);
    const isoCountry = requiredParam(body, 'IsoCountry');
    if (!/^[A-Za-z]{2}$/.test(isoCountry))
      throw invalidParameter('IsoCountry must be an ISO 3166-1 alpha-2 code');
    const now = new Date().toISOString();
    const address: Address = {
      sid: newSid(SidPrefix.address),
      seq: store.nextSeq(),
      customerName: requiredParam(body, 'CustomerName'),
      street: requiredParam(body, 'Street'),
      city: requiredParam(body, 'City'),
      region: requiredParam(body, 'Region'),
      postalCode: requiredParam(body, 'PostalCode'),
      isoCountry: isoCountry.toUpperCase(),
      friendlyName: optionalParam(body, 'FriendlyName') ?? null,
      streetSecondary: optionalParam(body, 'StreetSecondary') ?? null,
      emergencyEnabled: optionalBoolean(body, 'EmergencyEnabled') ?? false,
      validated: false,
      verified: false,
      dateCreated: now,
      dateUpdated: now,
    };
    markVerification(address);
    store.state.addresses[address.sid] = address;
    store.commit();
    return reply.code(201).send(serializeAddress(accountSid, address));
  });

  app.get(`${prefix}/Addresses.json`, async (request: AccountRequest) => {
    const accountSid = account(request);
    const query = request.query as Params;
    const customerName = optionalParam(query, 'CustomerName');
    const friendlyName = optionalParam(query, 'FriendlyName');
    const isoCountry = optionalParam(query, 'IsoCountry');
    const items = byCreation(store.state.addresses).filter(
      (a) =>
        (customerName === undefined || a.customerName === customerName) &&
        (friendlyName === undefined || a.friendlyName === friendlyName) &&
        (isoCountry === undefined || a.isoCountry === isoCountry.toUpperCase()),
    );
    return page2010(
      `/2010-04-01/Accounts/${accountSid}/Addresses.json`,
      'addresses',
      items,
      readPageRequest(query),
      { CustomerName: customerName, FriendlyName: friendlyName, IsoCountry: isoCountry },
      (a) => serializeAddress(accountSid, a),
    );
  });

  app.get(`${prefix}/Addresses/:Sid.json`, async (request: AccountRequest) =>
    serializeAddress(account(request), findAddress(request.params.Sid)),
  );

  app.post(`${prefix}/Addresses/:Sid.json`, async (request: AccountRequest) => {
    const accountSid = account(request);
    const address = findAddress(request.params.Sid);
    const body = formBody(request);
    const text = (name: string) => optionalParam(body, name);
    address.friendlyName = text('FriendlyName') ?? address.friendlyName;
    address.customerName = text('CustomerName') ?? address.customerName;
    address.street = text('Street') ?? address.street;
    address.streetSecondary = text('StreetSecondary') ?? address.streetSecondary;
    address.city = text('City') ?? address.city;
    address.region = text('Region') ?? address.region;
    address.postalCode = text('PostalCode') ?? address.postalCode;
    address.emergencyEnabled = optionalBoolean(body, 'EmergencyEnabled') ?? address.emergencyEnabled;
    address.dateUpdated = new Date().toISOString();
    markVerification(address);
    store.commit();
    return serializeAddress(accountSid, address);
  });

  app.delete(`${prefix}/Addresses/:Sid.json`, async (request: AccountRequest, reply: FastifyReply) => {
    account(request);
    const address = findAddress(request.params.Sid);
    // An address a supporting document points at (address_sids) is kept: delete the document first.
    const document = Object.values(store.state.supportingDocuments).find((d) =>
      store.addressesOfDocument(d).some((a) => a.sid === address.sid),
    );
    if (document) throw conflict(`${address.sid} is used by ${document.sid}: delete the document first`);
    delete store.state.addresses[address.sid];
    store.commit();
    return reply.code(204).send();
  });

  /** The customer profile a number is on, as `bundle_sid` (null when none). */
  const bundleOf = (number: PhoneNumber): string | null =>
    Object.values(store.state.channelEndpointAssignments).find(
      (a) => a.channelEndpointSid === number.sid && store.bundle(a.bundleSid)?.kind === 'customer-profile',
    )?.bundleSid ?? null;

  app.get(`${prefix}/IncomingPhoneNumbers.json`, async (request: AccountRequest) => {
    const accountSid = account(request);
    const query = request.query as Params;
    const phoneNumber = optionalParam(query, 'PhoneNumber');
    const friendlyName = optionalParam(query, 'FriendlyName');
    // Partial numbers match as substrings; '*' stands for any digit (as Twilio documents).
    const pattern = phoneNumber
      ? new RegExp(phoneNumber.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '\\d'))
      : null;
    const items = byCreation(store.state.phoneNumbers).filter(
      (n) =>
        (pattern === null || pattern.test(n.phoneNumber)) &&
        (friendlyName === undefined || n.friendlyName === friendlyName),
    );
    return page2010(
      `/2010-04-01/Accounts/${accountSid}/IncomingPhoneNumbers.json`,
      'incoming_phone_numbers',
      items,
      readPageRequest(query),
      { PhoneNumber: phoneNumber, FriendlyName: friendlyName },
      (n) => serializePhoneNumber(accountSid, n, bundleOf(n)),
    );
  });

  app.get(`${prefix}/IncomingPhoneNumbers/:Sid.json`, async (request: AccountRequest) => {
    const accountSid = account(request);
    const number = store.state.phoneNumbers[request.params.Sid];
    if (!number) throw notFound(`IncomingPhoneNumber ${request.params.Sid}`);
    return serializePhoneNumber(accountSid, number, bundleOf(number));
  });
}
