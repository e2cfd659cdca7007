/**
 * The module specifiers a source or compiled file imports (`from '…'`, `import '…'`, `import('…')`),
 * for the tests that hold a package to its own dependencies. `from` must be followed by whitespace, so
 * a word "from" in a string or a comment (`{"from": …}`, `'from'`) is not taken for an import.
 */
export function importSpecifiers(code: string): string[] {
  return [...code.matchAll(/(?:\bfrom\s+|^import\s*|\bimport\(\s*)['"]([^'"]+)['"]/gm)].map(
    (match) => match[1]!,
  );
}
