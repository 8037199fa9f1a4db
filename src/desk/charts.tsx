/**
 * Bar charts drawn on the server as SVG: no script, and nothing for a screen reader to guess. Each
 * has a title and a description (role=img, aria-labelledby), a line that says its figures in words,
 * and the figures themselves as a table under a disclosure.
 */

export interface Bar {
  /** The bar's label on the axis and in the table (a day: "3 Dec"). */
  label: string;
  value: number;
  /** Drawn in the alarm colour (a day with errors). */
  bad?: boolean;
}

const WIDTH = 600;
const HEIGHT = 160;
const PAD_LEFT = 40;
const PAD_BOTTOM = 22;

export function BarChart(props: {
  id: string;
  title: string;
  /** What the chart shows, for those who cannot see it. */
  description: string;
  bars: readonly Bar[];
  /** How a value reads ("12 entries", "340 ms"). */
  format: (value: number) => string;
  /** The table's heading of the values. */
  valueHeading: string;
}) {
  const { bars } = props;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const plotW = WIDTH - PAD_LEFT;
  const plotH = HEIGHT - PAD_BOTTOM;
  const step = bars.length > 0 ? plotW / bars.length : plotW;
  const total = bars.reduce((n, b) => n + b.value, 0);
  const peak = bars.reduce<Bar | null>((p, b) => (p === null || b.value > p.value ? b : p), null);
  const summary =
    bars.length === 0
      ? 'No figures yet.'
      : `Highest ${props.format(peak!.value)} (${peak!.label}); ${bars.length} days shown.`;
  return (
    <div class="chart">
      <figure>
        <figcaption id={`${props.id}-title`}>{props.title}</figcaption>
        <svg
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          role="img"
          aria-labelledby={`${props.id}-title ${props.id}-desc`}
          preserveAspectRatio="none"
        >
          <desc id={`${props.id}-desc`}>
            {props.description} {summary}
          </desc>
          <line class="axis" x1={PAD_LEFT} y1={plotH} x2={WIDTH} y2={plotH} />
          <text x={PAD_LEFT - 4} y={10} text-anchor="end">
            {compact(max)}
          </text>
          <text x={PAD_LEFT - 4} y={plotH} text-anchor="end">
            0
          </text>
          {bars.map((b, i) => {
            const h = Math.round((b.value / max) * (plotH - 4));
            return (
              <rect
                class={b.bad ? 'bar bad' : 'bar'}
                x={(PAD_LEFT + i * step + step * 0.15).toFixed(1)}
                y={plotH - h}
                width={Math.max(1, step * 0.7).toFixed(1)}
                height={h}
              >
                <title>
                  {b.label}: {props.format(b.value)}
                </title>
              </rect>
            );
          })}
          {bars.length > 0 ? (
            <>
              <text x={PAD_LEFT} y={HEIGHT - 6}>
                {bars[0]!.label}
              </text>
              <text x={WIDTH} y={HEIGHT - 6} text-anchor="end">
                {bars[bars.length - 1]!.label}
              </text>
            </>
          ) : null}
        </svg>
      </figure>
      <p class="chart-summary">
        {summary} {total > 0 && props.valueHeading === 'Entries' ? `${total} in all.` : ''}
      </p>
      <details>
        <summary>The figures as a table</summary>
        <table class="desk-table">
          <caption class="visually-hidden">{props.title}</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col" class="num">
                {props.valueHeading}
              </th>
            </tr>
          </thead>
          <tbody>
            {bars.map((b) => (
              <tr>
                <th scope="row">{b.label}</th>
                <td class="num">{props.format(b.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}

/** An axis figure in a few characters: 950, 1.2k, 34k. */
function compact(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 10_000) return `${(n / 1000).toFixed(1)}k`;
  return `${Math.round(n / 1000)}k`;
}

/** The last `days` UTC days up to `now`, oldest first, each with its label and its value (0 when absent). */
export function dailySeries<T extends { day: Date }>(
  days: number,
  now: Date,
  rows: readonly T[],
  value: (row: T) => number,
  bad?: (row: T) => boolean,
): Bar[] {
  const byDay = new Map(rows.map((r) => [Math.floor(r.day.getTime() / 86_400_000), r]));
  const today = Math.floor(now.getTime() / 86_400_000);
  const out: Bar[] = [];
  for (let d = today - days + 1; d <= today; d++) {
    const row = byDay.get(d);
    const label = new Date(d * 86_400_000).toLocaleDateString('en-GB', {
      day: 'numeric',
      month: 'short',
      timeZone: 'UTC',
    });
    out.push({ label, value: row ? value(row) : 0, bad: row && bad ? bad(row) : false });
  }
  return out;
}
