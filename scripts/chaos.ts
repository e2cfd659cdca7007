/**
 * npm run chaos: every scenario of test/support/chaos.ts, then all of them at once, then one worker
 * kill while every activity is mid-call (how soon its calls run again elsewhere), each with
 * --onboardings customers (default 30), each bounded by --timeout-seconds (default 600). Prints one
 * table; exits 1 when a scenario does not pass.
 */
import { parseArgs } from 'node:util';
import {
  EVERYTHING,
  KILLED_MID_CALL,
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
if (!(Number(values['timeout-seconds']) > 0))
  throw new Error('--timeout-seconds must be a positive number of seconds');

const scenarios = [...SCENARIOS, EVERYTHING, KILLED_MID_CALL];
const all = scenarios.filter((s) => !values.only || s.name.includes(values.only));
if (all.length === 0) {
  const names = scenarios.map((s) => `  ${s.name}`).join('\n');
  throw new Error(`--only ${values.only}: no scenario's name contains it. The scenarios:\n${names}`);
}
const results: ScenarioResult[] = [];
for (const scenario of all) {
  process.stderr.write(`chaos: ${scenario.name}…\n`);
  results.push(
    await runScenario(scenario, {
      onboardings,
      vetting: values.vetting,
      timeoutMs: Number(values['timeout-seconds']) * 1000,
    }),
  );
}
console.log(chaosTable(results));
process.exitCode = results.every((r) => r.pass) ? 0 : 1;
