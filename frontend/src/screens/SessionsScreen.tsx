// "/speedwatch/sessions" — the sessions of the user's speedwatch schemes (a liaison: of the
// force area), newest first, and the drafts still on this phone.

import { useCallback, useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { BackLink } from '../components/BackLink';
import { DraftList } from '../components/DraftList';
import { EmptyState } from '../components/EmptyState';
import { ErrorAlert, SelectField } from '../components/FormField';
import { Loading } from '../components/Loading';
import { RequireSignIn } from '../components/RequireSignIn';
import { SessionCard } from '../components/SessionCard';
import { ShowMoreButton } from '../components/ShowMoreButton';
import { formatNumber } from '../format';
import { usePagedList, useTitle } from '../hooks';
import { navigate, useLocation } from '../router';
import { useSpeedwatchAccess } from '../speedwatchAccess';
import type { Me, SpeedwatchSession } from '../api/schemas';
import { choiceParam, numberParam } from '../queryParams';
import { t } from '../i18n';

// Read at each render: the words follow the language of the moment.
const statusChoices = () => [
  { value: '', label: t('sessionList.allSessions') },
  { value: 'draft', label: t('sessionList.drafts') },
  { value: 'submitted', label: t('sessionList.submitted') },
];

export function SessionsScreen() {
  useTitle(t('sessionList.pageTitle'));
  return (
    <>
      <BackLink />
      <h1 tabIndex={-1}>{t('sessionList.title')}</h1>
      <RequireSignIn>{(me) => <SessionList me={me} />}</RequireSignIn>
    </>
  );
}

function SessionList({ me }: { me: Me }) {
  const access = useSpeedwatchAccess();
  const { query } = useLocation();
  const status = query.get('status') ?? '';
  const scheme = query.get('scheme') ?? '';
  const [chosen, setChosen] = useState(status);
  useEffect(() => setChosen(status), [status]);

  const fetchPage = useCallback(
    (page: number, signal: AbortSignal) =>
      api.sessions({ status: choiceParam(status), scheme: numberParam(scheme), page }, signal),
    [status, scheme],
  );
  const list = usePagedList<SpeedwatchSession>(fetchPage);
  const coordinator = (access?.coordinated.length ?? 0) > 0;
  const manySchemes = (access?.liaison ?? false) || new Set(list.items.map((session) => session.scheme.id)).size > 1;

  return (
    <>
      {coordinator && (
        <>
          <p>
            <a class="button button--primary button--wide" href="/speedwatch/sessions/new">
              {t('speedwatchHub.startSession')}
            </a>
          </p>
          <DraftList userId={me.id} />
        </>
      )}
      <form
        class="filters"
        aria-label={t('sessionList.filter')}
        onSubmit={(event) => {
          event.preventDefault();
          const params = new URLSearchParams();
          if (chosen) params.set('status', chosen);
          if (scheme) params.set('scheme', scheme);
          const text = params.toString();
          navigate(text ? `/speedwatch/sessions?${text}` : '/speedwatch/sessions');
        }}
      >
        <SelectField label={t('sessionList.show')} value={chosen} onValue={setChosen} choices={statusChoices()} />
        <button type="submit" class="button button--primary button--wide">
          {t('sessionList.showSessions')}
        </button>
      </form>
      <section aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">{coordinator ? t('sessionList.uploaded') : t('sessionList.allSessions')}</h2>
        <p role="status" class="results__count">
          {list.loading
            ? t('common.loading')
            : list.error
              ? ''
              : t('sessionList.count', { count: list.count, n: formatNumber(list.count) })}
        </p>
        {list.loading ? (
          <Loading what={t('sessionList.noun')} />
        ) : (
          <>
            <ErrorAlert messages={list.error?.general ?? []} />
            {list.items.length === 0 && !list.error ? (
              <EmptyState>
                <p>{t('sessionList.none')}</p>
              </EmptyState>
            ) : (
              <ul class="card-list">
                {list.items.map((session) => (
                  <li key={session.id}>
                    <SessionCard session={session} showScheme={manySchemes} />
                  </li>
                ))}
              </ul>
            )}
            <ShowMoreButton list={list} noun={t('sessionList.noun')} />
          </>
        )}
      </section>
    </>
  );
}
