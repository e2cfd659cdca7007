/**
 * The values Twilio's ISV guide allows for the Trust Hub attributes the sandbox checks: business
 * identities, types and industries, regions, job positions and Voice Integrity use cases. The service keeps its own copy for its
 * validation (src/contract/vocabulary.ts in trusthub-onboarding); the package may not import the service, so
 * a test there (test/platform/sandbox-package.test.ts) holds the two lists equal.
 */
export const BUSINESS_IDENTITIES = ['direct_customer', 'isv_reseller_or_partner', 'unknown'] as const;
export const BUSINESS_TYPES = [
  'Sole Proprietorship',
  'Partnership',
  'Limited Liability Corporation',
  'Corporation',
  'Co-operative',
  'Non-profit',
] as const;
export const BUSINESS_INDUSTRIES = [
  'AUTOMOTIVE',
  'AGRICULTURE',
  'BANKING',
  'CONSUMER',
  'EDUCATION',
  'ENGINEERING',
  'ENERGY',
  'OIL_AND_GAS',
  'FAST_MOVING_CONSUMER_GOODS',
  'FINANCIAL',
  'FINTECH',
  'FOOD_AND_BEVERAGE',
  'GOVERNMENT',
  'HEALTHCARE',
  'HOSPITALITY',
  'INSURANCE',
  'LEGAL',
  'MANUFACTURING',
  'MEDIA',
  'ONLINE',
  'RAW_MATERIALS',
  'REAL_ESTATE',
  'RELIGION',
  'RETAIL',
  'JEWELRY',
  'TECHNOLOGY',
  'TELECOMMUNICATIONS',
  'TRANSPORTATION',
  'TRAVEL',
  'ELECTRONICS',
  'NOT_FOR_PROFIT',
] as const;
export const REGIONS_OF_OPERATION = ['AFRICA', 'ASIA', 'EUROPE', 'LATIN_AMERICA', 'USA_AND_CANADA'] as const;
export const JOB_POSITIONS = ['Director', 'GM', 'VP', 'CEO', 'CFO', 'General Counsel', 'Other'] as const;
/** Voice Integrity's `use_case`, compared as written (case and spacing matter). */
export const VOICE_INTEGRITY_USE_CASES = [
  'Appointment Reminders',
  'Customer Support',
  'Outbound Dialer',
  'Account Notifications',
  'Delivery Notifications',
  'Fraud Alerts',
  'Collections',
  'Surveys',
  'Sales and Marketing',
  'Healthcare',
] as const;
