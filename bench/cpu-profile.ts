/**
 * Where a worker's CPU goes: sums the self time of every sample in V8 CPU profiles (`node --cpu-prof`,
 * e.g. `WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench -- --phases throughput`)
 * by the part of the process that spent it, and prints one table. It asserts nothing.
 *
 *   npx tsx bench/cpu-profile.ts /tmp/prof [--onboardings 50]
 *
 * The parts are read from each sample's script URL: the service's own modules by folder (the codec,
 * the Trust Hub client, the activities), each dependency by package, the workflow bundle (the workflow
 * code and the SDK's workflow runtime, which run in the V8 isolate), Node's internals, and V8's own
 * (garbage collection, the compiler, idle). Self time only: a function's callees count for themselves.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { onboardings: { type: 'string' } },
});
const dir = positionals[0];
if (!dir) {
  process.stderr.write('usage: npx tsx bench/cpu-profile.ts <dir of .cpuprofile files> [--onboardings N]\n');
  process.exit(2);
}

/** The part of the process a frame belongs to, from its script URL and function name. */
export function partOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return 'V8: garbage collection';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'V8: compiler, runtime, native code';
    return `V8: ${functionName || 'other'}`;
  }
  if (url.startsWith('node:')) return 'Node internals';
  // The workflow bundle runs in a V8 context of its own, from a script the SDK names after the bundle.
  if (/workflow-bundle|webpack|\/workflows\/|__temporal_workflow/.test(url))
    return 'workflow bundle (in the isolate)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg.startsWith('@temporalio/') ? `${pkg} (SDK)` : pkg;
  const own = /\/(?:src|dist)\/([^/]+)\//.exec(url)?.[1];
  if (own) return `service: src/${own}`;
  return 'other scripts';
}

const files = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'));
const totals = new Map<string, number>();
let wallUs = 0;
for (const file of files) {
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  const part = new Map(
    profile.nodes.map((node) => [node.id, partOf(node.callFrame.url, node.callFrame.functionName)]),
  );
  profile.samples.forEach((id, i) => {
    const key = part.get(id) ?? 'other scripts';
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  wallUs += profile.endTime - profile.startTime;
}

const busy = [...totals].filter(([key]) => key !== 'idle').reduce((sum, [, us]) => sum + us, 0);
const onboardings = values.onboardings ? Number(values.onboardings) : undefined;
const rows = [...totals].sort((a, b) => b[1] - a[1]);
process.stdout.write(
  `${files.length} profile(s), ${(wallUs / 1e6).toFixed(1)} s of wall time, ${(busy / 1e6).toFixed(2)} s on CPU (idle left out)` +
    (onboardings ? `, ${(busy / 1e6 / onboardings).toFixed(3)} s per onboarding` : '') +
    '\n\n| part | CPU s | share of busy |' +
    (onboardings ? ' ms per onboarding |' : '') +
    '\n|---|---:|---:|' +
    (onboardings ? '---:|' : '') +
    '\n',
);
for (const [key, us] of rows) {
  if (key === 'idle') continue;
  process.stdout.write(
    `| ${key} | ${(us / 1e6).toFixed(2)} | ${((100 * us) / busy).toFixed(1)} % |` +
      (onboardings ? ` ${(us / 1e3 / onboardings).toFixed(1)} |` : '') +
      '\n',
  );
}
