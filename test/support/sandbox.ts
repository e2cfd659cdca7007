/**
 * Test harness for the Trust Hub sandbox (the trusthub-sandbox package): the one place a sandbox is
 * paired with the project's real Twilio client and the admin helper. `connectToSandbox` does it for a
 * sandbox at any URL (the chaos harness runs it as a process of its own); `runSandbox` starts one in
 * this process on a free port and connects to it (test/support/stack.ts); `startSandbox` adds the
 * contract recorder and quick review delays (the sandbox's own tests). And a tiny HTTP server that
 * receives status callbacks and checks them with `twilio.validateRequest`.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { createLogger } from '../../src/logger.js';
import { buildSandbox, type Sandbox, type SandboxInfo, type SandboxOptions } from 'trusthub-sandbox';
import { createTwilioClient, type TwilioClient } from '../../src/trusthub/client.js';
import { recordAndValidate, type ContractRecorder } from './contract.js';
import type { CustomerData } from './customers.js';
import { CUSTOMER_PROFILE_POLICY_SID } from 'trusthub-sandbox';

/** A sandbox in this process, listening, with the Twilio client and the admin helper pointed at it. */
export interface RunningSandbox extends SandboxConnection {
  sandbox: Sandbox;
  baseUrl: string;
  info: SandboxInfo;
  close(): Promise<void>;
}

export interface SandboxHarness extends RunningSandbox {
  contract: ContractRecorder;
}

export interface SandboxConnection {
  /** The project's real Twilio client (src/trusthub/client.ts). */
  client: TwilioClient;
  admin: SandboxAdmin;
}

export type SandboxAdmin = <T = unknown>(method: string, path: string, body?: unknown) => Promise<T>;

/** JSON calls to a sandbox's admin routes (/__sandbox/…); a non-2xx answer throws with its body. */
export function sandboxAdmin(baseUrl: string): SandboxAdmin {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const json = (await response.json()) as T;
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
}

/** The Twilio client and the admin helper for a sandbox at `baseUrl`, in this process or another. */
export function connectToSandbox(
  baseUrl: string,
  account: { accountSid: string; authToken: string },
  { timeoutMs }: { timeoutMs?: number } = {},
): SandboxConnection {
  return {
    client: createTwilioClient({ ...account, baseUrl, ...(timeoutMs ? { timeoutMs } : {}) }),
    admin: sandboxAdmin(baseUrl),
  };
}

/**
 * A sandbox in this process with `options` as given, on a free port, connected. `beforeListen` may add
 * hooks to its app (they must be in place before it listens).
 */
export async function runSandbox(
  options: SandboxOptions = {},
  {
    timeoutMs,
    beforeListen,
  }: { timeoutMs?: number; beforeListen?: (sandbox: Sandbox) => Promise<void> } = {},
): Promise<RunningSandbox> {
  const sandbox = await buildSandbox(options);
  await beforeListen?.(sandbox);
  const baseUrl = await sandbox.listen();
  const info = sandbox.info();
  return {
    sandbox,
    baseUrl,
    info,
    ...connectToSandbox(baseUrl, info, timeoutMs ? { timeoutMs } : {}),
    close: () => sandbox.close(),
  };
}

/** For the sandbox's own tests: quick reviews, silent logs, and every exchange checked against the contract. */
export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxHarness> {
  let contract: ContractRecorder | undefined;
  const running = await runSandbox(
    {
      logger: createLogger({
        name: 'sandbox-test',
        level: process.env.LOG_LEVEL ?? 'silent',
        format: 'json',
      }),
      profileReviewMs: 300,
      trustProductReviewMs: 300,
      ...options,
    },
    {
      timeoutMs: 5_000,
      beforeListen: async (sandbox) => {
        contract = await recordAndValidate(sandbox.app);
      },
    },
  );
  return { ...running, contract: contract! };
}

