/**
 * `npx trusthub-sandbox` (bin/trusthub-sandbox.js; `npm run sandbox` in trusthub-onboarding): the
 * sandbox as a process. Prints — deliberately, once, on stdout — the base URL, the credentials, the
 * primary profile and the seeded numbers a developer needs to point the worker at it; logs go through
 * pino as everywhere else.
 */
import { ConfigError, loadSandboxConfig } from './config.js';
import { createLogger } from './logger.js';
import { buildSandbox } from './app.js';
import { sandboxOptionsFromConfig } from './options.js';

async function main(): Promise<void> {
  const config = loadSandboxConfig();
  const logger = createLogger({ name: 'sandbox', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const sandbox = await buildSandbox({ ...sandboxOptionsFromConfig(config), logger });
  const baseUrl = await sandbox.listen(config.SANDBOX_PORT, config.SANDBOX_HOST);
  const info = sandbox.info();
  const lines = [
    `Trust Hub sandbox listening on ${baseUrl}`,
    '',
    `  TWILIO_BASE_URL=${baseUrl}`,
    `  TWILIO_ACCOUNT_SID=${info.accountSid}`,
    `  TWILIO_AUTH_TOKEN=${info.authToken}`,
    `  TWILIO_API_KEY=${info.apiKeySid}`,
    `  TWILIO_API_SECRET=${info.apiKeySecret}`,
    `  TWILIO_PRIMARY_CUSTOMER_PROFILE_SID=${info.primaryCustomerProfileSid}`,
    '',
    '  Phone numbers:',
    ...info.phoneNumbers.map((n) => `    ${n.phoneNumber}  ${n.sid}`),
    '',
    `  Admin: ${baseUrl}/__sandbox/info, /__sandbox/state, /__sandbox/faults (see the trusthub-sandbox README)`,
    '',
  ];
  process.stdout.write(lines.join('\n'));

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'sandbox stopping');
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'sandbox did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `sandbox failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
