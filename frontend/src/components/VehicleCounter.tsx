// The count of every vehicle that passed, speeding or not: a big button to add one as
// they pass, and the number itself to correct or type a tally from paper.

import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n';
import { TextField } from './FormField';

export function VehicleCounter({ count, onCount }: { count: number; onCount: (count: number) => void }) {
  const [text, setText] = useState(String(count));
  useEffect(() => setText(String(count)), [count]);

  return (
    <section aria-labelledby="vehicles-heading" class="vehicle-counter">
      <h2 id="vehicles-heading">{t('sessionScreen.vehiclesCounted')}</h2>
      <p class="field-hint">{t('vehicleCounter.hint')}</p>
      <div class="vehicle-counter__row">
        <TextField
          label={t('vehicleCounter.total')}
          inputMode="numeric"
          pattern="[0-9]*"
          autoComplete="off"
          value={text}
          onValue={(value) => {
            setText(value);
            if (/^\d{1,6}$/.test(value.trim())) onCount(Number(value));
          }}
        />
        <button type="button" class="button button--secondary button--large" onClick={() => onCount(count + 1)}>
          {t('vehicleCounter.addOne')}
        </button>
      </div>
    </section>
  );
}
