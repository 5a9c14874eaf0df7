// The policing neighbourhoods of the liaison's force, to send an alert to instead of the area
// drawn on the map: the alert goes to the schemes in any of them. Shown only when the force
// has imported a set.

import { useEffect, useId, useState } from 'preact/hooks';
import { areasApi } from '../api';
import type { ForceCode, Neighbourhood } from '../api/schemas';
import { formatNumber } from '../format';
import { SelectField } from './FormField';
import { t } from '../i18n';

export function NeighbourhoodChoice({
  force,
  chosen,
  onChange,
  errors,
}: {
  force: ForceCode;
  chosen: number[];
  onChange: (ids: number[]) => void;
  errors?: string[];
}) {
  const [neighbourhoods, setNeighbourhoods] = useState<Neighbourhood[] | null>(null);
  const id = useId();
  useEffect(() => {
    const abort = new AbortController();
    areasApi
      .neighbourhoods({ force }, abort.signal)
      .then((page) => setNeighbourhoods(page.results))
      .catch(() => {
        if (!abort.signal.aborted) setNeighbourhoods([]);
      });
    return () => abort.abort();
  }, [force]);
  if (neighbourhoods === null || neighbourhoods.length === 0) return null;
  const toggle = (pk: number, on: boolean) =>
    onChange(on ? [...chosen, pk] : chosen.filter((other) => other !== pk));
  return (
    <fieldset
      class={`neighbourhood-choice${errors?.length ? ' field--invalid' : ''}`}
      aria-describedby={`${id}-hint${errors?.length ? ` ${id}-error` : ''}`}
    >
      <legend>{t('neighbourhoods.choice.legend')}</legend>
      <p class="field-hint" id={`${id}-hint`}>
        {t('neighbourhoods.choice.hint')}
      </p>
      {errors && errors.length > 0 && (
        <p class="field-error" id={`${id}-error`}>
          {errors.join(' ')}
        </p>
      )}
      {neighbourhoods.map((neighbourhood) => (
        <div class="field field--checkbox" key={neighbourhood.id}>
          <input
            id={`${id}-${neighbourhood.id}`}
            type="checkbox"
            checked={chosen.includes(neighbourhood.id)}
            onChange={(event) => toggle(neighbourhood.id, event.currentTarget.checked)}
          />
          <label for={`${id}-${neighbourhood.id}`}>{neighbourhood.name}</label>
        </div>
      ))}
      {chosen.length > 0 && (
        <p class="notice" role="status">
          {t('neighbourhoods.choice.chosen', { count: chosen.length, n: formatNumber(chosen.length) })}
        </p>
      )}
    </fieldset>
  );
}

/** The neighbourhoods a scheme lies in, each a link to the directory's schemes in it;
 * nothing where its force has imported none. */
export function SchemeNeighbourhoods({ neighbourhoods }: { neighbourhoods: { id: number; name: string }[] }) {
  if (neighbourhoods.length === 0) return null;
  return (
    <section aria-labelledby="scheme-neighbourhoods-heading">
      <h2 id="scheme-neighbourhoods-heading">{t('neighbourhoods.scheme.heading')}</h2>
      <ul class="neighbourhood-list">
        {neighbourhoods.map((neighbourhood) => (
          <li key={neighbourhood.id}>
            <a href={`/?neighbourhood=${neighbourhood.id}`}>
              {t('neighbourhoods.schemesIn', { name: neighbourhood.name })}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The directory's filter by neighbourhood: every imported one, by name (with its force's
 * name where more than one force has a set); nothing where none has been imported. */
export function NeighbourhoodFilterField({ value, onValue }: { value: string; onValue: (value: string) => void }) {
  const [neighbourhoods, setNeighbourhoods] = useState<Neighbourhood[]>([]);
  useEffect(() => {
    const abort = new AbortController();
    areasApi
      .neighbourhoods({}, abort.signal)
      .then((page) => setNeighbourhoods(page.results))
      .catch(() => undefined);
    return () => abort.abort();
  }, []);
  if (neighbourhoods.length === 0) return null;
  const forces = new Set(neighbourhoods.map((neighbourhood) => neighbourhood.force));
  return (
    <SelectField
      label={t('neighbourhoods.filter.label')}
      value={value}
      onValue={onValue}
      choices={[
        { value: '', label: t('neighbourhoods.filter.any') },
        ...neighbourhoods.map((neighbourhood) => ({
          value: String(neighbourhood.id),
          label: forces.size > 1 ? `${neighbourhood.name} (${neighbourhood.force})` : neighbourhood.name,
        })),
      ]}
    />
  );
}
