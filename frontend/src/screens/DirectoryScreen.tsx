// "/" — the scheme directory: filters, a list, and a map of the same schemes.

import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, type SchemeQuery } from '../api';
import { ErrorAlert, SelectField, TextField } from '../components/FormField';
import { EmptyState } from '../components/EmptyState';
import { NeighbourhoodFilterField } from '../components/NeighbourhoodChoice';
import { Loading } from '../components/Loading';
import { SchemeCard } from '../components/SchemeCard';
import { SchemeMap, type SearchPoint } from '../components/SchemeMap';
import { ShowMoreButton } from '../components/ShowMoreButton';
import { formatNumber, formatRadius, KIND_LABELS } from '../format';
import { locateMe } from '../geolocation';
import { usePagedList, useTitle, type PagedList } from '../hooks';
import { navigate, useLocation } from '../router';
import { useSession } from '../session';
import type { SchemeKind, SchemeSummary } from '../api/schemas';
import { choiceParam } from '../queryParams';
import { t } from '../i18n';

const RADII = [1000, 2000, 5000, 10000, 25000];
const DEFAULT_RADIUS = 5000;
const MAX_RADIUS = 50000;
const PAGE_SIZE = 20;

const KIND_CHOICES = () => [
  { value: '', label: t('directory.allKinds') },
  ...(Object.keys(KIND_LABELS) as SchemeKind[]).map((kind) => ({ value: kind, label: KIND_LABELS[kind] })),
];

interface DirectorySearch {
  kind: string;
  q: string;
  lat: number | null;
  lon: number | null;
  radius: number;
  place: string;
  view: 'list' | 'map';
  /** "Everywhere": the member cleared the start from their home postcode. */
  all: boolean;
  /** A policing neighbourhood's id: the schemes lying in it. */
  neighbourhood: string;
}

function readSearch(query: URLSearchParams): DirectorySearch {
  const number = (name: string) => {
    const raw = query.get(name);
    if (raw === null || raw.trim() === '') return null;
    const value = Number(raw);
    return Number.isFinite(value) ? value : null;
  };
  const lat = number('lat');
  const lon = number('lon');
  const hasPoint = lat !== null && lon !== null && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
  const radius = number('radius');
  const kind = query.get('kind') ?? '';
  return {
    kind: kind in KIND_LABELS ? kind : '',
    q: query.get('q') ?? '',
    lat: hasPoint ? lat : null,
    lon: hasPoint ? lon : null,
    radius: radius && radius > 0 ? Math.min(Math.round(radius), MAX_RADIUS) : DEFAULT_RADIUS,
    place: hasPoint ? '' : (query.get('place') ?? '').trim(),
    view: query.get('view') === 'map' ? 'map' : 'list',
    all: query.get('all') === '1',
    neighbourhood: /^\d+$/.test(query.get('neighbourhood') ?? '') ? (query.get('neighbourhood') ?? '') : '',
  };
}

function searchUrl(search: DirectorySearch): string {
  const params = new URLSearchParams();
  if (search.q.trim()) params.set('q', search.q.trim());
  if (search.kind) params.set('kind', search.kind);
  if (search.neighbourhood) params.set('neighbourhood', search.neighbourhood);
  if (search.lat !== null && search.lon !== null) {
    params.set('lat', String(search.lat));
    params.set('lon', String(search.lon));
  } else if (search.place.trim()) {
    params.set('place', search.place.trim());
  } else if (search.all) {
    params.set('all', '1');
  }
  const near = (search.lat !== null && search.lon !== null) || !!search.place.trim();
  if (near) params.set('radius', String(search.radius));
  if (search.view === 'map') params.set('view', 'map');
  const text = params.toString();
  return text ? `/?${text}` : '/';
}

function isNear(search: DirectorySearch): boolean {
  return (search.lat !== null && search.lon !== null) || search.place !== '';
}

