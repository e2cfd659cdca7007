/**
 * `npm run build`'s last step: `node dist/build-workflow-bundle.js` writes the workflow bundle of the code
 * just compiled to dist/workflow-bundle.js, where the compiled worker loads it
 * (src/temporal/workflow-bundle.ts). It runs from dist/, not from the sources, so that the bundle is
 * made of the very JavaScript the image ships, the failure converter included (.js paths throughout).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleOnboardingWorkflows, PREBUILT_BUNDLE_FILE } from './temporal/workflow-bundle.js';

const target = join(dirname(fileURLToPath(import.meta.url)), PREBUILT_BUNDLE_FILE);
const { code } = await bundleOnboardingWorkflows();
writeFileSync(target, code);
process.stdout.write(`wrote ${target} (${(code.length / 1024).toFixed(0)} KiB)\n`);
