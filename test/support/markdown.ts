/**
 * The fenced code blocks of a Markdown file, with what sits just above each: the README marks the
 * blocks of its walk-through with an HTML comment (`<!-- walkthrough -->`), which GitHub does not
 * render, and shows what a block prints in the `text` block right after it. Fences are CommonMark's
 * (three or more backticks or tildes, closed by a run at least as long); nothing else of Markdown
 * matters here.
 */

export interface FencedBlock {
  /** The info string after the opening fence (`sh`, `text`, or empty). */
  info: string;
  /** The lines between the fences, with a final newline. */
  body: string;
  /** The opening fence's line, 1-based. */
  line: number;
  /** The HTML comment on the last non-blank line above the fence, without `<!--`/`-->`, if any. */
  marker: string | undefined;
  /** Whether only blank lines separate this block from the previous one. */
  followsBlock: boolean;
}

export function fencedBlocks(markdown: string): FencedBlock[] {
  const lines = markdown.split('\n');
  const blocks: FencedBlock[] = [];
  let open: { fence: string; info: string; line: number; body: string[]; above: string[] } | undefined;
  let between: string[] = [];
  for (const [i, line] of lines.entries()) {
    const fence = /^ {0,3}(`{3,}|~{3,})\s*([^`]*)$/.exec(line);
    if (open) {
      if (fence && fence[1]![0] === open.fence[0] && fence[1]!.length >= open.fence.length && !fence[2]) {
        const lastAbove = open.above
          .filter((l) => l.trim() !== '')
          .at(-1)
          ?.trim();
        const marker = lastAbove && /^<!--\s*(.*?)\s*-->$/.exec(lastAbove)?.[1];
        blocks.push({
          info: open.info,
          body: open.body.map((l) => `${l}\n`).join(''),
          line: open.line,
          marker: marker || undefined,
          followsBlock: blocks.length > 0 && open.above.every((l) => l.trim() === ''),
        });
        open = undefined;
        between = [];
      } else {
        open.body.push(line);
      }
    } else if (fence) {
      open = { fence: fence[1]!, info: fence[2]!.trim(), line: i + 1, body: [], above: between };
    } else {
      between.push(line);
    }
  }
  return blocks;
}
