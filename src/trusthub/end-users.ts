/**
 * End users (/v1/EndUsers): a profile's business information and its authorized representatives. The
 * activities and the start-up check reach them only through `endUserApi`, so the SDK's accessors and the
 * attributes' wire names stay in src/trusthub/. Their list takes no filter: a look-up pages through all.
 */
import type { EndUserAttributes, EndUserType } from './attributes.js';
import { LIST_PAGE_SIZE } from './bundles.js';
import type { TwilioClient } from './client.js';

/** The fields of an EndUserInstance the onboarding uses. */
export interface EndUserRecord {
  sid: string;
  friendlyName: string;
  type: string;
  /** Twilio's snake_case attributes, as it holds them. */
  attributes: unknown;
  dateCreated: Date | null;
}

export interface EndUserApi {
  /** Every end user of the account (all pages). */
  list(): Promise<EndUserRecord[]>;
  create(params: {
    friendlyName: string;
    type: EndUserType;
    attributes: EndUserAttributes;
  }): Promise<EndUserRecord>;
  fetch(sid: string): Promise<EndUserRecord>;
  update(sid: string, attributes: EndUserAttributes): Promise<EndUserRecord>;
  remove(sid: string): Promise<boolean>;
}

export function endUserApi(client: TwilioClient): EndUserApi {
  const v1 = client.trusthub.v1;
  return {
    list: () => v1.endUsers.list({ pageSize: LIST_PAGE_SIZE }),
    create: (params) => v1.endUsers.create(params),
    fetch: (sid) => v1.endUsers(sid).fetch(),
    update: (sid, attributes) => v1.endUsers(sid).update({ attributes }),
    remove: (sid) => v1.endUsers(sid).remove(),
  };
}

export const BUSINESS_INFORMATION_TYPE = 'customer_profile_business_information';

/** An end user's attributes as a plain object (empty when it has none). */
export function endUserAttributes(record: Pick<EndUserRecord, 'attributes'>): Record<string, unknown> {
  const attributes = record.attributes;
  return typeof attributes === 'object' && attributes !== null ? (attributes as Record<string, unknown>) : {};
}

/** Whether every wanted attribute already holds its value: an update would change nothing. */
export function hasAttributes(record: Pick<EndUserRecord, 'attributes'>, wanted: EndUserAttributes): boolean {
  const current = endUserAttributes(record);
  return Object.entries(wanted).every(([key, value]) => current[key] === value);
}

/** One attribute as text, or null when it is missing or not a string. */
export function textAttribute(record: Pick<EndUserRecord, 'attributes'>, name: string): string | null {
  const value = endUserAttributes(record)[name];
  return typeof value === 'string' ? value : null;
}
