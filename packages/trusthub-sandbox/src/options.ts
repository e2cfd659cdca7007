/**
 * From the validated environment (src/config.ts, SANDBOX_*) to buildSandbox's options, so that
 * `npm run sandbox` and an embedding process (`npm start`) configure the sandbox the same way.
 */
import type { SandboxConfig } from './config.js';
import { durationToMs } from './config.js';
import type { SandboxOptions } from './app.js';
import type { FaultConfig, FaultRule } from './faults.js';

export function faultsFromConfig(config: SandboxConfig): Partial<FaultConfig> {
  const rates: [FaultRule['kind'], number][] = [
    ['429', config.SANDBOX_FAULT_429_RATE],
    ['500', config.SANDBOX_FAULT_500_RATE],
    ['drop', config.SANDBOX_FAULT_DROP_RATE],
    ['lost-response', config.SANDBOX_FAULT_LOST_RESPONSE_RATE],
  ];
  return {
    seed: config.SANDBOX_FAULT_SEED,
    latencyMs: durationToMs(config.SANDBOX_FAULT_LATENCY),
    maxConcurrency: config.SANDBOX_MAX_CONCURRENCY,
    rules: rates.filter(([, rate]) => rate > 0).map(([kind, rate]) => ({ kind, rate })),
    callbacks: {
      dropRate: config.SANDBOX_CALLBACK_DROP_RATE,
      duplicateRate: config.SANDBOX_CALLBACK_DUPLICATE_RATE,
      delayMs: durationToMs(config.SANDBOX_CALLBACK_DELAY),
      reorderWindowMs: durationToMs(config.SANDBOX_CALLBACK_REORDER_WINDOW),
    },
  };
}

/** Twilio SIDs are two uppercase letters and lowercase hex. */
function canonicalSid(sid: string | undefined): string | undefined {
  return sid ? sid.slice(0, 2).toUpperCase() + sid.slice(2).toLowerCase() : undefined;
}

export function sandboxOptionsFromConfig(config: SandboxConfig): SandboxOptions {
  return {
    accountSid: canonicalSid(config.SANDBOX_ACCOUNT_SID),
    authToken: config.SANDBOX_AUTH_TOKEN,
    apiKeySid: canonicalSid(config.SANDBOX_API_KEY_SID),
    apiKeySecret: config.SANDBOX_API_KEY_SECRET,
    primaryCustomerProfileSid: canonicalSid(config.SANDBOX_PRIMARY_CUSTOMER_PROFILE_SID),
    phoneNumbers: config.SANDBOX_PHONE_NUMBERS,
    profileReviewMs: durationToMs(config.SANDBOX_PROFILE_REVIEW_DELAY),
    trustProductReviewMs: durationToMs(config.SANDBOX_TRUST_PRODUCT_REVIEW_DELAY),
    vetting: config.SANDBOX_VETTING,
    stateFile: config.SANDBOX_STATE_FILE,
    faults: faultsFromConfig(config),
  };
}
