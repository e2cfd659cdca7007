/**
 * What the service itself would stop a customer file's row at, beyond the API's schema: the Voice
 * Integrity and CNAM rules POST /v1/onboardings applies (src/api/product-rules.ts), the workflow's
 * pre-submit check (src/workflows/onboarding/steps/pre-checks.ts: 18606, an email off the website's domain), and
 * a number another row of the file asks for too. The service's own functions, called, never copied,
 * so a file and the service cannot disagree. Each failure names its request path; ./customers-csv.ts
 * turns that into the column.
 *
 * A row the schema refuses may still hold everything a check reads (a bad registration number says
 * nothing about the emails): the check then runs, so the row's every problem is reported at once.
 */
import { requestProductFailures } from '../api/product-rules.js';
import type { EvaluationFieldResult, OnboardingRequest } from '../contract/types.js';
import { preSubmitProblem } from '../workflows/onboarding/steps/pre-checks.js';

type Path = readonly (string | number)[];

/** A broken rule at a request path. */
export interface RowFailure {
  path: Path;
  rule: string;
}

/** A row's request as read from the file: checked, not yet known valid. */
type RowRequest = Record<string, unknown>;

const isString = (value: unknown): value is string => typeof value === 'string';
const objectAt = (value: unknown) => (value ?? {}) as Record<string, unknown>;

/** Whether the fields the product rules read are there, with the types they read them as. */
function productRulesCanRead(request: RowRequest): boolean {
  const business = objectAt(request.business);
  return (
    isString(business.name) &&
    Array.isArray(business.regionsOfOperation) &&
    isString(objectAt(request.address).isoCountry) &&
    (request.cnam === undefined || isString(objectAt(request.cnam).displayName))
  );
}

/** The same for the pre-submit check: the website and every email it compares. */
function preSubmitCheckCanRead(request: RowRequest): boolean {
  const representatives = request.authorizedRepresentatives;
  return (
    isString(objectAt(request.business).websiteUrl) &&
    isString(request.email) &&
    Array.isArray(representatives) &&
    representatives.every((representative) => isString(objectAt(representative).email))
  );
}

/** The request path of a field the pre-submit check names by Twilio's object type (`authorized_representative_1`). */
function pathOfFailure({ objectType, field }: EvaluationFieldResult): Path {
  const representative = /^authorized_representative_(\d+)$/.exec(objectType ?? '');
  const name = field ?? '';
  return representative ? ['authorizedRepresentatives', Number(representative[1]) - 1, name] : [name];
}

/**
 * The products' rules, as POST /v1/onboardings applies them, and, for a profile the service will
 * make and submit, the workflow's pre-submit check (an adopted profile is judged by what Twilio holds,
 * which the file does not say).
 */
export function serviceCheckFailures(request: RowRequest): RowFailure[] {
  const failures: RowFailure[] = [];
  // The guards above stand for the schema here: each check reads only what its guard saw.
  const checked = request as unknown as OnboardingRequest;
  if (productRulesCanRead(request)) {
    for (const { field, rule } of requestProductFailures(checked))
      failures.push({ path: field.split('.'), rule });
  }
  if (request.customerProfileSid === undefined && preSubmitCheckCanRead(request)) {
    for (const failure of preSubmitProblem(checked)?.failures ?? [])
      failures.push({ path: pathOfFailure(failure), rule: failure.reason });
  }
  return failures;
}

/**
 * Numbers of a row that an earlier row has too (`firstLineOfNumber` carries the file so far): one
 * number goes on one customer's profile, and Twilio refuses the second with 20409.
 */
export function sharedNumberFailures(
  request: RowRequest,
  line: number,
  firstLineOfNumber: Map<string, number>,
): RowFailure[] {
  const numbers: unknown[] = Array.isArray(request.phoneNumbers) ? request.phoneNumbers : [];
  const failures: RowFailure[] = [];
  numbers.forEach((number, index) => {
    if (!isString(number)) return;
    const earlier = firstLineOfNumber.get(number);
    if (earlier === undefined) firstLineOfNumber.set(number, line);
    else if (earlier !== line) {
      failures.push({
        path: ['phoneNumbers'],
        rule: `item ${index + 1}: ${number} is on line ${earlier} too (a number goes on one customer's profile; Twilio refuses the second with 20409)`,
      });
    }
  });
  return failures;
}
