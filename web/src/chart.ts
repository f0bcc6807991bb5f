// Line charts with uPlot (a small, well-kept canvas library, ~50 kB). Long
// series are downsampled to at most MAX_POINTS so a day of history at any
// fleet size draws in one frame.

import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { h } from "./ui";

const MAX_POINTS = 1_500;
const COLOURS = ["#2f7d32", "#1565c0", "#ef6c00", "#6a1b9a", "#c62828", "#00838f"];

export interface Line {
  label: string;
  values: (number | null)[];
}

/** Averages consecutive points so at most `max` remain (x keeps each bucket's first). */
export function downsample(xs: number[], lines: Line[], max = MAX_POINTS): [number[], Line[]] {
  if (xs.length <= max) return [xs, lines];
  const step = Math.ceil(xs.length / max);
  const outX: number[] = [];
  const outLines = lines.map((l) => ({ label: l.label, values: [] as (number | null)[] }));
  for (let i = 0; i < xs.length; i += step) {
    outX.push(xs[i]);
    lines.forEach((l, j) => {
      const chunk = l.values.slice(i, i + step).filter((v): v is number => v !== null);
      outLines[j].values.push(chunk.length ? chunk.reduce((a, b) => a + b, 0) / chunk.length : null);
    });
  }
  return [outX, outLines];
}

/**
 * A chart of `lines` over `xs` (unix seconds) with a y-axis `unit`; the
 * element carries a text summary for screen readers.
 */
export function lineChart(title: string, unit: string, xs: number[], lines: Line[], summary: string): HTMLElement {
  const figure = h("figure", { class: "card chart" }, h("h2", {}, title));
  const plotHost = h("div", { class: "plot", role: "img", "aria-label": `${title}: ${summary}` });
  figure.append(plotHost, h("figcaption", { class: "muted" }, summary));
  if (xs.length < 2) {
    plotHost.append(h("p", { class: "muted" }, "Not enough points to draw yet."));
    return figure;
  }
  const [x, ls] = downsample(xs, lines);
  const opts: uPlot.Options = {
    width: 600,
    height: 240,
    series: [
      {},
      ...ls.map((l, i) => ({ label: `${l.label} (${unit})`, stroke: COLOURS[i % COLOURS.length], width: 2, spanGaps: true })),
    ],
    axes: [{}, { label: unit, size: 60 }],
    scales: { x: { time: true } },
    legend: { live: false },
  };
  // Drawn once the figure is in the document, at its width, and again on resize.
  requestAnimationFrame(() => {
    const plot = new uPlot(opts, [x, ...ls.map((l) => l.values)] as uPlot.AlignedData, plotHost);
    const fit = () => plot.setSize({ width: Math.max(280, plotHost.clientWidth), height: 240 });
    fit();
    new ResizeObserver(fit).observe(plotHost);
  });
  return figure;
}
