// "/alerts/:id" — one alert: what it says, where (on a map), how severe and urgent. Opening
// it marks it read. Recipients reply to the sender; the sender and the force's liaisons
// see who got it and who read it, read the replies, and publish an update or a cancellation.

import { useEffect, useState } from 'preact/hooks';
import { api, type ApiError } from '../api';
import { noticesRead } from '../alertInbox';
import { AlertMap, areaCircle, areaText } from '../components/AlertMap';
import { AlertTags } from '../components/AlertTags';
import { AlertCancelForm, AlertUpdateForm } from '../components/AlertUpdateForm';
import { BackLink } from '../components/BackLink';
import { ConfirmAction } from '../components/ConfirmAction';
import { DeliveryFigures } from '../components/DeliveryFigures';
import { ErrorAlert } from '../components/FormField';
import { Loading } from '../components/Loading';
import { ReachPreview, reachSentence, useAlertReach } from '../components/ReachPreview';
import { ReplyForm } from '../components/ReplyForm';
import { ReplyList } from '../components/ReplyList';
import { RequireSignIn } from '../components/RequireSignIn';
import {
  ALERT_STATUS_LABELS,
  AUDIENCE_LABELS,
  formatDateTime,
  KIND_LABELS,
  SEVERITY_HINTS,
  URGENCY_HINTS,
} from '../format';
import { asApiError, useTitle } from '../hooks';
import { useSession } from '../session';
import type { Alert, AlertDetail, AlertInput, DeliverySummary, Me, Notice } from '../types';

export function AlertScreen({ id }: { id: string }) {
  return <RequireSignIn>{(me) => <AlertLoader me={me} id={id} />}</RequireSignIn>;
}

function AlertLoader({ me, id }: { me: Me; id: string }) {
  const [alert, setAlert] = useState<AlertDetail | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [version, setVersion] = useState(0);
  useTitle(alert?.title ?? 'Alert');

  useEffect(() => {
    const abort = new AbortController();
    api.alert(id, abort.signal).then(
      (loaded) => {
        if (abort.signal.aborted) return;
        setAlert(loaded);
        setError(null);
      },
      (err) => {
        if (!abort.signal.aborted) setError(asApiError(err));
      },
    );
    return () => abort.abort();
  }, [id, version]);

  if (error && !alert) {
    return (
      <>
        <BackLink href="/alerts" label="Alerts" />
        <h1 tabIndex={-1}>{error.status === 404 ? 'Alert not found' : 'This alert could not be shown'}</h1>
        <ErrorAlert
          messages={
            error.status === 404
              ? ['It may be for an area you are not in, or the link may be wrong.']
              : error.general.length
                ? error.general
                : [error.message]
          }
        />
      </>
    );
  }
  if (!alert) {
    return (
      <>
        <BackLink href="/alerts" label="Alerts" />
        <h1 tabIndex={-1}>Alert</h1>
        <Loading what="alert" />
      </>
    );
  }
  return <AlertView me={me} alert={alert} onChanged={() => setVersion((v) => v + 1)} />;
}

