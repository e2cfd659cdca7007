/**
 * The onboarding workflows as one bundle for the worker and the replayer. The failure converter goes
 * into the bundle because workflow code, isolated from the worker's modules, encodes its own failures
 * (src/temporal/codec.ts).
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type Logger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { failureConverterPath } from './codec.js';

export const workflowsPath = fileURLToPath(
  new URL(`../workflows/index${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
);

export function bundleOnboardingWorkflows(logger?: Logger): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath, failureConverterPath, ...(logger ? { logger } : {}) });
}
