// Who is at the roadside: the scheme's active members, ticked one by one.

import { formatNumber } from '../format';
import { t } from '../i18n';
import type { Person } from '../api/schemas';
import { CheckboxField } from './FormField';

export function PresentList({
  people,
  present,
  onChange,
  minimum,
  errors,
}: {
  people: Person[];
  present: Set<number>;
  onChange: (present: Set<number>) => void;
  /** The fewest who must be there; null when the server's rule is not known. */
  minimum: number | null;
  errors?: string[];
}) {
  return (
    <fieldset class={`present-list${errors?.length ? ' field--invalid' : ''}`}>
      <legend>{t('presentList.legend')}</legend>
      <p class="field-hint">
        {minimum !== null && `${t('presentList.atLeast', { count: minimum, n: formatNumber(minimum) })} `}
        {t('presentList.ticked', { n: formatNumber(present.size) })}
      </p>
      {errors && errors.length > 0 && (
        <p class="field-error">
          <span class="visually-hidden">{t('form.errorPrefix')}</span>
          {errors.join(' ')}
        </p>
      )}
      {people.map((person) => (
        <CheckboxField
          key={person.id}
          label={person.name}
          checked={present.has(person.id)}
          onChecked={(checked) => {
            const next = new Set(present);
            if (checked) next.add(person.id);
            else next.delete(person.id);
            onChange(next);
          }}
        />
      ))}
    </fieldset>
  );
}
