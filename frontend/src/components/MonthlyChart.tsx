// A small chart of one monthly figure (uPlot, drawn on a canvas). It is a picture for
// sighted readers only: the table beside it holds the same numbers for everyone.

import { useEffect, useRef } from 'preact/hooks';
import type uPlot from 'uplot';
import { formatMonth, formatNumber } from '../format';
import { language } from '../i18n';

export function MonthlyChart({
  title,
  months,
  values,
  kind,
  unit = '',
}: {
  title: string;
  /** "YYYY-MM", oldest first. */
  months: string[];
  values: (number | null)[];
  kind: 'bars' | 'line';
  unit?: string;
}) {
  const element = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const target = element.current;
    if (!target || !months.length) return;
    let chart: uPlot | null = null;
    let observer: ResizeObserver | null = null;
    let live = true;

    // Loaded on first use: only the statistics screen draws charts.
    Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([{ default: UPlot }]) => {
      if (!live) return;
      const xs = months.map((_, index) => index);
      const highest = Math.max(1, ...values.map((value) => value ?? 0));
      const ink = '#0b0c0c';
      const font = '14px system-ui, sans-serif';
      const options: uPlot.Options = {
        width: Math.max(200, target.clientWidth),
        height: 220,
        legend: { show: false },
        cursor: { show: false },
        scales: {
          x: { time: false, range: [-0.6, months.length - 0.4] },
          y: { range: [0, highest * 1.15] },
        },
        axes: [
          {
            stroke: ink,
            font,
            grid: { show: false },
            ticks: { show: false },
            splits: () => xs,
            values: (_chart, splits) => splits.map((split) => (months[split] ? formatMonth(months[split]) : '')),
          },
          {
            stroke: ink,
            font,
            size: 52,
            grid: { stroke: '#c9ced1', width: 1 },
            values: (_chart, splits) => splits.map((split) => `${formatNumber(split)}${unit}`),
          },
        ],
        series: [
          {},
          kind === 'bars'
            ? {
                label: title,
                stroke: '#0b3a66',
                fill: '#0b3a66',
                width: 0,
                paths: UPlot.paths.bars!({ size: [0.6, 56] }),
                points: { show: false },
              }
            : {
                label: title,
                stroke: '#8a3b00',
                width: 3,
                points: { show: true, size: 9, fill: '#8a3b00', stroke: '#8a3b00' },
              },
        ],
      };
      chart = new UPlot(options, [xs, values.map((value) => value ?? null)] as uPlot.AlignedData, target);
      observer = new ResizeObserver(() => chart?.setSize({ width: Math.max(200, target.clientWidth), height: 220 }));
      observer.observe(target);
    });

    return () => {
      live = false;
      observer?.disconnect();
      chart?.destroy();
    };
  }, [months.join(','), values.join(','), kind, unit, title, language()]);

  return (
    <figure class="chart">
      <figcaption class="chart__title">{title}</figcaption>
      <div ref={element} class="chart__canvas" aria-hidden="true" />
    </figure>
  );
}