export function DirectoryScreen() {
  useTitle(t('directory.title'));
  const { config, me } = useSession();
  const { query } = useLocation();
  const queryText = query.toString();
  const [fromDevice, setFromDevice] = useState(false);
  // A member with a home postcode starts near it (when this server can look places up);
  // when the postcode cannot be found, the directory starts as it does for everyone.
  const [homeNotFound, setHomeNotFound] = useState('');
  const homeTried = useRef(new Set<string>());
  const bare = queryText === '';
  const waitingForMe = bare && (me === undefined || config === null);
  const home = bare && config?.geocoder_enabled && me?.postcode && me.postcode !== homeNotFound ? me.postcode : '';
  const search = useMemo(() => {
    const read = readSearch(new URLSearchParams(queryText));
    return home ? { ...read, place: home } : read;
  }, [queryText, home]);

  const near = isNear(search);
  const fetchPage = useCallback(
    async (page: number, signal: AbortSignal) => {
      if (home) {
        try {
          const found = await api.schemes(
            { page, page_size: PAGE_SIZE, place: home, radius_m: search.radius },
            signal,
          );
          homeTried.current.add(home);
          return found;
        } catch (error) {
          if (signal.aborted || homeTried.current.has(home)) throw error;
          // Not found, or the place search is not answering: start as for everyone.
          setHomeNotFound(home);
          return api.schemes({ page, page_size: PAGE_SIZE, ordering: 'name' }, signal);
        }
      }
      const params: SchemeQuery = { page, page_size: PAGE_SIZE, kind: choiceParam(search.kind), q: search.q.trim() };
      if (search.neighbourhood) params.neighbourhood = Number(search.neighbourhood);
      // A search near a point comes nearest first; there is no other order for it.
      if (near) {
        params.radius_m = search.radius;
        if (search.lat !== null && search.lon !== null) {
          params.lat = search.lat;
          params.lon = search.lon;
        } else {
          params.place = search.place;
        }
      } else {
        params.ordering = 'name';
      }
      return api.schemes(params, signal);
    },
    // The list reloads when the search (not the view) changes.
    [search.kind, search.q, search.lat, search.lon, search.radius, search.place, search.neighbourhood, home],
  );
  const list = usePagedList<SchemeSummary>(waitingForMe ? null : fetchPage);

  const go = (change: Partial<DirectorySearch>, replace = false) => navigate(searchUrl({ ...search, ...change }), { replace });

  const point: SearchPoint | null =
    search.lat !== null && search.lon !== null ? { lat: search.lat, lon: search.lon, radius_m: search.radius } : null;
  const placeShownAtField = !!search.place && !!config?.geocoder_enabled;
  const whereText = search.place ? search.place : fromDevice ? t('directory.yourLocation') : t('directory.here');
  const showingNearHome = !!home && search.place === home;

  return (
    <>
      <h1 tabIndex={-1}>{t('directory.title')}</h1>
      <p class="lede">{t('directory.lede')}</p>
      <DirectoryFilters
        search={search}
        geocoderEnabled={!!config?.geocoder_enabled}
        placeErrors={list.error?.fields.place}
        onSearch={(change) => {
          setFromDevice(false);
          go(change);
        }}
        onLocated={(lat, lon, radius) => {
          setFromDevice(true);
          go({ lat, lon, radius, place: '' });
        }}
      />
      {bare && homeNotFound && (
        <p class="notice">
          {t('directory.homeNotFound', { postcode: homeNotFound })}
        </p>
      )}
      {near && (
        <div class="near-summary">
          <p>
            {t('directory.near')}{' '}
            <strong>
              {search.place || (fromDevice ? t('directory.yourLocation') : `${search.lat?.toFixed(4)}, ${search.lon?.toFixed(4)}`)}
            </strong>
            {showingNearHome && t('directory.yourHomePostcode')}
            {t('directory.within', { radius: formatRadius(search.radius) })}
          </p>
          <button
            type="button"
            class="button button--secondary button--small"
            onClick={() => go({ lat: null, lon: null, place: '', all: true })}
          >
            {t('directory.clearLocation')}
          </button>
        </div>
      )}

      <section aria-labelledby="results-heading" class="results">
        <div class="results__header">
          <h2 id="results-heading">{t('directory.schemes')}</h2>
          <ViewToggle view={search.view} onChange={(view) => go({ view }, true)} />
        </div>
        <p class="results__count" role="status">
          {list.loading || waitingForMe ? t('directory.searching') : list.error ? '' : resultSummary(list.count, near, search, whereText)}
        </p>
        <ErrorAlert messages={list.error ? list.error.otherMessages(placeShownAtField ? ['place'] : []) : []} />
        {placeShownAtField && list.error?.fields.place && <p>{t('directory.checkPlace')}</p>}
        {search.view === 'map' && config && <SchemeMap config={config} schemes={list.items} point={point} />}
        {list.loading || waitingForMe ? (
          <Loading what={t('directory.schemesNoun')} />
        ) : list.items.length === 0 && !list.error ? (
          <DirectoryEmptyState near={near} search={search} whereText={whereText} signedIn={!!me} onWiden={(radius) => go({ radius })} />
        ) : (
          <SchemeList list={list} />
        )}
      </section>
    </>
  );
}

