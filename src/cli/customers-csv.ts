/**
 * The customer list an ISV exports from its own system, one row per end customer, and its mapping onto
 * POST /v1/onboardings. The columns are flat (a spreadsheet has no nesting); lists go in one cell,
 * separated by `;`. Every row is checked before anything is started with the API's own JSON Schema
 * (src/api/schemas.ts) and what the service itself would stop it at (./row-checks.ts: the product
 * rules, the workflow's 18606 pre-check, a number two rows share), and each broken rule is reported by
 * line and column, in the words the API or the workflow would use: every problem of a row, not its
 * first. Numbers the service already onboards are checked through the API (./numbers-in-use.ts).
 * docs/bulk-import.md documents the columns; examples/customers.csv is a working file.
 */
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { parse } from 'csv-parse/sync';
import { validationRule } from '../api/validation-rules.js';
import { AdoptionRequestBody, OnboardingRequestBody } from '../api/schemas.js';
import type { OnboardingRequest as ValidRequest } from '../contract/types.js';
import { preSubmitWarnings } from '../workflows/onboarding/steps/pre-checks.js';
import { serviceCheckFailures, sharedNumberFailures, type RowFailure } from './row-checks.js';

type Path = readonly (string | number)[];

interface Column {
  name: string;
  path: Path;
  /** A `;`-separated list in one cell. */
  list?: boolean;
  /** A whole number (a cell is text: "12" is sent as 12, anything else as written, for the schema to refuse). */
  integer?: boolean;
}

const representativeColumns = (n: 1 | 2): Column[] =>
  (['firstName', 'lastName', 'email', 'phoneNumber', 'businessTitle', 'jobPosition'] as const).map(
    (field) => ({
      name: `rep${n}${field[0]!.toUpperCase()}${field.slice(1)}`,
      path: ['authorizedRepresentatives', n - 1, field],
    }),
  );

export const COLUMNS: readonly Column[] = [
  { name: 'customerId', path: ['customerId'] },
  { name: 'email', path: ['email'] },
  { name: 'friendlyName', path: ['friendlyName'] },
  { name: 'businessName', path: ['business', 'name'] },
  { name: 'businessIdentity', path: ['business', 'identity'] },
  { name: 'businessType', path: ['business', 'type'] },
  { name: 'businessIndustry', path: ['business', 'industry'] },
  { name: 'registrationIdentifier', path: ['business', 'registrationIdentifier'] },
  { name: 'registrationNumber', path: ['business', 'registrationNumber'] },
  { name: 'regionsOfOperation', path: ['business', 'regionsOfOperation'], list: true },
  { name: 'websiteUrl', path: ['business', 'websiteUrl'] },
  { name: 'socialMediaProfileUrls', path: ['business', 'socialMediaProfileUrls'], list: true },
  { name: 'addressCustomerName', path: ['address', 'customerName'] },
  { name: 'street', path: ['address', 'street'] },
  { name: 'streetSecondary', path: ['address', 'streetSecondary'] },
  { name: 'city', path: ['address', 'city'] },
  { name: 'region', path: ['address', 'region'] },
  { name: 'postalCode', path: ['address', 'postalCode'] },
  { name: 'isoCountry', path: ['address', 'isoCountry'] },
  ...representativeColumns(1),
  ...representativeColumns(2),
  { name: 'phoneNumbers', path: ['phoneNumbers'], list: true },
  { name: 'customerProfileSid', path: ['customerProfileSid'] },
  // Voice Integrity and CNAM: a product is asked for when any of its cells is filled.
  { name: 'voice_integrity_use_case', path: ['voiceIntegrity', 'useCase'] },
  { name: 'voice_integrity_employee_count', path: ['voiceIntegrity', 'employeeCount'], integer: true },
  {
    name: 'voice_integrity_call_volume',
    path: ['voiceIntegrity', 'averageBusinessDayCallVolume'],
    integer: true,
  },
  { name: 'voice_integrity_notes', path: ['voiceIntegrity', 'notes'] },
  { name: 'cnam_display_name', path: ['cnam', 'displayName'] },
];

export type OnboardingRequest = Record<string, unknown> & { customerId: string };

export interface CustomerRow {
  /** The line of the file the row ends on, as an editor numbers it. */
  line: number;
  request: OnboardingRequest;
}

export interface RowProblem {
  line: number;
  column: string;
  rule: string;
}

/** What Twilio often refuses but not always: said, and not a reason to stop. */
export interface RowWarning {
  line: number;
  warning: string;
}

export interface ParsedCustomers {
  /** The rows to start: empty unless there is not a single problem. */
  rows: CustomerRow[];
  /** Every row as read, valid or not, for the checks that ask the API (./numbers-in-use.ts). */
  read: CustomerRow[];
  problems: RowProblem[];
  warnings: RowWarning[];
}

// The API validates with Fastify's Ajv; the same schema through the same library gives the same verdict.
// allErrors: a row with three mistakes is reported once with all three, not fixed one re-run at a time.
const ajv = new Ajv({ allErrors: true, strict: false });
addFormatsPlugin.default(ajv);
// A row naming customerProfileSid goes to POST /v1/adoptions (./import.ts), and is checked as that body.
const validateStart = ajv.compile<ValidRequest>(OnboardingRequestBody);
const validateAdoption = ajv.compile<ValidRequest>(AdoptionRequestBody);
const validatorOf = (request: Record<string, unknown>) =>
  request.customerProfileSid === undefined ? validateStart : validateAdoption;

function setPath(target: Record<string, unknown>, path: Path, value: unknown): void {
  let node: Record<string, unknown> | unknown[] = target;
  path.forEach((key, i) => {
    const last = i === path.length - 1;
    const container = node as Record<string | number, unknown>;
    if (last) {
      container[key] = value;
      return;
    }
    container[key] ??= typeof path[i + 1] === 'number' ? [] : {};
    node = container[key] as Record<string, unknown>;
  });
}

