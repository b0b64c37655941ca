const W = 600;
const H = 110;

/** Clicks per second as bars (inline SVG, oldest left); the scale grows with the busiest second. */
export function Chart({ counts }: { counts: number[] }) {
  const max = Math.max(4, ...counts);
  const w = W / Math.max(counts.length, 1);
  return (
    <figure className="chart">
      <figcaption>
        <span>clicks per second · scale {max}/s</span>
      </figcaption>
      {/* Stretched to the page's width, so the labels live outside the SVG (they would stretch too). */}
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label="clicks per second, last minute">
        <line x1="0" x2={W} y1={H - 0.5} y2={H - 0.5} stroke="#c8ccd4" />
        {counts.map((n, i) => {
          const h = (n / max) * (H - 6);
          // biome-ignore lint/suspicious/noArrayIndexKey: a bar is its second, the index is its identity
          return <rect key={i} x={i * w + 1} y={H - h} width={w - 2} height={h} rx="2" fill="#3b5bdb" />;
        })}
      </svg>
      <div className="axis">
        <span>-{counts.length} s</span>
        <span>now</span>
      </div>
    </figure>
  );
}
