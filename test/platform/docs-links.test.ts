/**
 * The docs point at each other: every relative Markdown link in README.md and docs/*.md must reach a
 * file that exists, and its `#anchor` a heading of that file (GitHub's slug of it). Plain-text
 * references of the form `docs/x.md#anchor` or `README.md#anchor` (in code comments, in
 * .env.example) are held to the same rule, from the repository's root. Sections move; the links that
 * named them must move with them.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const markdownFiles = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** The text outside fenced code blocks, line by line (a fence's own lines included as blanks). */
function proseLines(text: string): string[] {
  let fence: string | undefined;
  return text.split('\n').map((line) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      return '';
    }
    if (marker) {
      fence = marker;
      return '';
    }
    return line;
  });
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function githubSlug(heading: string): string {
  return heading
    .trim()
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

const anchorCache = new Map<string, Set<string>>();
/** The anchors of a Markdown file's headings, with GitHub's -1, -2… for repeated ones. */
function anchorsOf(file: string): Set<string> {
  const cached = anchorCache.get(file);
  if (cached) return cached;
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of proseLines(readFileSync(file, 'utf8'))) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const slug = githubSlug(heading);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count ? `${slug}-${count}` : slug);
  }
  anchorCache.set(file, anchors);
  return anchors;
}

/** Why a target (path and anchor, relative to `from`'s directory) does not resolve, or undefined. */
function brokenTarget(from: string, target: string, base = dirname(from)): string | undefined {
  const [pathPart = '', anchor] = target.split('#', 2) as [string, string | undefined];
  const file = pathPart ? resolve(base, decodeURIComponent(pathPart)) : from;
  if (!existsSync(file)) return `${relative(root, file)} does not exist`;
  if (anchor === undefined || !file.endsWith('.md')) return undefined;
  if (!anchorsOf(file).has(decodeURIComponent(anchor).toLowerCase()))
    return `${relative(root, file)} has no heading #${anchor}`;
  return undefined;
}

test('every relative Markdown link in README.md and docs/*.md reaches a file and a heading', () => {
  const problems: string[] = [];
  for (const name of markdownFiles) {
    const file = join(root, name);
    proseLines(readFileSync(file, 'utf8')).forEach((line, index) => {
      // Inline code spans hold examples, not links.
      const prose = line.replace(/`[^`]*`/g, '');
      for (const match of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
        const target = match[1]!;
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: and the like
        const why = brokenTarget(file, target);
        if (why) problems.push(`${name}:${index + 1}: (${target}): ${why}`);
      }
    });
  }
  assert.deepEqual(problems, []);
});

test('every README.md#… or docs/….md#… named in plain text, and in .env.example, resolves', () => {
  const problems: string[] = [];
  for (const name of [...markdownFiles, '.env.example']) {
    readFileSync(join(root, name), 'utf8')
      .split('\n')
      .forEach((line, index) => {
        for (const match of line.matchAll(/(?<![\w/.-])((?:README|docs\/[\w-]+)\.md)(#[\w-]+)?/g)) {
          const why = brokenTarget(join(root, name), `${match[1]!}${match[2] ?? ''}`, root);
          if (why) problems.push(`${name}:${index + 1}: ${match[0]}: ${why}`);
        }
      });
  }
  assert.deepEqual(problems, []);
});

test('every section named in words (the README\'s "X" section, (docs/x.md, "X")) is a heading there', () => {
  const problems: string[] = [];
  const headings = (file: string) =>
    new Set(
      proseLines(readFileSync(join(root, file), 'utf8'))
        .map((line) => /^ {0,3}#{1,6}\s+(.*?)\s*$/.exec(line)?.[1]?.toLowerCase())
        .filter((heading) => heading !== undefined),
    );
  for (const name of [...markdownFiles, '.env.example']) {
    // Comments wrap: a reference may span two lines of .env.example.
    const text = readFileSync(join(root, name), 'utf8').replace(/\n#\s*/g, ' ');
    const references = /((?:README|docs\/[\w-]+\.md))(?:'s|,)\s+"([^"]+)"/g;
    for (const match of text.matchAll(references)) {
      const file = match[1] === 'README' ? 'README.md' : match[1]!;
      if (!existsSync(join(root, file))) problems.push(`${name}: ${match[0]}: ${file} does not exist`);
      else if (!headings(file).has(match[2]!.toLowerCase()))
        problems.push(`${name}: ${match[0]}: ${file} has no heading "${match[2]}"`);
    }
  }
  assert.deepEqual(problems, []);
});

test("GitHub's slugs, as the links above rely on them", () => {
  assert.equal(githubSlug("Twilio's callbacks"), 'twilios-callbacks');
  assert.equal(
    githubSlug('The production topology without Docker: `npm run start:cluster`'),
    'the-production-topology-without-docker-npm-run-startcluster',
  );
  assert.equal(
    githubSlug('New workflow code: `patched()`, not worker versioning'),
    'new-workflow-code-patched-not-worker-versioning',
  );
  assert.equal(
    githubSlug('Calls that get answered: Voice Integrity, CNAM and what Twilio actually signs'),
    'calls-that-get-answered-voice-integrity-cnam-and-what-twilio-actually-signs',
  );
});
