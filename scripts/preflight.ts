/**
 * `npm test`'s first step: a Node new enough, and the programs the suites need beyond Node and npm,
 * checked before anything runs. Without this, a fresh machine fails minutes in, deep inside a suite
 * (test/cluster's initdb, the Web UI test's Chromium). With it, `npm test` stops at once, names what is
 * missing and prints the commands that install it: the same packages `.ci/run` installs
 * (test/platform/preflight.test.ts holds the two lists together), and `.nvmrc`'s Node release from the
 * npm registry, as `.ci/run` gets it (`.ci/node`).
 *
 * The decision (`preflight`) takes its probes as arguments, so it is unit-tested with fake ones; `main`
 * probes the real machine.
 */
import { readFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isExecutable } from './toolchain.js';

/**
 * `.nvmrc`: the exact Node release `.ci/node` installs where the machine's is older. Its major is the
 * oldest Node this project runs on (`engines`, the Dockerfile's image).
 */
export const NODE_RELEASE = readFileSync(new URL('../.nvmrc', import.meta.url), 'utf8').trim();
export const NODE_MAJOR = Number(NODE_RELEASE.split('.')[0]);

/** The command that puts `.nvmrc`'s Node first on PATH, installing it first if need be. */
export const NODE_FIX = 'export PATH="$(.ci/node):$PATH"';

/** What `preflight` may ask of the machine. */
export interface Probes {
  /** The running Node's version (`process.versions.node`). */
  nodeVersion: string;
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
  /** The running Node's version, when it is older than NODE_MAJOR. */
  oldNode: string | undefined;
  missing: Requirement[];
  /** The commands, one a line, that install everything missing; undefined when nothing is. */
  fix: string | undefined;
}

export function preflight(probes: Probes, requirements: readonly Requirement[] = REQUIREMENTS): Verdict {
  const oldNode = Number(probes.nodeVersion.split('.')[0]) < NODE_MAJOR ? probes.nodeVersion : undefined;
  const missing = requirements.filter((r) => !r.present(probes));
  const fixes = oldNode ? [NODE_FIX] : [];
  if (missing.length > 0) {
    const packages = missing.map((r) => r.aptPackage).join(' ');
    const sudo = probes.root ? '' : 'sudo ';
    // A fresh image has no package lists: install alone would find nothing.
    fixes.push(
      onPath(probes, 'apt-get')
        ? `${sudo}apt-get update && ${sudo}apt-get install -y ${packages}`
        : `install ${missing.map((r) => r.name).join(', ')} with this system's package manager (Debian: ${packages})`,
    );
  }
  return { oldNode, missing, fix: fixes.length > 0 ? fixes.join('\n') : undefined };
}

/** What `npm test` prints when something is missing. */
export function explain(verdict: Verdict): string {
  return [
    'npm test needs programs this machine does not have:',
    ...(verdict.oldNode
      ? [
          `  - Node ${NODE_MAJOR} or later: this is Node ${verdict.oldNode} (.ci/node installs Node ${NODE_RELEASE} from the npm registry into the cache and prints where)`,
        ]
      : []),
    ...verdict.missing.map((r) => `  - ${r.name}: ${r.neededBy}`),
    'Install them, then run npm test again:',
    ...(verdict.fix ?? '').split('\n').map((line) => `  ${line}`),
    '(.ci/run installs whatever is missing, then runs npm test.)',
    '',
  ].join('\n');
}

export function machineProbes(env: NodeJS.ProcessEnv = process.env): Probes {
  return {
    nodeVersion: process.versions.node,
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
