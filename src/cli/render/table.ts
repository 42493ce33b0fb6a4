/** Plain-text tables and numbers for the CLI's human output. */

export function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}

function width(s: string): number {
  return [...s].length;
}

function clip(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * Renders rows under a header with aligned columns. Cells longer than `maxWidth`
 * are clipped with an ellipsis. Columns listed in `right` are right-aligned.
 */
export function renderTable(header: string[], rows: string[][], options: { maxWidth?: number; right?: number[] } = {}): string {
  const max = options.maxWidth ?? 40;
  const right = new Set(options.right ?? []);
  const cells = [header, ...rows].map((r) => r.map((c) => clip(c, max)));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => width(r[i] ?? ''))));
  const line = (r: string[]): string =>
    r
      .map((c, i) => {
        const pad = ' '.repeat(widths[i]! - width(c));
        return right.has(i) ? pad + c : c + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(cells[0]!), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
