/**
 * The activities against the real twilio SDK and the in-process Trust Hub sandbox (port 0), run inside
 * Temporal's own activity test harness (MockActivityEnvironment) so that `attempt` and the activity
 * logger are real.
 */
import { after, before, beforeEach } from 'node:test';
import type { Logger, LogLevel, LogMetadata } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities, type Activities } from '../../src/activities/index.js';
import type { Sandbox, SandboxInfo } from 'trusthub-sandbox';
import type { FaultRule } from 'trusthub-sandbox';
import { runSandbox, type SandboxAdmin } from '../support/sandbox.js';
import type { TwilioClient } from '../../src/trusthub/client.js';
import type { BundleSnapshot } from '../../src/contract/types.js';
import {
  plumbingAddress as address,
  plumbingBusiness as business,
  PLUMBING_EMAIL as EMAIL,
  plumbingRepresentative as representative,
} from '../support/customers.js';
import type { BundleKind } from '../../src/contract/vocabulary.js';

export interface LogEntry {
  level: LogLevel;
  message: string;
  meta?: LogMetadata | undefined;
}

/** A Temporal logger that keeps every line, so tests can check what the activities log. */
export class RecordingLogger implements Logger {
  readonly entries: LogEntry[] = [];
  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    this.entries.push({ level, message, meta });
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
  /** Everything logged, as one string, to search for personal data. */
  text(): string {
    return JSON.stringify(this.entries);
  }
}

export interface ResourceCounts {
  customerProfiles: number;
  trustProducts: number;
  endUsers: number;
  supportingDocuments: number;
  entityAssignments: number;
  channelEndpointAssignments: number;
  evaluations: number;
  addresses: number;
  phoneNumbers: number;
}

export interface SandboxState {
  resources: Record<keyof ResourceCounts, { sid: string; friendlyName?: string; type?: string }[]>;
  countsExcludingSeed: ResourceCounts;
}

export interface Harness {
  sandbox: Sandbox;
  baseUrl: string;
  info: SandboxInfo;
  twilio: TwilioClient;
  activities: Activities;
  logger: RecordingLogger;
  /** Runs one activity as attempt `attempt` (1 = first try, 2 = a retry) in Temporal's activity harness. */
  run<I, O>(fn: (input: I) => Promise<O>, input: I, attempt?: number): Promise<O>;
  /**
   * A draft bundle (a customer profile unless `kind` says otherwise) made by createBundle's first
   * attempt, with the suite's email and status callback: the starting point of most tests here.
   */
  createDraft(friendlyName: string, kind?: BundleKind): Promise<BundleSnapshot>;
  /** PUT /__sandbox/faults with these rules. */
  faults(rules: FaultRule[]): Promise<void>;
  /** GET /__sandbox/state. */
  state(): Promise<SandboxState>;
  /** Any other sandbox admin call (/__sandbox/…). */
  admin: SandboxAdmin;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const {
    sandbox,
    baseUrl,
    info,
    client: twilio,
    admin,
  } = await runSandbox({ vetting: 'manual', logLevel: 'silent' }, { timeoutMs: 5_000 });
  const activities = createActivities({ twilio });
  const logger = new RecordingLogger();

  const run: Harness['run'] = (fn, input, attempt = 1) =>
    new MockActivityEnvironment({ attempt }, { logger }).run(fn, input);

  return {
    sandbox,
    baseUrl,
    info,
    twilio,
    activities,
    logger,
    run,
    createDraft: (friendlyName, kind = 'customer-profile') =>
      run(activities.createBundle, { kind, friendlyName, email: EMAIL, statusCallback: CALLBACK }),
    faults: async (rules) => {
      await admin('PUT', '/__sandbox/faults', { rules });
    },
    state: () => admin<SandboxState>('GET', '/__sandbox/state'),
    admin,
    reset: async () => {
      await admin('DELETE', '/__sandbox/faults');
      await admin('POST', '/__sandbox/reset');
      logger.entries.length = 0;
    },
    close: () => sandbox.close(),
  };
}

/** A lost-response fault for the next create on this path (a prefix, or a regex starting with ^). */
export function loseNextResponse(path: string, anyWrite = false): FaultRule {
  return { kind: 'lost-response', count: 1, method: 'POST', path, ...(anyWrite ? { anyWrite } : {}) };
}

export const ADDRESSES_PATH = '^/2010-04-01/Accounts/[^/]+/Addresses\\.json$';

export const CALLBACK = 'https://onboarding.example.com/v1/webhooks/trusthub';

/** The strings that must never appear in the activities' logs. */
export const PERSONAL_DATA = [
  EMAIL,
  representative.firstName,
  representative.lastName,
  representative.email,
  representative.phoneNumber,
  business.registrationNumber,
  address.street,
];

/**
 * One sandbox harness for a describe block, reset to the seeded world before each test. Call it at the
 * top of the block; the returned function gives the harness inside tests.
 */
export function useFreshHarness(): () => Harness {
  let harness: Harness | undefined;
  before(async () => {
    harness = await startHarness();
  });
  after(async () => {
    await harness?.close();
  });
  beforeEach(async () => {
    await harness!.reset();
  });
  return () => harness!;
}
