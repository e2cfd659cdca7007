/**
 * Admin routes under /__sandbox/ — a loopback development tool: no auth, never faulted, not part of
 * Twilio's API. They expose the credentials and the whole state, steer vetting and faults, reset
 * the world, add numbers to the account and place calls (calls.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import { placeCall } from '../calls.js';
import { baseUrl, optionalParam, optionalUrlParam, requiredParam } from '../context.js';
import type { Params } from '../context.js';
import { conflict, invalidParameter, notFound } from '../errors.js';
import { newSid, SidPrefix } from '../ids.js';
import { isE164, numberKind } from '../numbers.js';
import {
  CNAM_POLICY_SID,
  CUSTOMER_PROFILE_POLICY_SID,
  SHAKEN_STIR_POLICY_SID,
  VOICE_INTEGRITY_POLICY_SID,
} from '../policies.js';
import { byCreation } from '../state.js';
import type { SandboxState } from '../state.js';

/** One request as it arrived, before latency and faults: what Twilio would count against a budget. */
export interface RequestArrival {
  /** Milliseconds since the epoch. */
  at: number;
  /** Method and route pattern, e.g. `GET /v1/CustomerProfiles/:Sid`: never the URL. */
  route: string;
  /** The bundle the request is about (a BU… path parameter), when there is one. */
  bundleSid: string | null;
}

export interface RequestMetrics {
  total: number;
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  /** The latest arrivals, oldest first, for benchmarks (GET /__sandbox/requests). */
  arrivals: RequestArrival[];
}

/** Enough for a few thousand onboardings' requests; older arrivals are forgotten. */
export const MAX_ARRIVALS = 100_000;

export interface AdminRoutesOptions {
  context: SandboxContext;
  metrics: RequestMetrics;
  reset: () => void;
}

type SidRequest = FastifyRequest<{ Params: { Sid: string } }>;

const OUTCOMES = ['approve', 'reject', 'rules'] as const;

function readCodes(value: unknown): number[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((c) => Number.isInteger(c))) {
    throw invalidParameter('codes must be an array of integers, e.g. [18606]');
  }
  return value as number[];
}

export function sandboxInfo(state: SandboxState, base: string | null) {
  return {
    baseUrl: base,
    accountSid: state.account.sid,
    authToken: state.account.authToken,
    apiKeySid: state.account.apiKeySid,
    apiKeySecret: state.account.apiKeySecret,
    primaryCustomerProfileSid: state.account.primaryProfileSid,
    policies: {
      secondaryCustomerProfile: CUSTOMER_PROFILE_POLICY_SID,
      shakenStirTrustProduct: SHAKEN_STIR_POLICY_SID,
      voiceIntegrityTrustProduct: VOICE_INTEGRITY_POLICY_SID,
      cnamTrustProduct: CNAM_POLICY_SID,
    },
    phoneNumbers: byCreation(state.phoneNumbers).map((n) => ({ sid: n.sid, phoneNumber: n.phoneNumber })),
  };
}

/**
 * A plugin, registered by app.ts under the /__sandbox prefix beside the Twilio scope, so none of that
 * scope's hooks (auth, faults, latency, request metrics) reach these routes: the paths below are
 * relative to the prefix.
 */
