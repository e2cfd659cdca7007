/**
 * npm run chaos: every scenario of test/support/chaos.ts, then all of them at once, each with
 * --onboardings customers (default 30), each bounded by --timeout-seconds (default 600). Prints one
 * table; exits 1 when a scenario does not pass.
 */
import { parseArgs } from 'node:util';
import {
  EVERYTHING,
  SCENARIOS,
  chaosTable,
  runScenario,
  type ScenarioResult,
} from '../test/support/chaos.js';

const { values } = parseArgs({
  options: {
    onboardings: { type: 'string', default: '30' },
    vetting: { type: 'string', default: '3s' },
    only: { type: 'string' },
    'timeout-seconds': { type: 'string', default: '600' },
  },
});
const onboardings = Number(values.onboardings);
if (!Number.isInteger(onboardings) || onboardings < 1)
  throw new Error('--onboardings must be a positive whole number');

const all = [...SCENARIOS, EVERYTHING].filter((s) => !values.only || s.name.includes(values.only));
const results: ScenarioResult[] = [];
for (const scenario of all) {
  process.stderr.write(`chaos: ${scenario.name}…\n`);
  results.push(await runScenario(scenario, { onboardings, vetting: values.vetting }));
}
console.log(chaosTable(results));
process.exitCode = results.every((r) => r.pass) ? 0 : 1;
