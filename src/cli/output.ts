/** Writes command output to stdout (logs go to stderr). */
export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** A plain-text table with columns padded to their widest cell. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(headers), ...rows.map(line)].join('\n');
}

/** "3 min ago", "in 2 h": times relative to now, for listings. */
export function relative(date: Date | null, now: Date = new Date()): string {
  if (!date) return '-';
  const diff = date.getTime() - now.getTime();
  const abs = Math.abs(diff);
  const unit =
    abs < 90_000
      ? `${Math.round(abs / 1000)} s`
      : abs < 5_400_000
        ? `${Math.round(abs / 60_000)} min`
        : abs < 172_800_000
          ? `${Math.round(abs / 3_600_000)} h`
          : `${Math.round(abs / 86_400_000)} d`;
  return diff >= 0 ? `in ${unit}` : `${unit} ago`;
}
