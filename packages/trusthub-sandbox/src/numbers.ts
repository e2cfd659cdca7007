/**
 * What kind of number an E.164 string is, as far as the trust products care. CNAM is offered for US
 * standard local numbers only (Twilio's CNAM guide: no toll-free, and "other countries, including
 * Canada, are not supported"), and Canada shares +1 with the US, so the area code (NPA) decides.
 */

export function isE164(value: string): boolean {
  return /^\+[1-9]\d{7,14}$/.test(value);
}

/** The NANP toll-free NPAs in service. */
export const TOLL_FREE_NPAS: readonly string[] = ['800', '833', '844', '855', '866', '877', '888'];

/**
 * Canada's NPAs, geographic and non-geographic, from NANPA's assignment list (2024). A new overlay
 * code must be added here to be refused.
 */
// prettier-ignore
export const CANADIAN_NPAS: readonly string[] = [
  // Geographic, by province or territory
  '368', '403', '587', '780', '825', // Alberta
  '236', '250', '257', '604', '672', '778', // British Columbia
  '204', '431', '584', // Manitoba
  '428', '506', // New Brunswick
  '709', '879', // Newfoundland and Labrador
  '782', '902', // Nova Scotia, Prince Edward Island
  '226', '249', '289', '343', '365', '382', '387', '416', '437', '519', '548', '613', '647', '683',
  '705', '742', '753', '807', '905', '942', // Ontario
  '263', '354', '367', '418', '438', '450', '468', '514', '579', '581', '819', '873', // Quebec
  '306', '474', '639', // Saskatchewan
  '867', // Yukon, Northwest Territories, Nunavut
  // Non-geographic
  '600', '622', '633', '644', '655', '677', '688',
];

export type NumberKind = 'us-local' | 'toll-free' | 'canadian' | 'not-nanp';

export function numberKind(e164: string): NumberKind {
  const match = /^\+1(\d{3})\d{7}$/.exec(e164);
  if (!match) return 'not-nanp';
  const npa = match[1] ?? '';
  if (TOLL_FREE_NPAS.includes(npa)) return 'toll-free';
  if (CANADIAN_NPAS.includes(npa)) return 'canadian';
  return 'us-local';
}

/** Why a number cannot take CNAM, or null when it can. */
export function cnamIneligibility(e164: string): string | null {
  switch (numberKind(e164)) {
    case 'us-local':
      return null;
    case 'toll-free':
      return 'toll-free numbers cannot get CNAM';
    case 'canadian':
      return 'Canadian numbers cannot get CNAM (US numbers only)';
    case 'not-nanp':
      return 'only US (+1) numbers can get CNAM';
  }
}