/** One CSV record as the API's request body: empty cells are left out, lists split on `;`. */
export function requestFromRecord(record: Record<string, string>): OnboardingRequest {
  const request: Record<string, unknown> = {};
  for (const column of COLUMNS) {
    const cell = record[column.name]?.trim() ?? '';
    if (cell === '') continue;
    const value = column.list
      ? cell
          .split(';')
          .map((item) => item.trim())
          .filter(Boolean)
      : column.integer && /^\d{1,15}$/.test(cell)
        ? Number(cell)
        : cell;
    setPath(request, column.path, value);
  }
  return request as OnboardingRequest;
}

const samePath = (a: Path, b: Path) =>
  a.length === b.length && a.every((key, i) => String(key) === String(b[i]));
const startsWith = (path: Path, prefix: Path) => samePath(path.slice(0, prefix.length), prefix);

/** The column holding a field (its path in the request), or the first of a group the path names. */
function columnOf(path: Path): string {
  const holding = COLUMNS.filter((column) => startsWith(path, column.path)).sort(
    (a, b) => b.path.length - a.path.length,
  )[0];
  if (holding) return holding.name;
  const inside = COLUMNS.find((column) => startsWith(column.path, path));
  if (inside) return inside.name;
  return path.join('.') || 'row';
}

/** The column a schema error belongs to, a missing property's included. */
function columnOfError(error: ErrorObject): string {
  const path: string[] = error.instancePath.split('/').filter(Boolean);
  const missing = (error.params as { missingProperty?: string }).missingProperty;
  if (missing) path.push(missing);
  return columnOf(path);
}

/** The rule in the API's words (src/api/validation-rules.ts), naming the item for a list's member. */
function ruleOf(error: ErrorObject): string {
  const rule = validationRule(error);
  const item = error.instancePath.split('/').pop();
  return item && /^\d+$/.test(item) && !error.instancePath.includes('authorizedRepresentatives')
    ? `item ${Number(item) + 1}: ${rule}`
    : rule;
}

/** Problems with the header itself: columns the importer does not know (a typo would silently drop data). */
function headerProblems(header: string[]): RowProblem[] {
  const known = new Set(COLUMNS.map((c) => c.name));
  const problems: RowProblem[] = header
    .filter((name) => !known.has(name))
    .map((name) => ({
      line: 1,
      column: name,
      rule: `is not a known column (docs/bulk-import.md lists them)`,
    }));
  if (!header.includes('customerId')) problems.push({ line: 1, column: 'customerId', rule: 'is required' });
  return problems;
}

interface ParsedRecord {
  record: Record<string, string>;
  info: { lines: number };
}

/** A problem the row checks (./row-checks.ts) found at a request path, at the column holding it. */ const atColumn =

    (line: number) =>
    (failure: RowFailure): RowProblem => ({
      line,
      column: columnOf(failure.path),
      rule: failure.rule,
    });

/** Parses and checks a whole file; rows are returned only when there is not a single problem. */
export function parseCustomers(text: string): ParsedCustomers {
  let header: string[] = [];
  let records: ParsedRecord[];
  try {
    records = parse<ParsedRecord>(text, {
      bom: true,
      columns: (names: string[]) => (header = names.map((n) => n.trim())),
      skip_empty_lines: true,
      info: true,
    });
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    return {
      rows: [],
      read: [],
      problems: [{ line, column: 'row', rule: (error as Error).message }],
      warnings: [],
    };
  }
  const problems = headerProblems(header);
  if (problems.length) return { rows: [], read: [], problems, warnings: [] };

  const read: CustomerRow[] = [];
  const rows: CustomerRow[] = [];
  const warnings: RowWarning[] = [];
  const firstLineOf = new Map<string, number>();
  const firstLineOfNumber = new Map<string, number>();
  for (const { record, info } of records) {
    const line = info.lines;
    const request = requestFromRecord(record);
    read.push({ line, request });
    const rowProblems: RowProblem[] = [];
    // Checked on every row, valid or not: two rows for one customer is a mistake either way.
    const earlier = request.customerId ? firstLineOf.get(request.customerId) : undefined;
    if (earlier !== undefined) {
      rowProblems.push({
        line,
        column: 'customerId',
        rule: `repeats line ${earlier} (one onboarding per customer)`,
      });
    } else if (request.customerId) {
      firstLineOf.set(request.customerId, line);
    }
    rowProblems.push(...sharedNumberFailures(request, line, firstLineOfNumber).map(atColumn(line)));
    const validateRequest = validatorOf(request);
    const valid = validateRequest(request);
    const schemaProblems = (validateRequest.errors ?? []).map((error) => ({
      line,
      column: columnOfError(error),
      rule: ruleOf(error),
    }));
    // A cell the schema already refuses is not judged again by the rules that read it.
    const refused = new Set(schemaProblems.map((p) => p.column));
    rowProblems.push(
      ...schemaProblems,
      ...serviceCheckFailures(request)
        .map(atColumn(line))
        .filter((p) => !refused.has(p.column)),
    );
    problems.push(...rowProblems);
    if (!valid) continue;
    // Said where the workflow says them: before it submits a profile it made.
    if (request.customerProfileSid === undefined) {
      for (const warning of preSubmitWarnings(request)) warnings.push({ line, warning });
    }
    if (!rowProblems.length) rows.push({ line, request });
  }
  if (!rows.length && !problems.length)
    problems.push({ line: 1, column: 'row', rule: 'the file has no customers' });
  return problems.length ? { rows: [], read, problems, warnings } : { rows, read, problems, warnings };
}
