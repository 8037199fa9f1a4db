/** Times as the desk shows them: "4 min ago", "in 2 h", relative to now. */
export function ago(at: Date | null, now: Date): string {
  if (!at) return 'never';
  const ms = now.getTime() - at.getTime();
  const words = span(Math.abs(ms));
  return ms >= 0 ? `${words} ago` : `in ${words}`;
}

/** A duration in the largest unit that keeps it short: "45 s", "12 min", "3 h", "5 days". */
export function span(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.round(min / 60);
  if (h < 48) return `${h} h`;
  return `${Math.round(h / 24)} days`;
}

/** Milliseconds as the desk shows a fetch: "850 ms", "2.4 s". */
export function duration(ms: number | null): string {
  if (ms === null) return '–';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
