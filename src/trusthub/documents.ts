/**
 * Supporting documents (/v1/SupportingDocuments). The onboarding makes one kind, the profile's
 * address document, whose `address_sids` attribute points at an Address (src/trusthub/addresses.ts).
 * Like end users, their list takes no filter: a look-up pages through all.
 */
import { LIST_PAGE_SIZE } from './bundles.js';
import type { TwilioClient } from './client.js';

export const SUPPORTING_DOCUMENT_ADDRESS_TYPE = 'customer_profile_address';

/** The fields of a SupportingDocumentInstance the onboarding uses. */
export interface SupportingDocumentRecord {
  sid: string;
  friendlyName: string;
  type: string;
  attributes: unknown;
  dateCreated: Date | null;
}

export interface SupportingDocumentApi {
  /** Every supporting document of the account (all pages). */
  list(): Promise<SupportingDocumentRecord[]>;
  /** A `customer_profile_address` document pointing at the address. */
  createAddressDocument(params: {
    friendlyName: string;
    addressSid: string;
  }): Promise<SupportingDocumentRecord>;
  fetch(sid: string): Promise<SupportingDocumentRecord>;
  remove(sid: string): Promise<boolean>;
}

export function supportingDocumentApi(client: TwilioClient): SupportingDocumentApi {
  const v1 = client.trusthub.v1;
  return {
    list: () => v1.supportingDocuments.list({ pageSize: LIST_PAGE_SIZE }),
    createAddressDocument: ({ friendlyName, addressSid }) =>
      v1.supportingDocuments.create({
        friendlyName,
        type: SUPPORTING_DOCUMENT_ADDRESS_TYPE,
        attributes: { address_sids: addressSid },
      }),
    fetch: (sid) => v1.supportingDocuments(sid).fetch(),
    remove: (sid) => v1.supportingDocuments(sid).remove(),
  };
}

/** The address a document points at (`address_sids`, one SID or a list), if any. */
export function documentAddressSid(record: Pick<SupportingDocumentRecord, 'attributes'>): string | undefined {
  const attributes = record.attributes;
  if (typeof attributes !== 'object' || attributes === null) return undefined;
  return [(attributes as Record<string, unknown>).address_sids]
    .flat()
    .find((a): a is string => typeof a === 'string');
}
