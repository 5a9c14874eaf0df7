// A question's results as bars: each choice (or rating) with its count and share written
// beside its bar, so the words carry everything the picture shows (the bars are hidden from
// screen readers).

import { formatNumber } from '../format';
import { t } from '../i18n';
import './surveys.css';

export interface Bar {
  label: string;
  count: number;
}

export function ResultBars({ bars, total, label }: { bars: Bar[]; total: number; label: string }) {
  const highest = Math.max(1, ...bars.map((bar) => bar.count));
  return (
    <ul class="result-bars" aria-label={label}>
      {bars.map((bar) => {
        const share = total ? Math.round((bar.count / total) * 100) : 0;
        return (
          <li key={bar.label} class="result-bars__row">
            <span class="result-bars__label">{bar.label}</span>
            <span class="result-bars__count">
              {t('surveys.results.countShare', { n: formatNumber(bar.count), share: formatNumber(share) })}
            </span>
            <span class="result-bars__track" aria-hidden="true">
              <span class="result-bars__bar" style={{ width: `${(bar.count / highest) * 100}%` }} />
            </span>
          </li>
        );
      })}
    </ul>
  );
}
