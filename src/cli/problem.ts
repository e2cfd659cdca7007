/**
 * An onboarding's problem as the CLI prints it, the same in `status` and `report`: what is wrong (the
 * kind, Twilio's codes and the message), each field Twilio or the pre-check named, and, from APIs
 * that give them, the request paths to change, the remedy and the request that applies it. The text
 * comes from the view (GET /v1/onboardings/:id) unchanged: the CLI adds no diagnosis of its own, so it
 * never says more, or other, than the API.
 */
import type { ProblemView } from './api-client.js';

/** Kind then codes, e.g. `rejection 18601`: the problem in a word or two. */
export function problemBrief(problem: ProblemView): string {
  return [problem.kind, ...problem.codes.map((c) => String(c.code))].join(' ');
}

/** Each code's meaning, each failed field, and each request path to change, one line apiece. */
function detailLines(problem: ProblemView): string[] {
  return [
    ...problem.codes.map((c) => `${c.code}: ${c.meaning}`),
    ...problem.failures.map((f) => {
      const where = [f.objectType, f.field].filter(Boolean).join(' ');
      return `${where || f.requirement}: ${f.reason}`;
    }),
    ...(problem.fields ?? []).map((f) => `change ${f.pointer}${f.twilio ? ` (Twilio: ${f.twilio})` : ''}`),
    ...(problem.outage ? [outageLine(problem.outage)] : []),
  ];
}

/** A failing Twilio call: since when, how often, the last answer, and the next try. */
function outageLine(outage: NonNullable<ProblemView['outage']>): string {
  const next = outage.nextAttemptAt ? `next try ${outage.nextAttemptAt}` : 'an attempt is under way';
  return `${outage.operation} failing since ${outage.since}, ${outage.attempts} attempt(s), last: ${outage.lastError.message}; ${next}`;
}

const fixOf = (problem: ProblemView) => (problem.fix ? `${problem.fix.method} ${problem.fix.path}` : '');

/** The problem as an indented block under a customer's line in a terminal. */
export function problemLines(problem: ProblemView | null | undefined): string[] {
  if (!problem) return ['  problem: none'];
  const bundle = problem.product ?? problem.bundle;
  return [
    `  problem: ${problemBrief(problem)}${bundle ? ` (${bundle})` : ''}: ${problem.message}`,
    ...detailLines(problem).map((line) => `    ${line}`),
    ...(problem.remedy ? [`  remedy: ${problem.remedy}`] : []),
    ...(problem.fix ? [`  fix: ${fixOf(problem)}`] : []),
  ];
}

export const PROBLEM_COLUMNS = ['problem', 'problemDetail', 'remedy', 'fix'];

/** The problem as cells under PROBLEM_COLUMNS, all empty when there is none. */
export function problemCells(problem: ProblemView | null | undefined): string[] {
  if (!problem) return PROBLEM_COLUMNS.map(() => '');
  return [
    `${problemBrief(problem)}: ${problem.message}`,
    detailLines(problem).join('; '),
    problem.remedy ?? '',
    fixOf(problem),
  ];
}