function AlertView({ me, alert, onChanged }: { me: Me; alert: AlertDetail; onChanged: () => void }) {
  const { config } = useSession();
  const manages = alert.can_manage;
  const [summary, setSummary] = useState<DeliverySummary | null>(null);
  const [summaryError, setSummaryError] = useState<ApiError | null>(null);
  const [summaryVersion, setSummaryVersion] = useState(0);

  // The delivery figures are for the alert's sender and the force's liaisons only.
  useEffect(() => {
    if (!manages || alert.status === 'draft') return;
    const abort = new AbortController();
    api.deliverySummary(alert.id, abort.signal).then(
      (loaded) => {
        if (abort.signal.aborted) return;
        setSummary(loaded);
        setSummaryError(null);
      },
      (err) => {
        if (!abort.signal.aborted) setSummaryError(asApiError(err));
      },
    );
    return () => abort.abort();
  }, [alert.id, alert.status, manages, summaryVersion]);

  const circle = areaCircle(alert);
  return (
    <article class="alert-page">
      <BackLink
        href={manages ? '/alerts/issued' : '/alerts'}
        label={manages ? (me.liaison ? 'Alerts in your force' : 'Sent alerts') : 'Alerts'}
      />
      <h1 tabIndex={-1}>{alert.title}</h1>
      <AlertTags alert={alert} />
      <StatusNotice alert={alert} />
      <ReadMarker alert={alert} onMarked={() => setSummaryVersion((v) => v + 1)} />
      <p class="alert-page__body description">{alert.body}</p>
      <dl class="facts">
        <div>
          <dt>Category</dt>
          <dd>{alert.category_display}</dd>
        </div>
        <div>
          <dt>Severity</dt>
          <dd>
            {alert.severity}: {SEVERITY_HINTS[alert.severity]}
          </dd>
        </div>
        <div>
          <dt>Urgency</dt>
          <dd>
            {alert.urgency}: {URGENCY_HINTS[alert.urgency]}
          </dd>
        </div>
        <div>
          <dt>From</dt>
          <dd>
            {alert.issuer_name || 'Patchwatch'}
            {alert.scheme ? `, coordinator of ${alert.scheme.name}` : ', police liaison'}
          </dd>
        </div>
        <div>
          <dt>{alert.published_at ? 'Published' : 'Drafted'}</dt>
          <dd>{formatDateTime(alert.published_at ?? alert.created_at)}</dd>
        </div>
        <div>
          <dt>{alert.status === 'expired' ? 'Expired' : 'Expires'}</dt>
          <dd>{formatDateTime(alert.expires_at)}</dd>
        </div>
        {manages && (
          <>
            <div>
              <dt>For</dt>
              <dd>
                {AUDIENCE_LABELS[alert.audience]}
                {alert.scheme_kinds.length > 0 &&
                  ` of ${alert.scheme_kinds.map((kind) => KIND_LABELS[kind] ?? kind).join(', ')} schemes`}
              </dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>
                {ALERT_STATUS_LABELS[alert.status]}
                {alert.public ? ', public' : ''}
              </dd>
            </div>
          </>
        )}
      </dl>

      <section aria-labelledby="area-heading">
        <h2 id="area-heading">Area</h2>
        <p>{areaText(alert)}</p>
        {config && <AlertMap config={config} alert={alert} />}
        <ul class="link-list">
          <li>
            <a href={api.areaFeedUrl(circle.lat, circle.lon, circle.radius)}>Feed of public alerts in this area (Atom)</a>
          </li>
          {alert.scheme && (
            <li>
              <a href={api.schemeFeedUrl(alert.scheme.id)}>Feed of {alert.scheme.name}’s public alerts (Atom)</a>
            </li>
          )}
          {alert.public && alert.status !== 'draft' && (
            <li>
              <a href={api.capUrl(alert.id)}>This alert as CAP 1.2</a>
            </li>
          )}
        </ul>
      </section>

      {alert.status === 'draft' &&
        (alert.can_edit ? (
          <PublishDraft alert={alert} onPublished={onChanged} />
        ) : (
          manages && (
            <p class="notice">
              Only its author, {alert.issuer_name || 'who has left'}, can edit, publish or delete this draft.
            </p>
          )
        ))}
      {manages && alert.status !== 'draft' && (
        <>
          <section aria-labelledby="delivery-heading">
            <h2 id="delivery-heading">Who got it and who read it</h2>
            <ErrorAlert messages={summaryError ? [summaryError.message] : []} />
            {summary ? <DeliveryFigures summary={summary} /> : !summaryError && <Loading what="delivery figures" />}
            <p>
              <button
                type="button"
                class="button button--secondary button--small"
                onClick={() => setSummaryVersion((v) => v + 1)}
              >
                Refresh the figures
              </button>
            </p>
          </section>
          <section aria-labelledby="replies-heading">
            <h2 id="replies-heading">Replies</h2>
            <ReplyList alertId={alert.id} unread={alert.unread_replies ?? 0} />
          </section>
          {alert.status === 'published' && alert.message_type !== 'Cancel' && <ChangeAlert alert={alert} />}
        </>
      )}
      {!manages && alert.status !== 'draft' && (
        <section aria-labelledby="reply-heading">
          <h2 id="reply-heading">Reply to the sender</h2>
          <ReplyForm alertId={alert.id} />
        </section>
      )}
    </article>
  );
}

function StatusNotice({ alert }: { alert: Alert }) {
  const earlier = alert.references ? <a href={`/alerts/${alert.references}`}>the earlier alert</a> : 'an earlier alert';
  return (
    <>
      {alert.message_type === 'Update' && <p class="notice notice--pending">This is an update to {earlier}.</p>}
      {alert.message_type === 'Cancel' && (
        <p class="notice notice--pending">This cancels {earlier}. The reason is given below.</p>
      )}
      {alert.status === 'updated' && (
        <p class="notice notice--pending">
          This alert has been replaced by an update. <a href="/alerts">See your alerts</a> for the latest.
        </p>
      )}
      {alert.status === 'cancelled' && <p class="notice notice--pending">This alert has been cancelled.</p>}
      {alert.status === 'expired' && <p class="notice">This alert has expired.</p>}
      {alert.status === 'draft' && <p class="notice notice--pending">This is a draft: nobody has been sent it yet.</p>}
    </>
  );
}

type ReadState = 'checking' | 'marking' | 'marked' | 'unread' | 'none';

/**
 * Opening an alert marks it read (on every channel it came by). If that fails, a button
 * offers to try again.
 */
