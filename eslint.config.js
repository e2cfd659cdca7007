// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Workflow code is replayed deterministically inside Temporal's sandbox: it may not touch the
 * network, the file system, the clock of the host or anything else that differs between replays.
 * Everything that does belongs in an activity.
 */
const nonDeterministicModules = [
  ...builtinModules.flatMap((name) => [name, `node:${name}`, `${name}/*`, `node:${name}/*`]),
  '@temporalio/activity',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/testing',
  'twilio',
  'twilio/*',
  'fastify',
  'pino',
  'axios',
];

/**
 * The sandbox (packages/trusthub-sandbox) stands in for Twilio's servers. The service must work against
 * Twilio itself, so nothing in src/ may import the sandbox; npm start, the tests and the benchmarks use
 * it as a dependency, by its package name and its one public entry point only.
 */
const sandboxForService = {
  group: [
    'trusthub-sandbox',
    'trusthub-sandbox/*',
    '**/sandbox',
    '**/sandbox/*',
    '**/sandbox/**',
    '**/packages/**',
  ],
  message: 'The service talks to Twilio through the twilio SDK only; the sandbox is not part of it.',
};
const sandboxInternals = {
  group: ['trusthub-sandbox/*', '**/packages/trusthub-sandbox/src/**', '**/packages/trusthub-sandbox/src'],
  message: "Import the sandbox by its package name ('trusthub-sandbox'), not its internals.",
};
/** The package is published alone: its source may not reach out of itself into the service's. */
const outOfThePackage = {
  group: ['../*', 'trusthub-onboarding', 'trusthub-onboarding/*'],
  message: 'trusthub-sandbox is published alone: import only its own modules and its dependencies.',
};

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'coverage/**', 'dist/**', 'packages/*/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js', 'bin/*.js', 'packages/*/bin/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's describe/test return promises the runner itself tracks.
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'test', 'it', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Fastify plugins/handlers and Temporal activities are async by contract, awaited or not.
      '@typescript-eslint/require-await': 'off',
      'no-console': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [sandboxForService] }] },
  },
  {
    files: ['scripts/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'packages/*/test/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [sandboxInternals] }] },
  },
  {
    files: ['packages/trusthub-sandbox/src/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [outOfThePackage] }] },
  },
  {
    files: ['packages/trusthub-sandbox/src/*/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ ...outOfThePackage, group: ['../../*', ...outOfThePackage.group.slice(1)] }] },
      ],
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: nonDeterministicModules,
              message: 'Workflow code must stay deterministic: do I/O in an activity (src/activities).',
            },
            sandboxForService,
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        {
          name: 'process',
          message: 'Workflows cannot read the host process; pass values as workflow input.',
        },
        { name: 'Buffer', message: 'Node built-ins are not available in workflows.' },
        { name: 'require', message: 'Import modules statically.' },
        { name: 'fetch', message: 'Workflows cannot do I/O; call an activity.' },
      ],
    },
  },
  {
    // The contract is the floor every other part stands on, and the workflow bundle imports it: it
    // imports nothing else of src/ (no circle can reach it) and nothing a workflow may not import.
    files: ['src/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../*'], message: 'src/contract imports nothing else of src: the others import it.' },
            {
              group: nonDeterministicModules,
              message: 'The workflow bundle imports the contract: keep it deterministic.',
            },
            sandboxForService,
          ],
        },
      ],
    },
  },
  {
    // Steps (a bundle edit, a vetting, an add-on, a pre-check) are what the phases are made of: a step
    // that called up into a phase is how the corrections → products → vetting circle came about.
    files: ['src/workflows/onboarding/steps/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../phases/*'], message: 'Steps never import phases: the phases import the steps.' },
            {
              group: nonDeterministicModules,
              message: 'Workflow code must stay deterministic: do I/O in an activity (src/activities).',
            },
            sandboxForService,
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
