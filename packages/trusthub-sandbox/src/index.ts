/** The sandbox's one public entry point (package.json "exports"): what npm start, the tests and the
 * benchmarks of trusthub-onboarding, or any other host, may use. */
export { buildSandbox } from './app.js';
export type { Sandbox, SandboxInfo, SandboxOptions } from './app.js';
export type { RequestArrival } from './routes/admin.js';
export type { CallbackRecord } from './callbacks.js';
export { twilioSignature } from './callbacks.js';
export type { FaultConfig, FaultKind, FaultRule, CallbackFaults } from './faults.js';
export { sandboxOptionsFromConfig } from './options.js';
export {
  CNAM_POLICY_SID,
  CUSTOMER_PROFILE_POLICY_SID,
  SHAKEN_STIR_POLICY_SID,
  VOICE_INTEGRITY_POLICY_SID,
} from './policies.js';
export { stirStatusFor } from './calls.js';
export type { Call, StirStatus } from './state.js';
export { RejectionCode } from './vetting-rules.js';
export { EvaluationCode } from './evaluation.js';
export { ErrorCode } from './errors.js';
export { seededRandom } from './random.js';
export { ConfigError, loadSandboxConfig, SandboxSchema } from './config.js';
export type { SandboxConfig } from './config.js';
