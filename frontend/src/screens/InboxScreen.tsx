// "/alerts" — the alerts that reached the signed-in user, one card per incident (an alert
// with its updates and cancellation: the latest of them), newest first, unread ones marked.
// Liaisons and coordinators also find here the way to send an alert and to those they sent,
// with how many have replies waiting.

import { useCallback, useEffect, useState } from 'preact/hooks';
import { useActionResult, type ActionResultState } from '../actionResult';
import { api } from '../api';
import { noticesRead, refreshUnreadReplies, useUnreadReplyCount } from '../alertInbox';
import { ActionResult } from '../components/ActionResult';
import { EmptyState } from '../components/EmptyState';
import { ErrorAlert } from '../components/FormField';
import { Loading } from '../components/Loading';
import { NoticeCard } from '../components/NoticeCard';
import { RequireSignIn } from '../components/RequireSignIn';
import { ShowMoreButton } from '../components/ShowMoreButton';
import { formatNumber } from '../format';
import { asApiError, usePagedList, useTitle } from '../hooks';
import { navigate, useLocation } from '../router';
import { isLiaison } from '../session';
import type { ApiError } from '../api';
import type { Me, Notice } from '../api/schemas';
import { t } from '../i18n';
import { alertText } from '../alertText';
import { SurveysWaiting } from '../surveys/SurveysWaiting';

export function InboxScreen() {
  useTitle(t('inbox.title'));
  return (
    <>
      <h1 tabIndex={-1}>{t('inbox.title')}</h1>
      <RequireSignIn>{(me) => <Inbox me={me} />}</RequireSignIn>
    </>
  );
}

function Inbox({ me }: { me: Me }) {
  const { query } = useLocation();
  const unreadOnly = query.get('unread') === 'true';
  const fetchPage = useCallback(
    (page: number, signal: AbortSignal) => api.inbox({ unread: unreadOnly, page }, signal),
    [unreadOnly],
  );
  const list = usePagedList<Notice>(fetchPage);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const issuer = me.actions.issue_alerts;
  const waitingReplies = useUnreadReplyCount();
  useEffect(() => {
    if (issuer) refreshUnreadReplies(me.id);
  }, [issuer, me.id]);

  // Marked alerts stay where they were, read, saying so (beside the button that was pressed),
  // until the inbox is shown again; the count of unread ones follows them.
  const [readHere, setReadHere] = useState(0);
  useEffect(() => setReadHere(0), [unreadOnly]);
  const allResult = useActionResult();
  const clearAll = allResult.clear;
  useEffect(clearAll, [unreadOnly]);

  const markRead = async (notices: Notice[], result: ActionResultState) => {
    if (busy || !notices.length) return;
    setBusy(true);
    setError(null);
    result.clear();
    try {
      await api.markRead(notices.map((notice) => notice.id));
      const ids = new Set(notices.map((notice) => notice.alert.id));
      const now = new Date().toISOString();
      list.update((items) =>
        items.map((item) => (ids.has(item.alert.id) ? { ...item, unread: false, new_answer: false, read_at: now } : item)),
      );
      if (unreadOnly) setReadHere((count) => count + notices.length);
      // One card is one incident, whatever number of notices that was.
      noticesRead(notices.length);
      result.say(
        notices.length === 1
          ? t('inbox.markedOne', { title: alertText(notices[0].alert).title })
          : t('inbox.markedMany', { count: notices.length, n: formatNumber(notices.length) }),
      );
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  const unreadShown = list.items.filter((notice) => notice.unread);
  return (
    <>
      <p>
        {t('inbox.intro')}
      </p>
      {issuer && (
        <p class="button-row">
          <a class="button button--primary" href="/alerts/new">
            {t('inbox.newAlert')}
          </a>
          <a class="button button--secondary" href={waitingReplies ? '/alerts/issued?replies=1' : '/alerts/issued'}>
            {isLiaison(me) ? t('inbox.forceAlerts') : t('inbox.sentAlerts')}
            {!!waitingReplies && (
              <span class="button__count">
                {' '}
                ({t('inbox.withNewReplies', { count: waitingReplies, n: formatNumber(waitingReplies) })})
              </span>
            )}
          </a>
        </p>
      )}
      <SurveysWaiting />
      <p>
        <a href="/alerts/settings">{t('inbox.settings')}</a>
        {t('inbox.settingsWhat')}
      </p>
      <div class="results__header">
        <h2 id="inbox-heading" tabIndex={-1}>
          {unreadOnly ? t('inbox.unreadAlerts') : t('inbox.allAlerts')}
        </h2>
        <div class="view-toggle" role="group" aria-label={t('inbox.show')}>
          <button
            type="button"
            class="view-toggle__button"
            aria-pressed={!unreadOnly}
            onClick={() => navigate('/alerts')}
          >
            {t('inbox.all')}
          </button>
          <button
            type="button"
            class="view-toggle__button"
            aria-pressed={unreadOnly}
            onClick={() => navigate('/alerts?unread=true')}
          >
            {t('inbox.unread')}
          </button>
        </div>
      </div>
      <p role="status" class="results__count">
        {list.loading
          ? t('common.loading')
          : list.error
            ? ''
            : t(unreadOnly ? 'inbox.unreadCount' : 'inbox.count', {
                count: Math.max(0, list.count - readHere),
                n: formatNumber(Math.max(0, list.count - readHere)),
              })}
      </p>
      <ErrorAlert messages={[...(list.error?.general ?? []), ...(error ? [error.message] : [])]} />
      {list.loading ? (
        <Loading what={t('inbox.alertsNoun')} />
      ) : (
        <>
          <div class="mark-all">
            {unreadShown.length > 1 && (
              <button
                type="button"
                class="button button--secondary button--wide"
                aria-disabled={busy ? 'true' : undefined}
                onClick={() => markRead(unreadShown, allResult)}
              >
                {t('inbox.markAll', { n: formatNumber(unreadShown.length) })}
              </button>
            )}
            <ActionResult result={allResult} />
          </div>
          {list.items.length === 0 && !list.error ? (
            <EmptyState>
              <p>{unreadOnly ? t('inbox.nothingUnread') : t('inbox.none')}</p>
            </EmptyState>
          ) : (
            <ul class="card-list">
              {list.items.map((notice) => (
                <li key={notice.id}>
                  <InboxCard notice={notice} busy={busy} onMarkRead={(result) => markRead([notice], result)} />
                </li>
              ))}
            </ul>
          )}
          <ShowMoreButton list={list} noun={t('inbox.alertsNoun')} />
        </>
      )}
    </>
  );
}

/** One incident in the inbox, with its own Mark as read, and what that did said where it was. */
function InboxCard({
  notice,
  busy,
  onMarkRead,
}: {
  notice: Notice;
  busy: boolean;
  onMarkRead: (result: ActionResultState) => void;
}) {
  const result = useActionResult();
  return (
    <NoticeCard notice={notice}>
      {notice.unread && (
        <p class="card__actions">
          <button
            type="button"
            class="button button--secondary button--small"
            aria-disabled={busy ? 'true' : undefined}
            aria-label={t('inbox.markReadLabel', { title: alertText(notice.alert).title })}
            onClick={() => onMarkRead(result)}
          >
            {t('inbox.markRead')}
          </button>
        </p>
      )}
      <ActionResult result={result} />
    </NoticeCard>
  );
}
