/**
 * Paging as Twilio does it. `PageSize` (default 50, 1..1000), `Page` (an index the client echoes), and
 * `PageToken`, an opaque cursor the server puts in the next page's URL: here "PT" + the creation
 * sequence number of the last item served, so a page stays stable when items are added meanwhile.
 *
 * Trust Hub (v1) answers `{results, meta: {page, page_size, first_page_url, previous_page_url, url,
 * next_page_url, key}}` with absolute URLs (the SDK follows next_page_url as is); the 2010 API answers
 * `{<key>: [...], end, first_page_uri, next_page_uri, page, page_size, previous_page_uri, start, uri}`
 * with URIs relative to the API host (the SDK prefixes https://api.twilio.com, which the project's
 * rewriting client sends back here).
 */
import { invalidParameter } from './errors.js';

export interface PageRequest {
  pageSize: number;
  page: number;
  /** Items with a creation sequence number above this come next. */
  afterSeq: number | null;
}

export function readPageRequest(query: Record<string, unknown>): PageRequest {
  const pageSize = query.PageSize === undefined ? 50 : Number(query.PageSize);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
    throw invalidParameter('PageSize must be an integer between 1 and 1000');
  }
  const page = query.Page === undefined ? 0 : Number(query.Page);
  if (!Number.isInteger(page) || page < 0) throw invalidParameter('Page must be a non-negative integer');
  let afterSeq: number | null = null;
  if (query.PageToken !== undefined) {
    const token = typeof query.PageToken === 'string' ? query.PageToken : '';
    const match = /^PT(\d+)$/.exec(token);
    if (!match) throw invalidParameter('PageToken is invalid');
    afterSeq = Number(match[1]);
  }
  return { pageSize, page, afterSeq };
}

interface Slice<T> {
  items: T[];
  start: number;
  nextToken: string | null;
}

function slice<T extends { seq: number }>(all: T[], request: PageRequest): Slice<T> {
  // Without a token, Page is an offset in pages (as Twilio's older APIs accept).
  const start =
    request.afterSeq === null
      ? request.page * request.pageSize
      : all.findIndex((i) => i.seq > request.afterSeq!);
  const from = start < 0 ? all.length : start;
  const items = all.slice(from, from + request.pageSize);
  const last = items[items.length - 1];
  const nextToken = last && from + items.length < all.length ? `PT${last.seq}` : null;
  return { items, start: from, nextToken };
}

function queryString(
  filters: Record<string, string | undefined>,
  extra: Record<string, string | number>,
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value !== undefined) params.set(key, value);
  for (const [key, value] of Object.entries(extra)) params.set(key, String(value));
  return params.toString();
}

export function pageV1<T extends { seq: number }, R>(
  base: string,
  path: string,
  all: T[],
  request: PageRequest,
  filters: Record<string, string | undefined>,
  serialize: (item: T) => R,
) {
  const { items, nextToken } = slice(all, request);
  const url = (extra: Record<string, string | number>) => `${base}${path}?${queryString(filters, extra)}`;
  const current: Record<string, string | number> = { PageSize: request.pageSize, Page: request.page };
  if (request.afterSeq !== null) current.PageToken = `PT${request.afterSeq}`;
  return {
    results: items.map(serialize),
    meta: {
      page: request.page,
      page_size: request.pageSize,
      first_page_url: url({ PageSize: request.pageSize, Page: 0 }),
      previous_page_url: null,
      url: url(current),
      next_page_url: nextToken
        ? url({ PageSize: request.pageSize, Page: request.page + 1, PageToken: nextToken })
        : null,
      key: 'results',
    },
  };
}

export function page2010<T extends { seq: number }, R>(
  path: string,
  key: string,
  all: T[],
  request: PageRequest,
  filters: Record<string, string | undefined>,
  serialize: (item: T) => R,
) {
  const { items, start, nextToken } = slice(all, request);
  const uri = (extra: Record<string, string | number>) => `${path}?${queryString(filters, extra)}`;
  const current: Record<string, string | number> = { PageSize: request.pageSize, Page: request.page };
  if (request.afterSeq !== null) current.PageToken = `PT${request.afterSeq}`;
  return {
    [key]: items.map(serialize),
    end: items.length ? start + items.length - 1 : start,
    first_page_uri: uri({ PageSize: request.pageSize, Page: 0 }),
    next_page_uri: nextToken
      ? uri({ PageSize: request.pageSize, Page: request.page + 1, PageToken: nextToken })
      : null,
    page: request.page,
    page_size: request.pageSize,
    previous_page_uri: null,
    start,
    uri: uri(current),
  };
}
