/**
 * `npm test`'s first step: the programs the suites need beyond Node and npm, checked before anything
 * runs. Without this, a fresh machine fails minutes in, deep inside a suite (test/cluster's initdb, the
 * Web UI test's Chromium). With it, `npm test` stops at once, names what is missing and prints the one
 * command that installs it: the same packages `.ci/run` installs (test/platform/preflight.test.ts
 * holds the two lists together).
 *
 * The decision (`preflight`) takes its probes as arguments, so it is unit-tested with fake ones; `main`
 * probes the real machine.
 */
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isExecutable } from './toolchain.js';

/** What `preflight` may ask of the machine. */
export interface Probes {
  /** Whether an executable file is at `path`. */
  executable(path: string): boolean;
  /** The directories of PATH, in order. */
  path: string[];
  env: Record<string, string | undefined>;
  /** Whether this process runs as root (then no `sudo`). */
  root: boolean;
}

export interface Requirement {
  /** What a reader calls it. */
  name: string;
  /** Which part of `npm test` needs it. */
  neededBy: string;
  /** Debian's package (as `.ci/run` installs it). */
  aptPackage: string;
  present(probes: Probes): boolean;
}

/** PostgreSQL's server programs where Debian's postgresql-15 puts them, or a source build's default. */
export const POSTGRES_BIN_DIRS = ['/usr/lib/postgresql/15/bin', '/usr/local/bin'];

const onPath = (probes: Probes, command: string) =>
  probes.path.some((dir) => probes.executable(join(dir, command)));
const fromEnv = (probes: Probes, variable: string, ...rest: string[]) => {
  const value = probes.env[variable];
  return Boolean(value) && probes.executable(join(value!, ...rest));
};

export const REQUIREMENTS: readonly Requirement[] = [
  {
    name: 'Go',
    neededBy: 'scripts/toolchain.ts builds the Temporal CLI and server with it',
    aptPackage: 'golang-go',
    present: (p) => onPath(p, 'go'),
  },
  {
    name: 'Java 17+',
    neededBy: "the time-skipping test server (Temporal's Java test server)",
    aptPackage: 'openjdk-17-jre-headless',
    present: (p) => fromEnv(p, 'JAVA_HOME', 'bin', 'java') || onPath(p, 'java'),
  },
  {
    name: 'Maven',
    neededBy: 'fetches the time-skipping test server from Maven Central',
    aptPackage: 'maven',
    present: (p) => onPath(p, 'mvn'),
  },
  {
    name: "PostgreSQL 15's server programs",
    neededBy: `test/cluster runs initdb and postgres (looked for in ${POSTGRES_BIN_DIRS.join(', ')})`,
    aptPackage: 'postgresql-15',
    present: (p) =>
      POSTGRES_BIN_DIRS.some(
        (dir) => p.executable(join(dir, 'initdb')) && p.executable(join(dir, 'postgres')),
      ),
  },
  {
    name: 'Chromium',
    neededBy: 'test/privacy/web-ui.test.ts drives the Temporal Web UI in it',
    aptPackage: 'chromium',
    present: (p) => fromEnv(p, 'CHROMIUM_PATH') || onPath(p, 'chromium') || onPath(p, 'chromium-browser'),
  },
  {
    name: 'curl',
    neededBy: "test/platform/readme-walkthrough.test.ts runs the README's curl lines",
    aptPackage: 'curl',
    present: (p) => onPath(p, 'curl'),
  },
  {
    name: 'jq',
    neededBy: "test/platform/readme-walkthrough.test.ts runs the README's jq filters",
    aptPackage: 'jq',
    present: (p) => onPath(p, 'jq'),
  },
];

export interface Verdict {
  missing: Requirement[];
  /** The one command that installs everything missing; undefined when nothing is. */
  fix: string | undefined;
}

export function preflight(probes: Probes, requirements: readonly Requirement[] = REQUIREMENTS): Verdict {
  const missing = requirements.filter((r) => !r.present(probes));
  if (missing.length === 0) return { missing, fix: undefined };
  const packages = missing.map((r) => r.aptPackage).join(' ');
  const sudo = probes.root ? '' : 'sudo ';
  // A fresh image has no package lists: install alone would find nothing.
  const fix = onPath(probes, 'apt-get')
    ? `${sudo}apt-get update && ${sudo}apt-get install -y ${packages}`
    : `install ${missing.map((r) => r.name).join(', ')} with this system's package manager (Debian: ${packages})`;
  return { missing, fix };
}

/** What `npm test` prints when something is missing. */
export function explain(verdict: Verdict): string {
  return [
    'npm test needs programs this machine does not have:',
    ...verdict.missing.map((r) => `  - ${r.name}: ${r.neededBy}`),
    'Install them, then run npm test again:',
    `  ${verdict.fix}`,
    '(.ci/run installs whatever is missing, then runs npm test.)',
    '',
  ].join('\n');
}

export function machineProbes(env: NodeJS.ProcessEnv = process.env): Probes {
  return {
    executable: isExecutable,
    path: (env.PATH ?? '').split(delimiter).filter(Boolean),
    env,
    root: process.getuid?.() === 0,
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const verdict = preflight(machineProbes());
  if (verdict.fix) {
    process.stderr.write(explain(verdict));
    process.exit(1);
  }
}
