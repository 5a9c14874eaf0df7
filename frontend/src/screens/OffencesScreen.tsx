// "/speedwatch/offences" — find a vehicle's offences by registration, to answer a keeper's
// dispute. Coordinators see their schemes' offences, liaisons their force area's; liaisons
// record the outcome of a dispute here.

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import { BackLink } from '../components/BackLink';
import { DisputeForm } from '../components/DisputeForm';
import { EmptyState } from '../components/EmptyState';
import { ErrorAlert, TextField } from '../components/FormField';
import { Loading } from '../components/Loading';
import { OffenceCard } from '../components/OffenceCard';
import { RequireSignIn } from '../components/RequireSignIn';
import { ShowMoreButton } from '../components/ShowMoreButton';
import { formatNumber, formatRegistration, normaliseRegistration } from '../format';
import { usePagedList, useTitle } from '../hooks';
import { navigate, useLocation } from '../router';
import type { Me, QueueOffence } from '../api/schemas';
import { t } from '../i18n';

export function OffencesScreen() {
  useTitle(t('offenceSearch.title'));
  return (
    <>
      <BackLink />
      <h1 tabIndex={-1}>{t('offenceSearch.title')}</h1>
      <RequireSignIn>{(me) => <OffenceSearch me={me} />}</RequireSignIn>
    </>
  );
}

function OffenceSearch({ me }: { me: Me }) {
  const { query } = useLocation();
  const registration = normaliseRegistration(query.get('registration') ?? '');
  const [typed, setTyped] = useState(registration);
  // The box follows the address when it changes (back, a link), but never clears what was
  // typed before the screen had settled on the address it opened with.
  const shownRegistration = useRef(registration);
  useEffect(() => {
    if (shownRegistration.current === registration) return;
    shownRegistration.current = registration;
    setTyped(registration);
  }, [registration]);

  const fetchPage = useCallback(
    (page: number, signal: AbortSignal) => api.offences({ registration: registration || undefined, page }, signal),
    [registration],
  );
  const list = usePagedList<QueueOffence>(fetchPage);
  const liaison = me.liaison !== null;

  return (
    <>
      <p>
        {liaison
          ? t('offenceSearch.introLiaison')
          : t('offenceSearch.introCoordinator')}{' '}
        {t('offenceSearch.recorded')}
      </p>
      <form
        class="filters inline-search"
        role="search"
        aria-label={t('offenceSearch.find')}
        onSubmit={(event) => {
          event.preventDefault();
          const plate = normaliseRegistration(typed);
          navigate(plate ? `/speedwatch/offences?registration=${encodeURIComponent(plate)}` : '/speedwatch/offences');
        }}
      >
        <TextField
          label={t('offenceSearch.registration')}
          autoComplete="off"
          autoCapitalize="characters"
          spellcheck={false}
          maxLength={12}
          value={typed}
          onValue={setTyped}
        />
        <button type="submit" class="button button--primary">
          {t('offenceSearch.search')}
        </button>
      </form>
      <p role="status" class="results__count">
        {list.loading
          ? t('common.loading')
          : list.error
            ? ''
            : countText(list, registration)}
      </p>
      {!list.loading && list.count > 0 && (
        <p>
          <a
            class="button button--secondary"
            href={api.offencesExportUrl({ registration: registration || undefined })}
            download
          >
            {list.count === 1
              ? t('offenceSearch.downloadIt')
              : list.countCapped
                ? t('offenceSearch.downloadAll')
                : t('offenceSearch.downloadCount', { count: list.count, n: formatNumber(list.count) })}
          </a>
        </p>
      )}
      {list.loading ? (
        <Loading what={t('offenceSearch.loadingWhat')} />
      ) : (
        <>
          <ErrorAlert messages={list.error?.general ?? []} />
          {list.items.length === 0 && !list.error ? (
            <EmptyState>
              <p>{t('offenceSearch.none')}</p>
            </EmptyState>
          ) : (
            <ul class="card-list">
              {list.items.map((offence) => (
                <li key={offence.id}>
                  <OffenceCard offence={offence} headingLevel={2} where={`${offence.site_name}, ${offence.scheme.name}`}>
                    {offence.actions.dispute && offence.registration && (
                      <DisputeForm
                        offence={offence}
                        onSettled={(settled) =>
                          list.update((items) => items.map((item) => (item.id === settled.id ? { ...item, ...settled } : item)))
                        }
                      />
                    )}
                  </OffenceCard>
                </li>
              ))}
            </ul>
          )}
          <ShowMoreButton list={list} noun={t('offenceSearch.noun')} />
        </>
      )}
    </>
  );
}

/** "3 offences." or "More than 1,000 offences for AB12 CDE." (a list counted only so far). */
function countText(list: { count: number; countCapped: boolean }, registration: string): string {
  const values = { count: list.count, n: formatNumber(list.count), registration: formatRegistration(registration) };
  if (registration) return t(list.countCapped ? 'offenceSearch.countMoreFor' : 'offenceSearch.countFor', values);
  return t(list.countCapped ? 'offenceSearch.countMore' : 'offenceSearch.count', values);
}
