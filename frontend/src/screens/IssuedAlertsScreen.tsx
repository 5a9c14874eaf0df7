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
import { ApprovalLinks } from '../components/ApprovalLinks';
import { Loading } from '../components/Loading';
import { RequireSignIn } from '../components/RequireSignIn';
import { ShowMoreButton } from '../components/ShowMoreButton';
import { ALERT_STATUS_LABELS, formatNumber } from '../format';
import { t } from '../i18n';
import { usePagedList, useTitle } from '../hooks';
import { navigate, useLocation } from '../router';
import type { AlertDetail, AlertStatus, Me } from '../api/schemas';

const ISSUER_CHOICES = () => [
  { value: '', label: t('issuedAlerts.everyoneInForce') },
  { value: '1', label: t('issuedAlerts.you') },
];

const REPLY_CHOICES = () => [
  { value: '', label: t('issuedAlerts.withOrWithout') },
  { value: '1', label: t('issuedAlerts.withNewReplies') },
];

const STATUS_CHOICES = () => [
  { value: '', label: t('inbox.allAlerts') },
  ...(Object.keys(ALERT_STATUS_LABELS) as AlertStatus[]).map((status) => ({ value: status, label: ALERT_STATUS_LABELS[status] })),
];

export function IssuedAlertsScreen() {
  return <RequireSignIn>{(me) => <IssuedAlerts me={me} />}</RequireSignIn>;
}

function IssuedAlerts({ me }: { me: Me }) {
  const liaison = me.liaison !== null;
  const title = liaison ? t('inbox.forceAlerts') : t('inbox.sentAlerts');
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
      <BackLink href="/alerts" label={t('inbox.title')} />
      <h1 tabIndex={-1}>{title}</h1>
      {!issuer ? (
        <p>{t('issuedAlerts.notAnIssuer')}</p>
      ) : (
        <>
          <p>
            {liaison
              ? t('issuedAlerts.introLiaison', { force: me.liaison!.force_name })
              : t('issuedAlerts.introCoordinator')}
          </p>
          <p>
            <a class="button button--primary button--wide" href="/alerts/new">
              {t('inbox.newAlert')}
            </a>
          </p>
          <ApprovalLinks me={me} />
          {!!waitingReplies && !withReplies && (
            <p class="notice notice--pending">
              <a href="/alerts/issued?replies=1">
                {t('issuedAlerts.alertsWithReplies', { count: waitingReplies, n: formatNumber(waitingReplies) })}
              </a>{' '}
              {t('issuedAlerts.waitingToBeRead')}
            </p>
          )}
          <form
            class="filters"
            aria-label={t('issuedAlerts.filter')}
            onSubmit={(event) => {
              event.preventDefault();
              const params = new URLSearchParams();
              if (chosen) params.set('status', chosen);
              if (liaison && chosenIssuer) params.set('mine', '1');
              if (chosenReplies) params.set('replies', '1');
              navigate(params.size ? `/alerts/issued?${params}` : '/alerts/issued');
            }}
          >
            <SelectField label={t('inbox.show')} value={chosen} onValue={setChosen} choices={STATUS_CHOICES()} />
            {liaison && (
              <SelectField
                label={t('issuedAlerts.issuedBy')}
                value={chosenIssuer}
                onValue={setChosenIssuer}
                choices={ISSUER_CHOICES()}
              />
            )}
            <SelectField
              label={t('alertSending.replies')}
              value={chosenReplies}
              onValue={setChosenReplies}
              choices={REPLY_CHOICES()}
            />
            <button type="submit" class="button button--primary button--wide">
              {t('issuedAlerts.showAlerts')}
            </button>
          </form>
          <p role="status" class="results__count">
            {list.loading
              ? t('common.loading')
              : list.error
                ? ''
                : t('inbox.count', { count: list.count, n: formatNumber(list.count) })}
          </p>
          {list.loading ? (
            <Loading what={t('inbox.alertsNoun')} />
          ) : (
            <>
              <ErrorAlert messages={list.error?.general ?? []} />
              {list.items.length === 0 && !list.error ? (
                <EmptyState>
                  <p>
                    {withReplies
                      ? t('issuedAlerts.noRepliesWaiting')
                      : status === 'draft'
                        ? t('issuedAlerts.noDrafts')
                        : t('issuedAlerts.noAlerts')}
                  </p>
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
              <ShowMoreButton list={list} noun={t('inbox.alertsNoun')} />
            </>
          )}
        </>
      )}
    </>
  );
}
