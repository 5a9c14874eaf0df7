// "/alerts/issued" — the alerts a coordinator sent for their schemes, or (for a liaison) every
// alert in their force, newest first: drafts to publish, and how each one went.

import { useCallback, useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { BackLink } from '../components/BackLink';
import { EmptyState } from '../components/EmptyState';
import { ErrorAlert, SelectField } from '../components/FormField';
import { IssuedAlertCard } from '../components/IssuedAlertCard';
import { Loading } from '../components/Loading';
import { RequireSignIn } from '../components/RequireSignIn';
import { ShowMoreButton } from '../components/ShowMoreButton';
import { ALERT_STATUS_LABELS, plural } from '../format';
import { usePagedList, useTitle } from '../hooks';
import { navigate, useLocation } from '../router';
import type { Alert, AlertStatus, Me, Page } from '../types';

const STATUS_CHOICES = [
  { value: '', label: 'All alerts' },
  ...(Object.keys(ALERT_STATUS_LABELS) as AlertStatus[]).map((status) => ({ value: status, label: ALERT_STATUS_LABELS[status] })),
];

export function IssuedAlertsScreen() {
  return <RequireSignIn>{(me) => <IssuedAlerts me={me} />}</RequireSignIn>;
}

/**
 * The API lists every alert a person may see, including those they only received. A
 * coordinator's own are those issued for a scheme they coordinate (every coordinator's
 * alert is issued for one), so theirs are picked out here from the whole list.
 */
async function coordinatorsAlerts(me: Me, status: string, signal: AbortSignal): Promise<Page<Alert>> {
  const mine: Alert[] = [];
  for (let page = 1; page <= 5; page++) {
    const data = await api.alerts({ status: status as AlertStatus, page, page_size: 100 }, signal);
    mine.push(...data.results.filter((alert) => alert.scheme && me.coordinator_of.includes(alert.scheme.id)));
    if (!data.next) break;
  }
  return { count: mine.length, next: null, previous: null, results: mine };
}

function IssuedAlerts({ me }: { me: Me }) {
  const liaison = me.liaison !== null;
  const title = liaison ? 'Alerts in your force' : 'Sent alerts';
  useTitle(title);
  const { query } = useLocation();
  const status = query.get('status') ?? '';
  const [chosen, setChosen] = useState(status);
  useEffect(() => setChosen(status), [status]);

  const fetchPage = useCallback(
    (page: number, signal: AbortSignal) =>
      liaison
        ? api.alerts({ status: status as AlertStatus, page }, signal)
        : coordinatorsAlerts(me, status, signal),
    [status, liaison, me.id],
  );
  const list = usePagedList<Alert>(fetchPage);
  const issuer = liaison || me.coordinator_of.length > 0;

  return (
    <>
      <BackLink href="/alerts" label="Alerts" />
      <h1 tabIndex={-1}>{title}</h1>
      {!issuer ? (
        <p>Alerts are sent by police liaisons and scheme coordinators.</p>
      ) : (
        <>
          <p>
            {liaison
              ? `Every alert issued in the ${me.liaison!.force_name} area, by you or by scheme coordinators, and those that reached you.`
              : 'The alerts sent for the schemes you coordinate, and your drafts.'}
          </p>
          <p>
            <a class="button button--primary button--wide" href="/alerts/new">
              New alert
            </a>
          </p>
          <form
            class="filters"
            aria-label="Filter alerts"
            onSubmit={(event) => {
              event.preventDefault();
              navigate(chosen ? `/alerts/issued?status=${chosen}` : '/alerts/issued');
            }}
          >
            <SelectField label="Show" value={chosen} onValue={setChosen} choices={STATUS_CHOICES} />
            <button type="submit" class="button button--primary button--wide">
              Show alerts
            </button>
          </form>
          <p role="status" class="results__count">
            {list.loading ? 'Loading…' : list.error ? '' : `${plural(list.count, 'alert')}.`}
          </p>
          {list.loading ? (
            <Loading what="alerts" />
          ) : (
            <>
              <ErrorAlert messages={list.error?.general ?? []} />
              {list.items.length === 0 && !list.error ? (
                <EmptyState>
                  <p>{status === 'draft' ? 'No drafts.' : 'No alerts yet.'}</p>
                </EmptyState>
              ) : (
                <ul class="card-list">
                  {list.items.map((alert) => (
                    <li key={alert.id}>
                      <IssuedAlertCard alert={alert} showIssuer={liaison || me.coordinator_of.length > 1} />
                    </li>
                  ))}
                </ul>
              )}
              <ShowMoreButton list={list} noun="alerts" />
            </>
          )}
        </>
      )}
    </>
  );
}
