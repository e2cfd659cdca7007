/**
 * The worker's configuration, handed to workflows through an activity: workflow code cannot read the
 * environment, and recording the values in history keeps replays deterministic when the config changes.
 */
export interface OnboardingSettings {
  primaryCustomerProfileSid: string;
  statusCallbackUrl: string;
  vettingPollIntervalMs: number;
}

export function createSettingsActivities(settings: OnboardingSettings) {
  return {
    async getOnboardingSettings(): Promise<OnboardingSettings> {
      return settings;
    },
  };
}
