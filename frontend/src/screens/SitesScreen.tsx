// "/speedwatch/sites" — roadside sites: a list and a map. Coordinators propose sites and
// start sessions at approved ones; liaisons approve, reject, suspend and reinstate them.

import { useCallback, useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { BackLink } from '../components/BackLink';
import { EmptyState } from '../components/EmptyState';
import { ErrorAlert, SelectField } from '../components/FormField';
import { Loading } from '../components/Loading';
import { RequireSignIn } from '../components/RequireSignIn';
import { ShowMoreButton } from '../components/ShowMoreButton';
import { SiteCard } from '../components/SiteCard';
import { SiteDecision } from '../components/SiteDecision';
import { SiteMap } from '../components/SiteMap';
import { formatNumber, SITE_STATUS_LABELS } from '../format';
import { usePagedList, useTitle } from '../hooks';
import { navigate, useLocation } from '../router';
import { useSession } from '../session';
import { useSpeedwatchAccess } from '../speedwatchAccess';
import type { Site, SiteStatus } from '../api/schemas';
import { choiceParam } from '../queryParams';
import { t } from '../i18n';

const STATUS_CHOICES = () => [
  { value: '', label: t('sites.allSites') },
  ...(Object.keys(SITE_STATUS_LABELS) as SiteStatus[]).map((status) => ({ value: status, label: SITE_STATUS_LABELS[status] })),
];

export function SitesScreen() {
  useTitle(t('sites.title'));
  return (
    <>
      <BackLink />
      <h1 tabIndex={-1}>{t('sites.heading')}</h1>
      <RequireSignIn>{() => <SiteList />}</RequireSignIn>
    </>
  );
}

function SiteList() {
  const { config } = useSession();
  const access = useSpeedwatchAccess();
  const { query } = useLocation();
  const status = query.get('status') ?? '';
  const [chosen, setChosen] = useState(status);
  useEffect(() => setChosen(status), [status]);

  const fetchPage = useCallback(
    (page: number, signal: AbortSignal) => api.sites({ status: choiceParam(status), page }, signal),
    [status],
  );
  const list = usePagedList<Site>(fetchPage);
  const liaison = access?.liaison ?? false;
  const coordinator = (access?.coordinated.length ?? 0) > 0;
  const manySchemes = new Set(list.items.map((site) => site.scheme.id)).size > 1;
  // A decided site stays where it was, saying what was decided, until the list is shown
  // again; the count leaves out those no longer in it.
  const [decidedHere, setDecidedHere] = useState<ReadonlySet<number>>(new Set());
  useEffect(() => setDecidedHere(new Set()), [status]);
  const onDecided = (decided: Site) => {
    setDecidedHere((old) => new Set(old).add(decided.id));
    list.update((items) => items.map((item) => (item.id === decided.id ? decided : item)));
  };
  const leftList = status ? list.items.filter((site) => site.status !== status).length : 0;

  return (
    <>
      <p>
        {liaison
          ? t('sites.introLiaison')
          : t('sites.introCoordinator')}
      </p>
      {coordinator && (
        <p>
          <a class="button button--secondary button--wide" href="/speedwatch/sites/new">
            {t('sites.propose')}
          </a>
        </p>
      )}
      <form
        class="filters"
        aria-label={t('sites.filter')}
        onSubmit={(event) => {
          event.preventDefault();
          navigate(chosen ? `/speedwatch/sites?status=${chosen}` : '/speedwatch/sites');
        }}
      >
        <SelectField label={t('sites.show')} value={chosen} onValue={setChosen} choices={STATUS_CHOICES()} />
        <button type="submit" class="button button--primary button--wide">
          {t('sites.showSites')}
        </button>
      </form>
      <p role="status" class="results__count">
        {list.loading ? t('common.loading') : list.error ? '' : countText(Math.max(0, list.count - leftList), status)}
      </p>
      {list.loading ? (
        <Loading what={t('sites.loadingWhat')} />
      ) : (
        <>
          <ErrorAlert messages={list.error?.general ?? []} />
          {list.items.length > 0 && config && (
            <SiteMap
              config={config}
              sites={list.items}
              canDecide={list.items.some((site) => site.actions.decide)}
              onDecided={onDecided}
            />
          )}
          {list.items.length === 0 && !list.error ? (
            <EmptyState>
              <p>{status === 'proposed' ? t('sites.noneWaiting') : t('sites.none')}</p>
            </EmptyState>
          ) : (
            <ul class="card-list">
              {list.items.map((site) => (
                <li key={site.id}>
                  <SiteCard site={site} showScheme={manySchemes || liaison}>
                    {(site.actions.decide || decidedHere.has(site.id)) && <SiteDecision site={site} onDecided={onDecided} />}
                    {site.status === 'approved' && site.actions.run_sessions && (
                      <p class="card__actions">
                        <a class="button button--primary button--wide" href={`/speedwatch/sessions/new?site=${site.id}`}>
                          {t('sites.startSession')}
                        </a>
                      </p>
                    )}
                  </SiteCard>
                </li>
              ))}
            </ul>
          )}
          <ShowMoreButton list={list} noun={t('sites.noun')} />
        </>
      )}
    </>
  );
}

/** "3 sites." or, filtered, "3 sites: approved." */
function countText(count: number, status: string): string {
  const n = formatNumber(count);
  if (!status) return t('sites.count', { count, n });
  const label = SITE_STATUS_LABELS[status as SiteStatus]?.toLowerCase() ?? status;
  return t('sites.countWithStatus', { count, n, status: label });
}
