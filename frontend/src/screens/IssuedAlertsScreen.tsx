// "/alerts/issued" — the alerts a coordinator sent, or (for a liaison) every alert in their
// force, newest first: drafts to finish, how each one went and whether replies are waiting.
// ?status= picks one status; a liaison's ?mine=1 shows only their own; ?replies=1 only those
// with replies nobody has read.

import { useCallback, useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { refreshUnreadReplies, useUnreadReplyCount } from '../alertInbox';
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
import type { AlertDetail, AlertStatus, Me } from '../api/schemas';

const ISSUER_CHOICES = [
  { value: '', label: 'Everyone in your force' },
  { value: '1', label: 'You' },
];

const REPLY_CHOICES = [
  { value: '', label: 'With or without' },
  { value: '1', label: 'With new replies' },
];

const STATUS_CHOICES = () => [
  { value: '', label: 'All alerts' },
  ...(Object.keys(ALERT_STATUS_LABELS) as AlertStatus[]).map((status) => ({ value: status, label: ALERT_STATUS_LABELS[status] })),
];

export function IssuedAlertsScreen() {
  return <RequireSignIn>{(me) => <IssuedAlerts me={me} />}</RequireSignIn>;
}

function IssuedAlerts({ me }: { me: Me }) {
  const liaison = me.liaison !== null;
  const title = liaison ? 'Alerts in your force' : 'Sent alerts';
  useTitle(title);
  const { query } = useLocation();
  const status = query.get('status') ?? '';
  // A coordinator's list is always their own; a liaison chooses.
  const mine = !liaison || query.get('mine') === '1';
  const withReplies = query.get('replies') === '1';
  const [chosen, setChosen] = useState(status);
  const [chosenIssuer, setChosenIssuer] = useState(mine && liaison ? '1' : '');
  const [chosenReplies, setChosenReplies] = useState(withReplies ? '1' : '');
  useEffect(() => setChosen(status), [status]);
  useEffect(() => setChosenIssuer(mine && liaison ? '1' : ''), [mine, liaison]);
  useEffect(() => setChosenReplies(withReplies ? '1' : ''), [withReplies]);

  const fetchPage = useCallback(
    (page: number, signal: AbortSignal) =>
      api.alerts(
        {
          status: status as AlertStatus,
          page,
          ...(mine ? { mine: true } : {}),
          ...(withReplies ? { unread_replies: true } : {}),
        },
        signal,
      ),
    [status, mine, withReplies, me.id],
  );
  const list = usePagedList<AlertDetail>(fetchPage);
  const issuer = me.actions.issue_alerts;
  const waitingReplies = useUnreadReplyCount();
  useEffect(() => {
    if (issuer) refreshUnreadReplies(me.id);
  }, [issuer, me.id]);

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
              : 'The alerts you have sent for the schemes you coordinate, and your drafts.'}
          </p>
          <p>
            <a class="button button--primary button--wide" href="/alerts/new">
              New alert
            </a>
          </p>
          {!!waitingReplies && !withReplies && (
            <p class="notice notice--pending">
              <a href="/alerts/issued?replies=1">
                {waitingReplies === 1 ? '1 alert has' : `${waitingReplies} alerts have`} new replies
              </a>{' '}
              waiting to be read.
            </p>
          )}
          <form
            class="filters"
            aria-label="Filter alerts"
            onSubmit={(event) => {
              event.preventDefault();
              const params = new URLSearchParams();
              if (chosen) params.set('status', chosen);
              if (liaison && chosenIssuer) params.set('mine', '1');
              if (chosenReplies) params.set('replies', '1');
              navigate(params.size ? `/alerts/issued?${params}` : '/alerts/issued');
            }}
          >
            <SelectField label="Show" value={chosen} onValue={setChosen} choices={STATUS_CHOICES()} />
            {liaison && (
              <SelectField label="Issued by" value={chosenIssuer} onValue={setChosenIssuer} choices={ISSUER_CHOICES} />
            )}
            <SelectField label="Replies" value={chosenReplies} onValue={setChosenReplies} choices={REPLY_CHOICES} />
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
                  <p>{withReplies ? 'No new replies waiting.' : status === 'draft' ? 'No drafts.' : 'No alerts yet.'}</p>
                </EmptyState>
              ) : (
                <ul class="card-list">
                  {list.items.map((alert) => (
                    <li key={alert.id}>
                      <IssuedAlertCard alert={alert} showIssuer={liaison ? !mine : me.coordinator_of.length > 1} />
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