function ReadMarker({ alert, onMarked }: { alert: Alert; onMarked: () => void }) {
  const [state, setState] = useState<ReadState>('checking');
  const [notices, setNotices] = useState<Notice[]>([]);
  const [error, setError] = useState<ApiError | null>(null);

  const mark = async (unread: Notice[]) => {
    setState('marking');
    setError(null);
    try {
      const { marked } = await api.markRead(unread.map((notice) => notice.id));
      noticesRead(marked);
      setState('marked');
      onMarked();
    } catch (err) {
      setError(asApiError(err));
      setState('unread');
    }
  };

  useEffect(() => {
    let live = true;
    (async () => {
      // Only unread notices matter, and there are seldom many.
      const found: Notice[] = [];
      for (let page = 1; page <= 5; page++) {
        const data = await api.inbox({ unread: true, page, page_size: 100 });
        found.push(...data.results.filter((notice) => notice.alert.id === alert.id));
        if (!data.next) break;
      }
      return found;
    })().then(
      (found) => {
        if (!live) return;
        setNotices(found);
        if (found.length) mark(found);
        else setState('none');
      },
      () => live && setState('none'),
    );
    return () => {
      live = false;
    };
  }, [alert.id]);

  if (state === 'none' || state === 'checking') return null;
  return (
    <div class="read-marker">
      {state === 'marked' && <p class="read-marker__text">Marked as read.</p>}
      {state === 'marking' && <p class="read-marker__text">Marking as read…</p>}
      {state === 'unread' && (
        <>
          <ErrorAlert messages={error ? [error.message] : []} />
          <button type="button" class="button button--secondary" onClick={() => mark(notices)}>
            Mark as read
          </button>
        </>
      )}
    </div>
  );
}

function draftInput(alert: Alert): AlertInput {
  const area = alert.boundary
    ? { boundary: alert.boundary }
    : { lat: alert.lat, lon: alert.lon, radius_m: alert.radius_m ?? 50 };
  return {
    ...area,
    title: alert.title,
    body: alert.body,
    category: alert.category,
    severity: alert.severity,
    urgency: alert.urgency,
    audience: alert.audience,
    scheme_kinds: alert.scheme_kinds,
    public: alert.public,
    ...(alert.scheme ? { scheme: alert.scheme.id } : {}),
  };
}

function PublishDraft({ alert, onPublished }: { alert: Alert; onPublished: () => void }) {
  const { announce, goWithMessage } = useSession();
  const reach = useAlertReach(draftInput(alert));
  const [error, setError] = useState<ApiError | null>(null);
  return (
    <section aria-labelledby="publish-heading">
      <h2 id="publish-heading">Publish</h2>
      <p>
        <a class="button button--secondary" href={`/alerts/${alert.id}/edit`}>
          Edit draft
        </a>
      </p>
      <ReachPreview state={reach} waiting="" verb="would reach" headingLevel={3} />
      <ErrorAlert messages={error ? [error.message] : []} />
      <ConfirmAction
        label="Publish"
        primary
        question={reach.reach ? `Send this alert now to ${reachSentence(reach.reach)}?` : 'Send this alert now?'}
        confirmLabel="Publish now"
        onConfirm={async () => {
          setError(null);
          try {
            await api.publishAlert(alert.id);
            announce('Alert published. It is on its way to everyone it reaches.');
            onPublished();
          } catch (err) {
            setError(asApiError(err));
          }
        }}
      />
      <h3>Not needed after all?</h3>
      <ConfirmAction
        label="Delete draft"
        danger
        question="Delete this draft? It has not been sent to anyone."
        confirmLabel="Yes, delete it"
        onConfirm={async () => {
          setError(null);
          try {
            await api.deleteDraft(alert.id);
            goWithMessage('/alerts/issued', 'Draft deleted.');
          } catch (err) {
            setError(asApiError(err));
          }
        }}
      />
    </section>
  );
}

function ChangeAlert({ alert }: { alert: Alert }) {
  const [open, setOpen] = useState<'update' | 'cancel' | null>(null);
  return (
    <section aria-labelledby="change-heading">
      <h2 id="change-heading">Update or cancel</h2>
      {open === 'update' ? (
        <AlertUpdateForm alert={alert} onClose={() => setOpen(null)} />
      ) : open === 'cancel' ? (
        <AlertCancelForm alert={alert} onClose={() => setOpen(null)} />
      ) : (
        <>
          <p>Both go to everyone who had the alert.</p>
          <div class="button-row">
            <button type="button" class="button button--secondary" onClick={() => setOpen('update')}>
              Update
            </button>
            <button type="button" class="button button--danger-outline" onClick={() => setOpen('cancel')}>
              Cancel alert
            </button>
          </div>
        </>
      )}
    </section>
  );
}
