// "Find a place": a postcode or a town, looked up by the server's geocoder, to move a map
// there. Enter searches (it never sends the form the search sits in).

import { useRef, useState } from 'preact/hooks';
import { api, type ApiError } from '../api';
import { asApiError } from '../hooks';
import type { GeocodedPlace } from '../api/schemas';
import { t } from '../i18n';

export function PlaceSearch({
  onFound,
  found,
}: {
  onFound: (place: GeocodedPlace) => void;
  /** What to say once the map has moved. */
  found: (place: GeocodedPlace) => string;
}) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [message, setMessage] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);
  const errors = error ? (error.fields.q ?? error.general) : [];

  const search = async () => {
    if (busy) return;
    const query = text.trim();
    setMessage('');
    if (!query) {
      setError(asApiError(new Error(t('placeSearch.empty'))));
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const place = await api.geocode(query);
      onFound(place);
      setMessage(found(place));
    } catch (err) {
      setError(asApiError(err));
      inputRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class={`field place-search${errors.length ? ' field--invalid' : ''}`}>
      <label for="place-search">{t('placeSearch.label')}</label>
      <p class="field-hint" id="place-search-hint">
        {t('placeSearch.hint')}
      </p>
      {errors.length > 0 && (
        <p class="field-error" id="place-search-error">
          <span class="visually-hidden">{t('form.errorPrefix')}</span>
          {errors.join(' ')}
        </p>
      )}
      <div class="place-search__row">
        <input
          ref={inputRef}
          id="place-search"
          type="search"
          enterKeyHint="search"
          autoComplete="postal-code"
          value={text}
          onInput={(event) => {
            setText(event.currentTarget.value);
            if (error) setError(null);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              search();
            }
          }}
          aria-invalid={errors.length ? 'true' : undefined}
          aria-describedby={`place-search-hint${errors.length ? ' place-search-error' : ''}`}
        />
        <button type="button" class="button button--secondary" onClick={search} aria-disabled={busy ? 'true' : undefined}>
          {busy ? t('placeSearch.finding') : t('placeSearch.find')}
        </button>
      </div>
      <p class="place-search__found" role="status">
        {message}
      </p>
    </div>
  );
}
