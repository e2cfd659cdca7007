/**
 * The README's walk-through, run as written: its marked shell blocks (`<!-- walkthrough -->` above a
 * ```sh block), in order, in one bash, against one `npm start` on the ports the service got (PORT and
 * SANDBOX_PORT, which the README's curl lines read). Each block's output must be the `text` block the
 * README shows right after it; a block marked `<!-- walkthrough: again until it prints this -->` is run
 * again, as a reader would, until it does. So a changed example number, a curl line that no longer
 * works or an answer that changed shape fails here, not in a new user's first hour.
 *
 * Besides what the blocks print: no onboarding turns action-required unless the README shows it
 * turning action-required, and at the end every onboarding the walk-through started is completed.
 * The sandbox's default review delays (5 s) are the reader's; the whole walk-through takes about a
 * minute after the start.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { fencedBlocks } from '../support/markdown.js';
import { startService, type RunningService } from '../support/npm-start.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
/** How long a reader is expected to keep running an "again until" block. */
const AGAIN_FOR_MS = 90_000;

interface Step {
  line: number;
  script: string;
  again: boolean;
  /** What the README shows the block printing; undefined when it shows nothing. */
  expected: string | undefined;
}

function walkthroughSteps(markdown: string): Step[] {
  const blocks = fencedBlocks(markdown);
  const steps: Step[] = [];
  for (const [i, block] of blocks.entries()) {
    if (!block.marker?.startsWith('walkthrough')) continue;
    assert.match(
      block.marker,
      /^walkthrough(: again until it prints this)?$/,
      `README.md:${block.line}: unknown walk-through marker`,
    );
    assert.equal(block.info, 'sh', `README.md:${block.line}: a walk-through block is a sh block`);
    const next = blocks[i + 1];
    const shown = next?.followsBlock && next.info === 'text' && !next.marker ? next.body : undefined;
    const again = block.marker.endsWith('again until it prints this');
    assert.ok(
      !again || shown,
      `README.md:${block.line}: "again until it prints this" needs the text block it prints`,
    );
    steps.push({ line: block.line, script: block.body, again, expected: shown?.trimEnd() });
  }
  return steps;
}

/** Trailing spaces and the final newline are not what a reader compares. */
const normalize = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trim();

/** One bash for the whole walk-through, so what a block defines (a function, $TP) is there for the next. */
class Shell {
  private readonly child: ChildProcessWithoutNullStreams;
  private stdout = '';
  private stderr = '';

  constructor(env: Record<string, string>) {
    this.child = spawn('bash', ['--noprofile', '--norc'], { cwd: repoRoot, env: { ...process.env, ...env } });
    this.child.stdout.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  /** Runs `script` and resolves with what it printed, once bash has run all of it. */
  async run(script: string): Promise<{ stdout: string; stderr: string }> {
    const done = `__walkthrough_${randomUUID()}__`;
    this.stdout = '';
    this.stderr = '';
    this.child.stdin.write(`${script}\necho; echo ${done}\n`);
    while (!this.stdout.includes(done)) {
      if (this.child.exitCode !== null)
        throw new Error(`bash exited (${this.child.exitCode}):\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return { stdout: this.stdout.slice(0, this.stdout.indexOf(done)), stderr: this.stderr };
  }

  close(): void {
    this.child.stdin.end();
    this.child.kill();
  }
}

const steps = walkthroughSteps(readme);

test('the README has a walk-through that starts every example and shows the answers a reader needs', () => {
  const scripts = steps.map((s) => s.script).join('\n');
  for (const file of readdirSync(join(repoRoot, 'examples')).filter((f) => f.endsWith('.json'))) {
    assert.ok(scripts.includes(`@examples/${file}`), `the walk-through sends examples/${file}`);
  }
  const shown = steps.map((s) => s.expected ?? '').join('\n');
  assert.match(shown, /"status":"completed"/, 'a customer reaches completed');
  assert.match(shown, /^200\n409$/m, 'the repeat POST is 200, a different body 409');
  assert.match(shown, /"status":"action-required"/, 'the rejected example is shown turning action-required');
  assert.ok(steps.filter((s) => s.again).length >= 3, 'the waits are blocks a reader runs again');
});

describe('the README walk-through, run as written on one npm start', { timeout: 300_000 }, () => {
  let service: RunningService;
  let shell: Shell;

  before(async () => {
    service = await startService();
    shell = new Shell({ PORT: String(service.ports.api), SANDBOX_PORT: String(service.ports.sandbox) });
  });

  after(async () => {
    shell?.close();
    await service?.stop();
  });

  async function onboardingIds(status?: string): Promise<string[]> {
    const query = status ? `?status=${status}&limit=100` : '?limit=100';
    const page = (await (await fetch(`${service.apiUrl}/v1/onboardings${query}`)).json()) as {
      onboardings: { id: string }[];
    };
    return page.onboardings.map((o) => o.id);
  }

  /** The onboardings whose action-required the README shows: named in a block that prints it. */
  const announced = new Set(
    steps
      .filter((s) => s.expected?.includes('"action-required"'))
      .flatMap((s) => [...s.script.matchAll(/onboarding-[a-z0-9-]+/g)].map((m) => m[0])),
  );

  test('each block prints what the README shows, with no action-required it does not announce', async () => {
    assert.ok(steps.length > 0);
    for (const step of steps) {
      const where = `README.md:${step.line}`;
      const deadline = Date.now() + (step.again ? AGAIN_FOR_MS : 0);
      for (;;) {
        const { stdout, stderr } = await shell.run(step.script);
        // Checked at each run, so that a customer stuck where the README expects completed fails at once.
        for (const id of await onboardingIds('action-required')) {
          assert.ok(
            announced.has(id),
            `${id} turned action-required at ${where}, and the README does not say so`,
          );
        }
        if (step.expected === undefined || normalize(stdout) === step.expected) break;
        if (Date.now() > deadline) {
          assert.equal(
            normalize(stdout),
            step.expected,
            `${where} printed something else${step.again ? ` for ${AGAIN_FOR_MS / 1000} s` : ''}` +
              `\n--- its stderr:\n${stderr}\n--- npm start's last output:\n${service.output().slice(-2_000)}`,
          );
        }
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }

    const started = await onboardingIds();
    assert.ok(started.length >= 3, `the walk-through started its customers: ${started.join(', ')}`);
    for (const id of started) {
      const view = (await (await fetch(`${service.apiUrl}/v1/onboardings/${id}`)).json()) as {
        status: string;
      };
      assert.equal(view.status, 'completed', `${id} ends completed`);
    }
  });
});
