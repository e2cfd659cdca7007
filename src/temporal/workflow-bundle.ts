/**
 * The onboarding workflows as one bundle for the worker and the replayer. The failure converter goes
 * into the bundle because workflow code, isolated from the worker's modules, encodes its own failures
 * (src/temporal/codec.ts).
 *
 * Bundling takes seconds of CPU and a few hundred MB at every worker start, which is what a restarted
 * worker spends before it takes work again. The worker therefore keeps the bundle on disk, named by a
 * hash of every source file and the lock file, so any change to the code builds a new one and an
 * unchanged deploy reuses it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  bundleWorkflowCode,
  type Logger,
  type WorkflowBundleOption,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { failureConverterPath } from './codec.js';

const srcDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(srcDir, '..');

export const workflowsPath = join(srcDir, 'workflows', `index${extname(fileURLToPath(import.meta.url))}`);

export function bundleOnboardingWorkflows(logger?: Logger): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath, failureConverterPath, ...(logger ? { logger } : {}) });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : [join(dir, entry.name)]))
    .sort();
}

/** The hash the cached bundle is named by: every file under src/, and the installed dependencies. */
function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of [...sourceFiles(srcDir), join(repoRoot, 'package-lock.json')]) {
    if (!existsSync(file)) continue;
    hash.update(file.slice(repoRoot.length)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** The bundle for the worker: from the on-disk cache when the sources are unchanged, built otherwise. */
export async function workerWorkflowBundle(
  logger?: Logger,
  cacheDir = join(repoRoot, 'node_modules', '.cache', 'trusthub-onboarding'),
): Promise<WorkflowBundleOption> {
  const codePath = join(cacheDir, `workflow-bundle-${sourceHash()}.js`);
  if (existsSync(codePath)) return { codePath };
  const bundle = await bundleOnboardingWorkflows(logger);
  try {
    mkdirSync(cacheDir, { recursive: true });
    // Written aside and renamed: a worker starting meanwhile never reads half a bundle.
    const partial = `${codePath}.${process.pid}.tmp`;
    writeFileSync(partial, bundle.code);
    renameSync(partial, codePath);
  } catch {
    // A read-only install still runs, bundling at each start.
  }
  return bundle;
}
