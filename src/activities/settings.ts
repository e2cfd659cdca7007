/**
 * The worker's configuration, handed to workflows through an activity: workflow code cannot read the
 * environment, and recording the values in history keeps replays deterministic when the config changes.
 */
export interface OnboardingSettings {
  primaryCustomerProfileSid: string;
  statusCallbackUrl: string;
  vettingPollIntervalMs: number;
  /**
   * Whether the ISV's own primary profile has an approved SHAKEN/STIR trust product: then a customer's
   * number that is not (yet) A is signed B, otherwise C. Found by the worker at start.
   */
  primaryTrustProductApproved?: boolean;
  /** EVENTS_URL is set: the workflow announces its changes (src/workflows/onboarding/events.ts). */
  eventsEnabled?: boolean;
}

export interface SettingsSource extends Omit<OnboardingSettings, 'primaryTrustProductApproved'> {
  /** Known, or still being found: the worker checks the primary profile while it already runs. */
  primaryTrustProductApproved?: boolean | Promise<boolean>;
}

export function createSettingsActivities({ primaryTrustProductApproved, ...settings }: SettingsSource) {
  return {
    async getOnboardingSettings(): Promise<OnboardingSettings> {
      const approved = await primaryTrustProductApproved;
      return approved === undefined ? settings : { ...settings, primaryTrustProductApproved: approved };
    },
  };
}
