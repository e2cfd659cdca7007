/**
 * `trusthub-onboarding`: the service from a terminal, for an ISV with a customer list rather than one
 * customer at a time. It is a client of the public API (API_URL, API_TOKEN), nothing more, so it works
 * the same against `npm start`, the Docker deployment or a production service.
 *
 * Exit codes: 0 everything was accepted; 1 some rows or customers were not, or would need action
 * (`import --dry-run`; each one is reported);
 * 2 the command could not run (a bad flag, an unreadable file, an API it cannot reach or that refuses
 * the token, a token it will not send over plain http: ./api-url.ts).
 *
 * The token is read from API_TOKEN and nowhere else: a `--token` flag would put it in the shell's
 * history and in every `ps` listing on the machine.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { ApiBusy, ApiClient, ApiUnavailable } from './api-client.js';
import { tokenUrlProblem } from './api-url.js';
import { importCustomers, UsageError } from './import.js';
import { report } from './report.js';
import { showStatus } from './status.js';

const DEFAULT_API_URL = 'http://127.0.0.1:3000';

function positiveInteger(max: number) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max)
      throw new InvalidArgumentError(`must be a whole number from 1 to ${max}.`);
    return n;
  };
}

function apiUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value;
  } catch {
    // reported below
  }
  throw new InvalidArgumentError('must be an http(s) URL, e.g. http://127.0.0.1:3000.');
}

const print = (text: string) => process.stdout.write(`${text}\n`);

function program(): Command {
  const cli = new Command('trusthub-onboarding')
    .description("Bulk SHAKEN/STIR onboarding of an ISV's customers through the trusthub-onboarding API.")
    .addOption(
      new Option('--api-url <url>', 'the API').env('API_URL').default(DEFAULT_API_URL).argParser(apiUrl),
    )
    .addHelpText(
      'after',
      '\nThe API token is read from the API_TOKEN environment variable (there is no flag).',
    )
    .showHelpAfterError()
    .exitOverride();
  const client = () => {
    const { apiUrl: url } = cli.opts<{ apiUrl: string }>();
    const token = process.env.API_TOKEN || undefined;
    const problem = tokenUrlProblem(url, token);
    if (problem) throw new UsageError(problem);
    return new ApiClient(url, token);
  };
  const concurrency = () =>
    new Option('--concurrency <n>', 'requests in flight at once').default(16).argParser(positiveInteger(64));

  cli
    .command('import')
    .description('Check every row of a customer CSV (docs/bulk-import.md), then start their onboardings.')
    .argument('<file>', 'the customer CSV')
    .option('--dry-run', 'check the file and stop; start nothing', false)
    .addOption(concurrency())
    .option('--no-progress', 'no live progress bar (the summary is still printed)')
    .action(async (file: string, options: { dryRun: boolean; concurrency: number; progress: boolean }) => {
      process.exitCode = await importCustomers(
        client(),
        file,
        { ...options, progress: options.progress && Boolean(process.stderr.isTTY) },
        print,
      );
    });

  cli
    .command('status')
    .description(
      'How many customers are at each status and step (every onboarding, paged through); with a filter, also which customers, each with its problem.',
    )
    .option('--status <status>', 'only this status: running, action-required, completed, failed, cancelled')
    .option('--step <step>', 'only this step, e.g. waiting-for-corrections')
    .option('--waiting-longer-than <age>', 'only those waiting longer than this, e.g. 3d or 12h')
    .addOption(
      new Option('--limit <n>', 'name at most this many customers (newest first)')
        .default(20)
        .argParser(positiveInteger(10_000)),
    )
    .option('--json', 'one JSON document on stdout (counts, customers with problems, how many more)', false)
    .addOption(concurrency())
    .action(
      async ({
        limit,
        json,
        concurrency,
        ...filters
      }: {
        status?: string;
        step?: string;
        waitingLongerThan?: string;
        limit: number;
        json: boolean;
        concurrency: number;
      }) => {
        process.exitCode = await showStatus(client(), filters, { limit, json, concurrency }, print);
      },
    );

  cli
    .command('report')
    .description(
      'One row per phone number: customer, attestation today and what blocks A, its state in each product, and the attestation Twilio observed.',
    )
    .option('--csv', 'CSV on stdout (for a spreadsheet) instead of a table', false)
    .addOption(concurrency())
    .action(async (options: { csv: boolean; concurrency: number }) => {
      process.exitCode = await report(client(), options, print);
    });
  return cli;
}

async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (error) {
    const exitCode = (error as { exitCode?: number }).exitCode;
    const code = (error as { code?: string }).code;
    // Commander has already printed its message (and the help) for a bad flag or argument.
    if (code?.startsWith('commander.')) return exitCode === 0 ? 0 : 2;
    if (error instanceof UsageError || error instanceof ApiUnavailable || error instanceof ApiBusy) {
      process.stderr.write(`trusthub-onboarding: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