/** The most of `times` (sorted, in ms) in any window of `windowMs`: a rate's busiest moment. */
export function busiestWindow(times: readonly number[], windowMs: number): number {
  let busiest = 0;
  for (let start = 0, end = 0; start < times.length; start += 1) {
    while (end < times.length && times[end]! < times[start]! + windowMs) end += 1;
    busiest = Math.max(busiest, end - start);
  }
  return busiest;
}

export interface ReceivedCallback {
  url: string;
  params: Record<string, string>;
  signature: string;
  valid: boolean;
}

export interface CallbackServer {
  url: string;
  received: ReceivedCallback[];
  /** Waits until `predicate` holds for the received callbacks. */
  waitFor(predicate: (received: ReceivedCallback[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (data += chunk));
    request.on('end', () => resolve(data));
    request.on('error', reject);
  });
}

export async function startCallbackServer(authToken: () => string): Promise<CallbackServer> {
  const received: ReceivedCallback[] = [];
  const server = createServer((request, response) => {
    readBody(request).then(
      (body) => {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${request.url ?? '/'}`;
        const params = Object.fromEntries(new URLSearchParams(body));
        const signature = String(request.headers['x-twilio-signature'] ?? '');
        received.push({
          url,
          params,
          signature,
          valid: twilio.validateRequest(authToken(), signature, url, params),
        });
        response.writeHead(204).end();
      },
      () => response.writeHead(400).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/trusthub/status`;
  return {
    url,
    received,
    waitFor: async (predicate, timeoutMs = 5_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline) {
          throw new Error(
            `callbacks not as expected after ${timeoutMs} ms: ${JSON.stringify(received.map((r) => r.params))}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Polls until `check` returns a value (not undefined). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface ProfileSids {
  profileSid: string;
  addressSid: string;
  documentSid: string;
  businessInformationSid: string;
  representativeSid: string;
}

/** Guide steps 1–6: profile, link to primary, address, document, business information, representative. */
export async function createSecondaryProfile(
  client: TwilioClient,
  primaryProfileSid: string,
  data: CustomerData,
  statusCallback?: string,
): Promise<ProfileSids> {
  const profile = await client.trusthub.v1.customerProfiles.create({
    friendlyName: `${data.businessInformation.business_name} secondary profile`,
    email: data.email,
    policySid: CUSTOMER_PROFILE_POLICY_SID,
    ...(statusCallback ? { statusCallback } : {}),
  });
  const assignments = client.trusthub.v1.customerProfiles(profile.sid).customerProfilesEntityAssignments;
  await assignments.create({ objectSid: primaryProfileSid });
  const address = await client.addresses.create(data.address);
  const document = await client.trusthub.v1.supportingDocuments.create({
    friendlyName: `${data.businessInformation.business_name} address`,
    type: 'customer_profile_address',
    attributes: { address_sids: address.sid },
  });
  await assignments.create({ objectSid: document.sid });
  const information = await client.trusthub.v1.endUsers.create({
    friendlyName: `${data.businessInformation.business_name} business information`,
    type: 'customer_profile_business_information',
    attributes: data.businessInformation,
  });
  await assignments.create({ objectSid: information.sid });
  const representative = await client.trusthub.v1.endUsers.create({
    friendlyName: `${data.businessInformation.business_name} representative 1`,
    type: 'authorized_representative_1',
    attributes: data.representative,
  });
  await assignments.create({ objectSid: representative.sid });
  return {
    profileSid: profile.sid,
    addressSid: address.sid,
    documentSid: document.sid,
    businessInformationSid: information.sid,
    representativeSid: representative.sid,
  };
}

export interface RestError {
  status: number;
  code: number;
  message: string;
}

/** Runs `fn`, which must fail with a Twilio RestException; returns its status and code. */
export async function restError(fn: () => Promise<unknown>): Promise<RestError> {
  try {
    await fn();
  } catch (error) {
    const e = error as Partial<RestError>;
    if (typeof e.status === 'number' && typeof e.code === 'number') {
      return { status: e.status, code: e.code, message: String(e.message) };
    }
    throw error;
  }
  throw new Error('expected the call to fail');
}