function resultSummary(count: number, near: boolean, search: DirectorySearch, whereText: string): string {
  const found = t('directory.found', { count, n: formatNumber(count) });
  if (near) return t('directory.foundNear', { found, radius: formatRadius(search.radius), where: whereText });
  if (search.q || search.kind || search.neighbourhood) return t('directory.foundMatch', { found });
  return t('directory.foundAll', { found });
}

function DirectoryFilters({
  search,
  geocoderEnabled,
  placeErrors,
  onSearch,
  onLocated,
}: {
  search: DirectorySearch;
  geocoderEnabled: boolean;
  placeErrors?: string[];
  onSearch: (change: Partial<DirectorySearch>) => void;
  onLocated: (lat: number, lon: number, radius: number) => void;
}) {
  const [q, setQ] = useState(search.q);
  const [kind, setKind] = useState(search.kind);
  const [neighbourhood, setNeighbourhood] = useState(search.neighbourhood);
  const [place, setPlace] = useState(search.place);
  const [radius, setRadius] = useState(String(search.radius));
  const [locating, setLocating] = useState(false);
  const [locateError, setLocateError] = useState('');

  // Follow the address bar when it changes (back button, deep links).
  useEffect(() => {
    setQ(search.q);
    setKind(search.kind);
    setNeighbourhood(search.neighbourhood);
    setPlace(search.place);
    setRadius(String(search.radius));
  }, [search.q, search.kind, search.place, search.radius, search.neighbourhood]);

  const radiusChoices = (RADII.includes(search.radius) ? RADII : [...RADII, search.radius].sort((a, b) => a - b)).map(
    (metres) => ({ value: String(metres), label: formatRadius(metres) }),
  );

  const onSubmit = (event: Event) => {
    event.preventDefault();
    const change: Partial<DirectorySearch> = { q, kind, neighbourhood, radius: Number(radius) };
    if (geocoderEnabled && place.trim() && place.trim() !== search.place) {
      change.place = place.trim();
      change.lat = null;
      change.lon = null;
    } else if (geocoderEnabled && !place.trim() && search.place) {
      change.place = '';
    }
    onSearch(change);
  };

  const useMyLocation = async () => {
    setLocateError('');
    setLocating(true);
    try {
      const found = await locateMe();
      setPlace('');
      onLocated(Math.round(found.lat * 1e5) / 1e5, Math.round(found.lon * 1e5) / 1e5, Number(radius));
    } catch (error) {
      setLocateError(error instanceof Error ? error.message : String(error));
    } finally {
      setLocating(false);
    }
  };

  return (
    <form class="filters" role="search" aria-labelledby="filters-heading" onSubmit={onSubmit}>
      <h2 id="filters-heading" class="visually-hidden">
        {t('directory.searchAndFilters')}
      </h2>
      <TextField label={t('directory.searchSchemes')} type="search" value={q} onValue={setQ} />
      <div class="filters__pair">
        <SelectField label={t('directory.kind')} value={kind} onValue={setKind} choices={KIND_CHOICES()} />
        <SelectField label={t('directory.radius')} value={radius} onValue={setRadius} choices={radiusChoices} />
      </div>
      <NeighbourhoodFilterField value={neighbourhood} onValue={setNeighbourhood} />
      {geocoderEnabled && (
        <TextField
          label={t('directory.postcodeOrPlace')}
          autoComplete="postal-code"
          hint={t('directory.placeHint')}
          value={place}
          onValue={setPlace}
          errors={placeErrors}
        />
      )}
      <div aria-live="polite">{locateError && <p class="field-error">{locateError}</p>}</div>
      <div class="filters__buttons">
        <button type="button" class="button button--secondary" onClick={useMyLocation} aria-disabled={locating ? 'true' : undefined}>
          {locating ? t('directory.findingYou') : t('directory.useMyLocation')}
        </button>
        <button type="submit" class="button button--primary">
          {t('directory.search')}
        </button>
      </div>
    </form>
  );
}