export default async function adminRoutes(
  app: FastifyInstance,
  { context: ctx, ...hooks }: AdminRoutesOptions,
): Promise<void> {
  const { store } = ctx;

  app.get('/info', async (request) => ({
    ...sandboxInfo(store.state, baseUrl(request)),
    vettingMode: ctx.vetting.mode,
  }));

  app.get('/state', async () => {
    const state = store.state;
    const seeded = new Set(state.seeded);
    const bundles = byCreation(state.bundles);
    const resources = {
      customerProfiles: bundles.filter((b) => b.kind === 'customer-profile'),
      trustProducts: bundles.filter((b) => b.kind === 'trust-product'),
      endUsers: byCreation(state.endUsers),
      supportingDocuments: byCreation(state.supportingDocuments),
      entityAssignments: byCreation(state.entityAssignments),
      channelEndpointAssignments: byCreation(state.channelEndpointAssignments),
      evaluations: byCreation(state.evaluations),
      addresses: byCreation(state.addresses),
      phoneNumbers: byCreation(state.phoneNumbers),
      calls: byCreation(state.calls),
    };
    const count = (exclude: boolean) =>
      Object.fromEntries(
        Object.entries(resources).map(([kind, items]) => [
          kind,
          items.filter((item) => !(exclude && seeded.has(item.sid))).length,
        ]),
      );
    return {
      account: state.account,
      seeded: state.seeded,
      resources,
      counts: count(false),
      countsExcludingSeed: count(true),
      vetting: { mode: ctx.vetting.mode, jobs: state.vettingJobs, forcedOutcomes: state.forcedOutcomes },
      requests: {
        total: hooks.metrics.total,
        byRoute: hooks.metrics.byRoute,
        byStatus: hooks.metrics.byStatus,
      },
      faults: ctx.faults.describe(),
      callbacks: { ...ctx.callbacks.counters, records: ctx.callbacks.records },
    };
  });

  // Arrival times of Trust Hub requests and the callbacks sent, for rate and latency figures.
  app.get('/requests', async () => ({
    arrivals: hooks.metrics.arrivals,
    callbacks: ctx.callbacks.records,
  }));

  app.post('/reset', async () => {
    hooks.reset();
    return { reset: true, ...sandboxInfo(store.state, null) };
  });

  app.get('/faults', async () => ctx.faults.describe());

  app.put('/faults', async (request) => {
    try {
      ctx.faults.configure(request.body ?? {});
    } catch (error) {
      throw invalidParameter(`Invalid fault configuration: ${(error as Error).message}`);
    }
    return ctx.faults.describe();
  });

  app.delete('/faults', async () => {
    ctx.faults.configure({});
    return ctx.faults.describe();
  });

  const findBundle = (sid: string) => {
    const bundle = store.bundle(sid);
    if (!bundle) throw notFound(`Bundle ${sid}`);
    return bundle;
  };

  /** Decide now: {"outcome": "approve" | "reject" | "rules", "codes": [18606]}. */
  app.post('/bundles/:Sid/decide', async (request: SidRequest) => {
    const bundle = findBundle(request.params.Sid);
    const body = (request.body ?? {}) as { outcome?: string; codes?: unknown };
    const outcome = body.outcome ?? 'approve';
    if (!OUTCOMES.includes(outcome as (typeof OUTCOMES)[number])) {
      throw invalidParameter('outcome must be approve, reject or rules');
    }
    if (bundle.status !== 'pending-review' && bundle.status !== 'in-review') {
      throw invalidParameter(
        `Bundle ${bundle.sid} is ${bundle.status}: only a submitted bundle can be decided`,
      );
    }
    ctx.vetting.decideNow(bundle, outcome as (typeof OUTCOMES)[number], readCodes(body.codes));
    return { sid: bundle.sid, status: bundle.status, errors: bundle.errors };
  });

  /** Force the next automatic decision: {"outcome": "approve" | "reject", "codes": [...]}. */
  app.put('/bundles/:Sid/next-outcome', async (request: SidRequest) => {
    const bundle = findBundle(request.params.Sid);
    const body = (request.body ?? {}) as { outcome?: string; codes?: unknown };
    if (body.outcome !== 'approve' && body.outcome !== 'reject') {
      throw invalidParameter('outcome must be approve or reject');
    }
    const codes = readCodes(body.codes);
    ctx.vetting.setNextOutcome(bundle.sid, { outcome: body.outcome, ...(codes ? { codes } : {}) });
    return { sid: bundle.sid, nextOutcome: store.state.forcedOutcomes[bundle.sid] };
  });

  /** Move an approved bundle's expiry: {"validUntil": ISO-8601}. When it passes, the bundle expires. */
  app.put('/bundles/:Sid/valid-until', async (request: SidRequest) => {
    const bundle = findBundle(request.params.Sid);
    const { validUntil } = (request.body ?? {}) as { validUntil?: unknown };
    if (typeof validUntil !== 'string' || Number.isNaN(Date.parse(validUntil))) {
      throw invalidParameter('validUntil must be an ISO-8601 date-time, e.g. 2026-12-01T00:00:00Z');
    }
    if (bundle.status !== 'twilio-approved') {
      throw invalidParameter(
        `Bundle ${bundle.sid} is ${bundle.status}: only an approved bundle has a valid_until`,
      );
    }
    ctx.vetting.setValidUntil(bundle, validUntil);
    return { sid: bundle.sid, status: bundle.status, validUntil: bundle.validUntil };
  });

  app.delete('/bundles/:Sid/next-outcome', async (request: SidRequest) => {
    const bundle = findBundle(request.params.Sid);
    ctx.vetting.setNextOutcome(bundle.sid, null);
    return { sid: bundle.sid, nextOutcome: null };
  });

  app.post('/vetting/fast-forward', async () => ({ steps: ctx.vetting.fastForward() }));

  app.put('/vetting/mode', async (request) => {
    const mode = (request.body as { mode?: string } | undefined)?.mode;
    if (mode !== 'auto' && mode !== 'manual') throw invalidParameter('mode must be auto or manual');
    ctx.vetting.setMode(mode);
    return { mode };
  });

  /** Give the account a number the seed does not make (toll-free, Canadian, …): {"phoneNumber": E.164}. */
  app.post('/phone-numbers', async (request, reply) => {
    const body = (request.body ?? {}) as Params;
    const phoneNumber = requiredParam(body, 'phoneNumber');
    if (!isE164(phoneNumber)) throw invalidParameter('phoneNumber must be E.164');
    if (Object.values(store.state.phoneNumbers).some((n) => n.phoneNumber === phoneNumber)) {
      throw conflict(`${phoneNumber} is already a number of this account`);
    }
    const now = new Date().toISOString();
    const number = {
      sid: newSid(SidPrefix.phoneNumber),
      seq: store.nextSeq(),
      phoneNumber,
      friendlyName: optionalParam(body, 'friendlyName') ?? phoneNumber,
      dateCreated: now,
      dateUpdated: now,
    };
    store.state.phoneNumbers[number.sid] = number;
    store.commit();
    return reply.code(201).send({ sid: number.sid, phoneNumber, kind: numberKind(phoneNumber) });
  });

  /** Place a call: {"from": E.164 of the account, "to": E.164, "statusCallback": URL}. */
  app.post('/calls', async (request, reply) => {
    const body = (request.body ?? {}) as Params;
    const call = placeCall(ctx, {
      from: requiredParam(body, 'from'),
      to: requiredParam(body, 'to'),
      statusCallback: optionalUrlParam(body, 'statusCallback'),
    });
    return reply.code(201).send({ callSid: call.sid, stirStatus: call.stirStatus });
  });

  app.get('/callbacks', async () => ({
    ...ctx.callbacks.counters,
    records: ctx.callbacks.records,
  }));
}
