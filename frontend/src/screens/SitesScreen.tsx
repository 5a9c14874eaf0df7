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
import { plural, SITE_STATUS_LABELS } from '../format';
import { usePagedList, useTitle } from '../hooks';
import { navigate, useLocation } from '../router';
import { useSession } from '../session';
import { useSpeedwatchAccess } from '../speedwatchAccess';
import type { Site, SiteStatus } from '../api/schemas';
import { choiceParam } from '../queryParams';

const STATUS_CHOICES = () => [
  { value: '', label: 'All sites' },
  ...(Object.keys(SITE_STATUS_LABELS) as SiteStatus[]).map((status) => ({ value: status, label: SITE_STATUS_LABELS[status] })),
];

export function SitesScreen() {
  useTitle('Speedwatch sites');
  return (
    <>
      <BackLink />
      <h1 tabIndex={-1}>Sites</h1>
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
          ? 'Sites proposed by the speedwatch schemes you cover. Approve a site once its risk assessment is sound; sessions can only be held at approved sites.'
          : 'The roadside places where your scheme may hold sessions once the police liaison approves them.'}
      </p>
      {coordinator && (
        <p>
          <a class="button button--secondary button--wide" href="/speedwatch/sites/new">
            Propose a site
          </a>
        </p>
      )}
      <form
        class="filters"
        aria-label="Filter sites"
        onSubmit={(event) => {
          event.preventDefault();
          navigate(chosen ? `/speedwatch/sites?status=${chosen}` : '/speedwatch/sites');
        }}
      >
        <SelectField label="Show" value={chosen} onValue={setChosen} choices={STATUS_CHOICES()} />
        <button type="submit" class="button button--primary button--wide">
          Show sites
        </button>
      </form>
      <p role="status" class="results__count">
        {list.loading ? 'Loading…' : list.error ? '' : `${plural(Math.max(0, list.count - leftList), 'site')}${status ? `: ${SITE_STATUS_LABELS[status as SiteStatus]?.toLowerCase() ?? status}` : ''}.`}
      </p>
      {list.loading ? (
        <Loading what="sites" />
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
              <p>{status === 'proposed' ? 'No sites are waiting for approval.' : 'No sites to show.'}</p>
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
                          Start a session here
                        </a>
                      </p>
                    )}
                  </SiteCard>
                </li>
              ))}
            </ul>
          )}
          <ShowMoreButton list={list} noun="sites" />
        </>
      )}
    </>
  );
}