function ViewToggle({ view, onChange }: { view: 'list' | 'map'; onChange: (view: 'list' | 'map') => void }) {
  return (
    <div class="view-toggle" role="group" aria-label={t('directory.showAs')}>
      <button type="button" class="view-toggle__button" aria-pressed={view === 'list'} onClick={() => onChange('list')}>
        {t('directory.list')}
      </button>
      <button type="button" class="view-toggle__button" aria-pressed={view === 'map'} onClick={() => onChange('map')}>
        {t('directory.map')}
      </button>
    </div>
  );
}

function SchemeList({ list }: { list: PagedList<SchemeSummary> }) {
  const listRef = useRef<HTMLUListElement>(null);
  const shownBefore = useRef(list.items.length);

  // After "Show more", move focus to the first new scheme so keyboard users carry on from there.
  useEffect(() => {
    if (list.items.length > shownBefore.current && shownBefore.current > 0) {
      const link = listRef.current?.children[shownBefore.current]?.querySelector('a');
      link?.focus();
    }
    shownBefore.current = list.items.length;
  }, [list.items.length]);

  return (
    <>
      <ul class="card-list" ref={listRef}>
        {list.items.map((scheme) => (
          <li key={scheme.id}>
            <SchemeCard scheme={scheme} />
          </li>
        ))}
      </ul>
      <ShowMoreButton list={list} noun={t('directory.schemesNoun')} />
    </>
  );
}

function DirectoryEmptyState({
  near,
  search,
  whereText,
  signedIn,
  onWiden,
}: {
  near: boolean;
  search: DirectorySearch;
  whereText: string;
  signedIn: boolean;
  onWiden: (radius: number) => void;
}) {
  const proposeHref = signedIn ? '/schemes/new' : `/signin?next=${encodeURIComponent('/schemes/new')}`;
  const wider = RADII.find((metres) => metres > search.radius);
  if (near) {
    return (
      <EmptyState>
        <p>
          {t('directory.noneNear', { radius: formatRadius(search.radius), where: whereText })}{' '}
          <a href={proposeHref}>{t('directory.proposeOne')}</a>.
        </p>
        {wider && (
          <button type="button" class="button button--secondary" onClick={() => onWiden(wider)}>
            {t('directory.widen', { radius: formatRadius(wider) })}
          </button>
        )}
      </EmptyState>
    );
  }
  if (search.q || search.kind) {
    return (
      <EmptyState>
        <p>
          {t('directory.noneMatch')} <a href={proposeHref}>{t('directory.proposeOne')}</a>.
        </p>
      </EmptyState>
    );
  }
  return (
    <EmptyState>
      <p>
        {t('directory.noneYet')} <a href={proposeHref}>{t('directory.proposeFirst')}</a>.
      </p>
    </EmptyState>
  );
}
