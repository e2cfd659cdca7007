/**
 * The Temporal SDK's own decoders of its raw API answers, which it keeps in its internals
 * (`@temporalio/common/lib/…`, no stability promise): the API imports them from here, and nothing
 * outside src/temporal/ imports the internals, so an SDK upgrade that moves one breaks this folder
 * alone. The API needs them where it reads raw answers:
 * visibility's page (search attributes, start time; src/api/listed-onboardings.ts) and a run's pending
 * activities (their last failure, next attempt; src/api/twilio-outage.ts).
 */
export { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes.js';
export { decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow/index.js';
export { optionalTsToDate, optionalTsToMs } from '@temporalio/common/lib/time.js';
// The start that says whether it made the run (./start-or-find.ts): the SDK's own compiling of start
// options, so the request it sends is the one `workflow.start` would.
export { compileWorkflowOptions } from '@temporalio/client/lib/workflow-options.js';
