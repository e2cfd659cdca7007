/**
 * The worker's configuration, handed to workflows through an activity: workflow code cannot read the
 * environment, and recording the values in history keeps replays deterministic when the config changes.
 * The shape is the workflow's (src/contract/types.ts).
 */
import type { OnboardingSettings } from '../contract/types.js';

export type { OnboardingSettings };

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
