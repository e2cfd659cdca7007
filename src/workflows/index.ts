// Every workflow the worker runs. Deterministic code only: see the lint rule in eslint.config.js.
export { shakenStirOnboarding } from './onboarding/workflow.js';
export { deliverOnboardingEvent } from './event-delivery.js';
export { trustHubClaim } from './claim.js';
