// The police force of a proposed scheme, worked out by the server from the area's centre
// (police.uk when configured, else nearby places), with how sure it is. The person can
// always choose another force; an unsure or unknown answer opens the list straight away.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { accountApi } from '../api';
import { asApiError } from '../hooks';
import type { Force, ForceConfidence, ForceSuggestion } from '../api/schemas';
import type { PickedPoint } from './AreaPicker';
import { SelectField } from './FormField';
import { t } from '../i18n';

// Catalogue keys, read when drawn, so that a change of language changes them.
const SURENESS: Record<ForceConfidence, string> = {
  confirmed: 'forcePicker.sureness.confirmed',
  likely: 'forcePicker.sureness.likely',
  uncertain: 'forcePicker.sureness.uncertain',
  unknown: 'forcePicker.sureness.unknown',
};

export function PoliceForcePicker({
  point,
  forces,
  value,
  onValue,
  errors,
}: {
  point: PickedPoint | null;
  /** Every force, for choosing another; null while they load. */
  forces: Force[] | null;
  value: string;
  onValue: (force: string) => void;
  errors?: string[];
}) {
  const [suggestion, setSuggestion] = useState<ForceSuggestion | null>(null);
  const [looking, setLooking] = useState(false);
  const [lookupError, setLookupError] = useState('');
  // True once the person picked a force themselves: a new suggestion then never replaces it.
  const [chosenByHand, setChosenByHandState] = useState(false);
  const byHand = useRef(false);
  const setChosenByHand = (chosen: boolean) => {
    byHand.current = chosen;
    setChosenByHandState(chosen);
  };
  const [listOpen, setListOpen] = useState(false);
  const choose = useRef(onValue);
  choose.current = onValue;

  useEffect(() => {
    if (!point) {
      setSuggestion(null);
      return;
    }
    const abort = new AbortController();
    setLooking(true);
    setLookupError('');
    accountApi.locateForce(point.lat, point.lon, abort.signal).then(
      (answer) => {
        if (abort.signal.aborted) return;
        setSuggestion(answer);
        setLooking(false);
        if (!byHand.current) choose.current(answer.force ?? '');
        if (answer.confidence === 'uncertain' || answer.confidence === 'unknown') setListOpen(true);
      },
      (error) => {
        if (abort.signal.aborted) return;
        setLooking(false);
        setSuggestion(null);
        setListOpen(true);
        const problem = asApiError(error);
        setLookupError(problem.fields.lat?.join(' ') || t('forcePicker.lookupFailed'));
      },
    );
    return () => abort.abort();
  }, [point?.lat, point?.lon]);

  const names = useMemo(() => new Map((forces ?? []).map((force) => [force.code, force.name])), [forces]);
  const choices = useMemo(() => {
    // The forces the answer named come first, then every force A to Z.
    const first = suggestion ? [suggestion.force, ...suggestion.alternatives.map((force) => force.code)] : [];
    const named = first.filter((code): code is string => !!code && names.has(code));
    const rest = [...names.keys()].filter((code) => !named.includes(code)).sort((a, b) => names.get(a)!.localeCompare(names.get(b)!));
    return [...named, ...rest].map((code) => ({ value: code, label: names.get(code)! }));
  }, [suggestion, names]);

  const chosenName = value ? (names.get(value) ?? value) : '';
  const differs = !!suggestion?.force && chosenByHand && value !== suggestion.force;

  return (
    <fieldset class={`force-picker${errors?.length ? ' field--invalid' : ''}`} aria-describedby="force-picker-status">
      <legend>{t('forcePicker.label')}</legend>
      <p class="field-hint">{t('forcePicker.hint')}</p>
      {errors && errors.length > 0 && (
        <p class="field-error">
          <span class="visually-hidden">{t('form.errorPrefix')}</span>
          {errors.join(' ')}
        </p>
      )}
      <div id="force-picker-status" aria-live="polite" class="force-picker__status">
        {!point ? (
          <p>{t('forcePicker.chooseArea')}</p>
        ) : looking ? (
          <p>{t('forcePicker.finding')}</p>
        ) : (
          <>
            {chosenName && (
              <p class="force-picker__chosen">
                <strong>{chosenName}</strong>
                {chosenByHand ? ` ${t('forcePicker.yourChoice')}` : ''}
              </p>
            )}
            {suggestion && (
              <p class={`force-picker__sure force-picker__sure--${suggestion.confidence}`}>
                <strong>{t(SURENESS[suggestion.confidence])}.</strong> {suggestion.message}
              </p>
            )}
            {lookupError && <p class="field-error">{lookupError}</p>}
          </>
        )}
      </div>
      {differs && suggestion?.force && (
        <button
          type="button"
          class="button button--secondary"
          onClick={() => {
            setChosenByHand(false);
            onValue(suggestion.force ?? '');
          }}
        >
          {t('forcePicker.use', { force: suggestion.force_name })}
        </button>
      )}
      {point && listOpen && (
        <SelectField
          label={t('forcePicker.chooseLabel')}
          value={value}
          onValue={(code) => {
            setChosenByHand(true);
            onValue(code);
          }}
          placeholder={forces ? t('forcePicker.placeholder') : t('forcePicker.loading')}
          choices={choices}
        />
      )}
      {point && !listOpen && !looking && (
        <button type="button" class="button button--secondary" onClick={() => setListOpen(true)}>
          {t('forcePicker.another')}
        </button>
      )}
    </fieldset>
  );
}
