/**
 * The whole service in one test process, on a real Temporal server: the Trust Hub sandbox (manual
 * vetting, so tests decide when Twilio answers), the API listening on a real port (so the sandbox's
 * status callbacks reach the webhook), and a worker running the real workflow and activities.
 */
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { createActivities } from '../../src/activities/index.js';
import { createSettingsActivities } from '../../src/activities/settings.js';
import { buildApp } from '../../src/api/app.js';
import { loadApiConfig, statusCallbackUrl } from '../../src/config.js';
import { buildSandbox, type Sandbox, type SandboxInfo } from '../../src/sandbox/app.js';
import { createTwilioClient } from '../../src/trusthub/client.js';
import type { OnboardingRequest } from '../../src/trusthub/types.js';
import type { OnboardingView } from '../../src/workflows/messages.js';
import { freePort } from '../../scripts/toolchain.js';
import { sandboxAdmin, type SandboxAdmin } from './sandbox.js';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** Bundle the workflows once per test process: it is the slow part of making a worker. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('../../src/workflows/index.ts', import.meta.url)),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });
  return bundle;
}

export interface Stack {
  env: TestWorkflowEnvironment;
  sandbox: Sandbox;
  sandboxUrl: string;
  info: SandboxInfo;
  api: FastifyInstance;
  apiUrl: string;
  taskQueue: string;
  /** JSON admin call to the sandbox (/__sandbox/…). */
  admin: SandboxAdmin;
  /** Polls the onboarding's query until `predicate` holds (real time; fails after `timeoutMs`). */
  waitFor(
    id: string,
    predicate: (view: OnboardingView) => boolean,
    timeoutMs?: number,
  ): Promise<OnboardingView>;
  view(id: string): Promise<OnboardingView>;
  close(): Promise<void>;
}

export async function startStack(
  env: TestWorkflowEnvironment,
  { pollInterval = 30 * 60_000, apiToken }: { pollInterval?: number; apiToken?: string } = {},
): Promise<Stack> {
  const sandbox = await buildSandbox({ vetting: 'manual', logLevel: 'silent' });
  const sandboxUrl = await sandbox.listen(0);
  const info = sandbox.info();

  const port = await freePort();
  const apiUrl = `http://127.0.0.1:${port}`;
  const taskQueue = `onboarding-test-${port}`;
  const config = loadApiConfig({
    LOG_LEVEL: 'silent',
    PORT: String(port),
    PUBLIC_BASE_URL: apiUrl,
    TWILIO_AUTH_TOKEN: info.authToken,
    TEMPORAL_TASK_QUEUE: taskQueue,
    ...(apiToken ? { API_TOKEN: apiToken } : {}),
  });
  const api = await buildApp({ config, temporal: env.client });
  await api.listen({ host: '127.0.0.1', port });

  const twilio = createTwilioClient({
    accountSid: info.accountSid,
    authToken: info.authToken,
    baseUrl: sandboxUrl,
  });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: {
      ...createActivities({ twilio }),
      ...createSettingsActivities({
        primaryCustomerProfileSid: info.primaryCustomerProfileSid,
        statusCallbackUrl: statusCallbackUrl(apiUrl),
        vettingPollIntervalMs: pollInterval,
      }),
    },
  });
  const running = worker.run();

  const admin = sandboxAdmin(sandboxUrl);

  const view = (id: string) => env.client.workflow.getHandle(id).query<OnboardingView>('getOnboarding');

  async function waitFor(id: string, predicate: (view: OnboardingView) => boolean, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    let last: OnboardingView | undefined;
    for (;;) {
      try {
        last = await view(id);
        if (predicate(last)) return last;
      } catch {
        // not started yet
      }
      if (Date.now() > deadline) {
        throw new Error(`onboarding ${id} did not get there; last seen: ${JSON.stringify(last, null, 2)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  return {
    env,
    sandbox,
    sandboxUrl,
    info,
    api,
    apiUrl,
    taskQueue,
    admin,
    waitFor,
    view,
    async close() {
      worker.shutdown();
      await running;
      await api.close();
      await sandbox.close();
    },
  };
}

/** A valid onboarding request the sandbox approves, for customer `customerId`. */
export function onboardingRequest(customerId: string, phoneNumbers: string[]): OnboardingRequest {
  return {
    customerId,
    email: 'compliance@acmedental.com',
    business: {
      name: 'Acme Dental Group LLC',
      identity: 'direct_customer',
      type: 'Limited Liability Corporation',
      industry: 'HEALTHCARE',
      registrationIdentifier: 'EIN',
      registrationNumber: '12-3456789',
      regionsOfOperation: ['USA_AND_CANADA'],
      websiteUrl: 'https://www.acmedental.com',
      socialMediaProfileUrls: ['https://www.linkedin.com/company/acme-dental'],
    },
    address: {
      customerName: 'Acme Dental Group LLC',
      street: '500 Howard St',
      city: 'San Francisco',
      region: 'CA',
      postalCode: '94105',
      isoCountry: 'US',
    },
    authorizedRepresentatives: [
      {
        firstName: 'Dana',
        lastName: 'Reyes',
        email: 'dana.reyes@acmedental.com',
        phoneNumber: '+14155550123',
        businessTitle: 'Chief Executive Officer',
        jobPosition: 'CEO',
      },
    ],
    phoneNumbers,
  };
}
