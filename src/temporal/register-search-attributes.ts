/**
 * Registers the onboarding's custom search attributes on a namespace, leaving existing ones alone.
 * The dev server's `--search-attribute` flags only apply to a new database, so `npm start` calls this
 * on every start.
 */
import type { Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes.js';
import proto from '@temporalio/proto';
import { GrpcStatus, grpcCode } from './grpc-status.js';

// @temporalio/proto is CommonJS: its namespaces come through the default export under ESM.
const { IndexedValueType } = proto.temporal.api.enums.v1;

const INDEXED_TYPE: Record<SearchAttributeType, proto.temporal.api.enums.v1.IndexedValueType> = {
  [SearchAttributeType.TEXT]: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  [SearchAttributeType.KEYWORD]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.INT]: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  [SearchAttributeType.DOUBLE]: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  [SearchAttributeType.BOOL]: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  [SearchAttributeType.DATETIME]: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  [SearchAttributeType.KEYWORD_LIST]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

export async function registerSearchAttributes(
  connection: Connection,
  namespace: string,
  keys: readonly SearchAttributeKey<SearchAttributeType>[],
): Promise<string[]> {
  const known = new Set(await customAttributeNames(connection, namespace));
  const missing = keys.filter((key) => !known.has(key.name));
  if (missing.length) {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((key) => [key.name, INDEXED_TYPE[key.type]])),
    });
  }
  return missing.map((key) => key.name);
}

async function customAttributeNames(connection: Connection, namespace: string): Promise<string[]> {
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    return Object.keys(existing.customAttributes ?? {});
  } catch (error) {
    // Temporal's Java time-skipping test server can add search attributes but not list them.
    if (grpcCode(error) === GrpcStatus.UNIMPLEMENTED) return [];
    throw error;
  }
}
