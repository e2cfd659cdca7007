/**
 * What every route needs, and small helpers for Twilio-style form parameters.
 */
import type { FastifyRequest } from 'fastify';
import type { Logger } from './logger.js';
import type { CallbackDispatcher } from './callbacks.js';
import { invalidParameter, missingParameter } from './errors.js';
import type { FaultInjector } from './faults.js';
import type { SandboxStore } from './store.js';
import type { VettingScheduler } from './vetting.js';

export interface SandboxContext {
  store: SandboxStore;
  vetting: VettingScheduler;
  callbacks: CallbackDispatcher;
  faults: FaultInjector;
  logger: Logger;
}

/** Route patterns whose POST creates a resource (the target of `lost-response` faults). */
const CREATE_ROUTE =
  /\/(CustomerProfiles|TrustProducts|EndUsers|SupportingDocuments|EntityAssignments|ChannelEndpointAssignments|Evaluations|Addresses\.json)$/;

export function isCreateRequest(request: FastifyRequest): boolean {
  return request.method === 'POST' && CREATE_ROUTE.test(request.routeOptions.url ?? '');
}

/** The origin the client reached us at; resource and paging URLs point back to it. */
export function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

export type Params = Record<string, unknown>;

export function formBody(request: FastifyRequest): Params {
  const body = request.body;
  return body && typeof body === 'object' ? (body as Params) : {};
}

/** A single form or query value; Twilio reads the first of repeated keys for scalar parameters. */
export function optionalParam(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  return typeof first === 'string' ? first : JSON.stringify(first);
}

export function requiredParam(params: Params, name: string): string {
  const value = optionalParam(params, name);
  if (value === undefined || value === '') throw missingParameter(name);
  return value;
}

export function optionalUrlParam(params: Params, name: string): string | undefined {
  const value = optionalParam(params, name);
  if (value === undefined || value === '') return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw invalidParameter(`${name} is not a valid URL: it needs http:// or https://`);
  }
  return value;
}

export function optionalBoolean(params: Params, name: string): boolean | undefined {
  const value = optionalParam(params, name);
  if (value === undefined) return undefined;
  if (value === 'true' || value === 'True') return true;
  if (value === 'false' || value === 'False') return false;
  throw invalidParameter(`${name} must be true or false`);
}
