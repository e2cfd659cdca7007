/**
 * Bulk import figures (npm run bench:import): `trusthub-onboarding import` of a generated CSV of
 * BENCH_ROWS customers (1,000 by default, each with its own number) against `npm start`, timed from
 * the command's start to its exit, then the same file again (the re-run after an interruption, which
 * must start nothing). Prints the figures and the CLI's own summary; asserts nothing (machines are noisy).
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { startService } from '../test/support/npm-start.js';

const rows = Number(process.env.BENCH_ROWS ?? 1000);
const concurrency = process.env.BENCH_CONCURRENCY ?? '16';
const bin = fileURLToPath(new URL('../bin/trusthub-onboarding.js', import.meta.url));
const example = fileURLToPath(new URL('../examples/customers.csv', import.meta.url));

/** BENCH_ROWS copies of the example's first customer, each with its own id and one of the sandbox's numbers. */
function customerFile(dir: string): string {
  const [template] = parse<Record<string, string>>(readFileSync(example, 'utf8'), { columns: true });
  const records = Array.from({ length: rows }, (_, i) => ({
    ...template,
    customerId: `bench-${String(i).padStart(5, '0')}`,
    phoneNumbers: `+1415555${String(100 + i).padStart(4, '0')}`,
  }));
  const file = join(dir, 'customers.csv');
  writeFileSync(file, stringify(records, { header: true }));
  return file;
}

function runImport(apiUrl: string, file: string): Promise<{ seconds: number; code: number; output: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, 'import', file, '--concurrency', concurrency, '--no-progress'],
      { env: { ...process.env, API_URL: apiUrl } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ seconds: (performance.now() - started) / 1000, code, output: stdout + stderr });
      },
    );
  });
}

const service = await startService({ SANDBOX_PHONE_NUMBERS: String(rows) }, { readyTimeoutMs: 180_000 });
try {
  const file = customerFile(service.dataDir);
  const first = await runImport(service.apiUrl, file);
  console.log(first.output.trimEnd());
  const again = await runImport(service.apiUrl, file);
  console.log(again.output.trimEnd());
  console.log(
    `\nimport of ${rows} rows against npm start (concurrency ${concurrency}): ${first.seconds.toFixed(1)} s ` +
      `(exit ${first.code}); re-run of the same file: ${again.seconds.toFixed(1)} s (exit ${again.code})`,
  );
} finally {
  await service.stop();
}
