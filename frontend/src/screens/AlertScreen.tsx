// "/alerts/:id" — one incident as one thread: an alert, its updates and its cancellation on
// the same page (whichever of them the link names), newest first, with where the incident
// stands. Opening it marks all of it read. Recipients reply to the sender and read the answers
// to their replies; the sender and the force's liaisons see who got it and who read it, read
// and answer the replies, and publish an update or a cancellation.

import { useCallback, useEffect, useState } from 'preact/hooks';
import { useActionResult } from '../actionResult';
import { adviceOf, RESPONSE_TYPE_LABELS } from '../alertGuidance';
import { api, type ApiError } from '../api';
import { noticesRead, repliesRead } from '../alertInbox';
import { alertText, useReadingLanguage, type AlertText } from '../alertText';
import { SurveyLink } from '../surveys/SurveyLink';
import { ActionResult } from '../components/ActionResult';
import { AlertMap, areaCircle, areaText } from '../components/AlertMap';
import { AlertCancelForm, AlertUpdateForm } from '../components/AlertUpdateForm';
import { ApprovalStatus } from '../components/ApprovalStatus';
import { BackLink } from '../components/BackLink';
import { ConfirmAction } from '../components/ConfirmAction';
import { DeliveryFigures } from '../components/DeliveryFigures';
import { ErrorAlert } from '../components/FormField';
import { Loading } from '../components/Loading';
import { MyReplies } from '../components/MyReplies';
import { ReachPreview, reachSentence, useAlertReach } from '../components/ReachPreview';
import { ReplyForm } from '../components/ReplyForm';
import { ReplyList } from '../components/ReplyList';
import { RequireSignIn } from '../components/RequireSignIn';
import { StatusTag } from '../components/StatusTag';
import { TextLanguageSwitch } from '../components/TextLanguageSwitch';
import {
  AUDIENCE_LABELS,
  formatDateTime,
  KIND_LABELS,
  SEVERITY_HINTS,
  SEVERITY_LABELS,
  URGENCY_HINTS,
  URGENCY_LABELS,
} from '../format';
import { asApiError, useTitle } from '../hooks';
import { useSession } from '../session';
import {
  schemeKindsOf,
  type Alert,
  type AlertDetail,
  type AlertInput,
  type AlertStatus,
  type AlertThread,
  type DeliverySummary,
  type Me,
} from '../api/schemas';
import { languageTag, t, type Language } from '../i18n';

export function AlertScreen({ id }: { id: string }) {
  return <RequireSignIn>{(me) => <ThreadLoader me={me} id={id} />}</RequireSignIn>;
}

function ThreadLoader({ me, id }: { me: Me; id: string }) {
  const [thread, setThread] = useState<AlertThread | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useTitle(thread ? alertText(thread.messages[0]).title : t('alert.title'));

  useEffect(() => {
    const abort = new AbortController();
    api.alertThread(Number(id), abort.signal).then(
      (loaded) => {
        if (abort.signal.aborted) return;
        setThread(loaded);
        setError(null);
      },
      (err) => {
        if (!abort.signal.aborted) setError(asApiError(err));
      },
    );
    return () => abort.abort();
  }, [id]);

  // After publishing, updating or cancelling here: the page shows the thread as it is now
  // before saying what was done, so that what is said stands beside what is shown.
  const reload = useCallback(async () => {
    setThread(await api.alertThread(Number(id)));
  }, [id]);

  if (error && !thread) {
    return (
      <>
        <BackLink href="/alerts" label={t('inbox.title')} />
        <h1 tabIndex={-1}>{error.status === 404 ? t('alert.notFound') : t('alert.notShown')}</h1>
        <ErrorAlert
          messages={
            error.status === 404
              ? [t('alert.notFoundWhy')]
              : error.general.length
                ? error.general
                : [error.message]
          }
        />
      </>
    );
  }
  if (!thread) {
    return (
      <>
        <BackLink href="/alerts" label={t('inbox.title')} />
        <h1 tabIndex={-1}>{t('alert.title')}</h1>
        <Loading what={t('alert.noun')} />
      </>
    );
  }
  return <ThreadView me={me} thread={thread} openedId={Number(id)} onChanged={reload} />;
}

// Where an incident stands, as its page says it ("Published" is a message's word).
const INCIDENT_LABELS = (status: AlertStatus): string => t(`alert.incident.${status}`);

const INCIDENT_STATUS_TEXT = (status: AlertStatus): string => t(`alert.incidentText.${status}`);

const MESSAGE_NAMES = (type: Alert['message_type']): string => t(`alert.messageType.${type}`);

function ThreadView({
  me,
  thread,
  openedId,
  onChanged,
}: {
  me: Me;
  thread: AlertThread;
  openedId: number;
  onChanged: () => Promise<void>;
}) {
  const { config } = useSession();
  // Sections where something was done here stay, to say what it was.
  const [publishedHere, setPublishedHere] = useState(false);
  const [changedHere, setChangedHere] = useState(false);
  const latest = thread.messages[0];
  // The first alert: who got it and who read it are counted on it (updates go to the same people).
  const first = thread.messages[thread.messages.length - 1];
  const managesIncident = thread.unread_replies !== null;
  const issuer = managesIncident || latest.actions.manage;
  const [unreadReplies, setUnreadReplies] = useState(thread.unread_replies ?? 0);
  useEffect(() => setUnreadReplies(thread.unread_replies ?? 0), [thread]);

  const circle = areaCircle(latest);
  const advice = adviceOf(latest);
  // The words in the reader's language where the alert has them, with a switch to the other.
  const [reading, setReading] = useReadingLanguage();
  const latestText = alertText(latest, reading);
  return (
    <article class="alert-page">
      <BackLink
        href={issuer ? '/alerts/issued' : '/alerts'}
        label={issuer ? (me.liaison ? t('inbox.forceAlerts') : t('inbox.sentAlerts')) : t('inbox.title')}
      />
      <h1 tabIndex={-1} lang={languageTag(latestText.lang)}>
        {latestText.title}
      </h1>
      {thread.messages.some((message) => message.translation) && (
        <TextLanguageSwitch shown={latestText.lang} onSwitch={setReading} />
      )}
      <ApprovalStatus alert={latest} />
      {latest.actions.approve && (
        <p>
          <a class="button button--primary" href="/alerts/approvals">
            {t('approval.queue.decide')}
          </a>
        </p>
      )}
      <p class="card__meta">
        <StatusTag tone={`severity-${latest.severity.toLowerCase()}`}>
          <span class="visually-hidden">{t('alertTags.severity')}</span>
          {SEVERITY_LABELS[latest.severity]}
        </StatusTag>
        <span>{latest.category_display}</span>
      </p>
      <p class={`incident-status incident-status--${thread.status}`}>
        <StatusTag tone={thread.status}>{INCIDENT_LABELS(thread.status)}</StatusTag>{' '}
        {INCIDENT_STATUS_TEXT(thread.status)}
      </p>
      <ReadMarker thread={thread} />
      {managesIncident && unreadReplies > 0 && (
        <p class="notice notice--pending">
          <a href="#replies-heading">{t('alert.newReplies', { count: unreadReplies, n: unreadReplies })}</a>{' '}
          {t('alert.waitingForAnswer')}
        </p>
      )}
      <dl class="facts">
        <div>
          <dt>{t('alert.category')}</dt>
          <dd>{latest.category_display}</dd>
        </div>
        <div>
          <dt>{t('alert.severity')}</dt>
          <dd>
            {SEVERITY_LABELS[latest.severity]}: {SEVERITY_HINTS[latest.severity]}
          </dd>
        </div>
        <div>
          <dt>{t('alert.urgency')}</dt>
          <dd>
            {URGENCY_LABELS[latest.urgency]}: {URGENCY_HINTS[latest.urgency]}
          </dd>
        </div>
        <div>
          <dt>{thread.status === 'expired' ? t('alert.expired') : t('alert.expires')}</dt>
          <dd>{formatDateTime(latest.expires_at)}</dd>
        </div>
        {issuer && (
          <>
            <div>
              <dt>{t('alert.for')}</dt>
              <dd>
                {AUDIENCE_LABELS[latest.audience]}
                {schemeKindsOf(latest).length > 0 &&
                  t('alert.ofKinds', { kinds: schemeKindsOf(latest).map((kind) => KIND_LABELS[kind] ?? kind).join(', ') })}
              </dd>
            </div>
            <div>
              <dt>{t('alert.public')}</dt>
              <dd>{latest.public ? t('alert.publicYes') : t('alert.publicNo')}</dd>
            </div>
            {advice.response_type && (
              <div>
                <dt>{t('alert.responseAskedFor')}</dt>
                <dd>{RESPONSE_TYPE_LABELS[advice.response_type] ?? advice.response_type}</dd>
              </div>
            )}
          </>
        )}
      </dl>

      <section aria-labelledby="thread-heading">
        <h2 id="thread-heading">{thread.messages.length > 1 ? t('alert.messagesNewestFirst') : t('alert.whatItSays')}</h2>
        <ol class="thread">
          {thread.messages.map((message) => (
            <li key={message.id}>
              <ThreadMessage
                message={message}
                text={alertText(message, reading)}
                opened={thread.messages.length > 1 && message.id === openedId}
                retitled={alertText(message, reading).title !== latestText.title}
              />
            </li>
          ))}
        </ol>
      </section>

      <Advice alert={latest} reading={reading} />

      <section aria-labelledby="area-heading">
        <h2 id="area-heading">{t('scheme.area')}</h2>
        {advice.area_name && <p class="alert-area-name">{advice.area_name}</p>}
        <p>{areaText(latest)}</p>
        {config && <AlertMap config={config} alert={latest} />}
        <ul class="link-list">
          <li>
            <a href={api.areaFeedUrl(circle.lat, circle.lon, circle.radius)}>{t('alert.areaFeed')}</a>
          </li>
          {latest.scheme && (
            <li>
              <a href={api.schemeFeedUrl(latest.scheme.id)}>{t('alert.schemeFeed', { name: latest.scheme.name })}</a>
            </li>
          )}
          {latest.public && latest.status !== 'draft' && (
            <li>
              <a href={api.capUrl(latest.id)}>{t('alert.cap')}</a>
            </li>
          )}
        </ul>
      </section>

      {(latest.status === 'draft' && latest.actions.edit) || publishedHere ? (
        <PublishDraft
          alert={latest}
          onPublished={async () => {
            setPublishedHere(true);
            await onChanged();
          }}
        />
      ) : (
        latest.status === 'draft' &&
        latest.actions.manage &&
        latest.approval !== 'awaiting' && (
          <p class="notice">
            {t('alert.onlyAuthor', { name: latest.issuer_name || t('alert.whoHasLeft') })}
          </p>
        )
      )}
      {first.actions.manage && first.status !== 'draft' && <Delivery alert={first} />}
      {managesIncident && latest.status !== 'draft' && (
        <section aria-labelledby="replies-heading">
          <h2 id="replies-heading" tabIndex={-1}>
            {t('alertSending.replies')}
          </h2>
          {/* The incident's replies, whichever message they answer: read through its first
              message, which stays the same as updates are published here. */}
          <ReplyList
            alertId={first.id}
            unread={unreadReplies}
            onRead={() => {
              setUnreadReplies(0);
              repliesRead(1);
            }}
          />
        </section>
      )}
      {((latest.actions.manage && thread.status === 'published') || changedHere) && (
        <ChangeAlert
          alert={latest}
          canChange={latest.actions.manage && thread.status === 'published'}
          onChanged={async () => {
            setChangedHere(true);
            await onChanged();
          }}
        />
      )}
      {!managesIncident && latest.status !== 'draft' && (
        <section aria-labelledby="reply-heading">
          <h2 id="reply-heading">{t('alert.replyToSender')}</h2>
          <MyReplies alertId={latest.id} userId={me.id}>
            {(onSent) => <ReplyForm alertId={latest.id} onSent={onSent} />}
          </MyReplies>
        </section>
      )}
    </article>
  );
}

/** What the latest message asks of the people it reached, and whom to call. */
function Advice({ alert, reading }: { alert: Alert; reading: Language }) {
  const { contact } = adviceOf(alert);
  // Instructions the other language lacks are shown in the alert's own.
  const chosen = alertText(alert, reading);
  const text = chosen.instruction ? chosen : alertText(alert, alert.language ?? 'en');
  if (!text.instruction && !contact) return null;
  return (
    <section class="notice alert-advice" aria-labelledby="advice-heading">
      <h2 id="advice-heading">{t('alert.whatToDo')}</h2>
      {text.instruction && (
        <p class="description" lang={languageTag(text.lang)}>
          {text.instruction}
        </p>
      )}
      {contact && (
        <p>
          <strong>{t('alert.contact')}</strong> {contact}
        </p>
      )}
    </section>
  );
}

/** One message of the thread: what kind, when, from whom, what it said. */
function ThreadMessage({
  message,
  text,
  opened,
  retitled,
}: {
  message: AlertDetail;
  /** Its words in the language being read. */
  text: AlertText;
  opened: boolean;
  retitled: boolean;
}) {
  const lang = languageTag(text.lang);
  return (
    <article
      class={`thread__message thread__message--${message.message_type.toLowerCase()}`}
      aria-labelledby={`message-${message.id}`}
      aria-current={opened ? 'true' : undefined}
    >
      <h3 class="thread__heading" id={`message-${message.id}`}>
        {MESSAGE_NAMES(message.message_type)}
        {message.published_at ? `, ${formatDateTime(message.published_at)}` : ''}
      </h3>
      <p class="thread__from">
        {message.scheme
          ? t('alert.fromCoordinator', { name: message.issuer_name || 'Patchwatch', scheme: message.scheme.name })
          : t('alert.fromLiaison', { name: message.issuer_name || 'Patchwatch' })}
        {opened && <span class="thread__opened"> {t('alert.linkFollowed')}</span>}
      </p>
      {retitled && (
        <p class="thread__title" lang={lang}>
          {text.title}
        </p>
      )}
      <p class="thread__body description" lang={lang}>
        {text.body}
      </p>
      <SurveyLink body={text.body} />
    </article>
  );
}

function Delivery({ alert }: { alert: Alert }) {
  const [summary, setSummary] = useState<DeliverySummary | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [version, setVersion] = useState(0);
  // The delivery figures are for the alert's sender and the force's liaisons only.
  useEffect(() => {
    const abort = new AbortController();
    api.deliverySummary(alert.id, abort.signal).then(
      (loaded) => {
        if (abort.signal.aborted) return;
        setSummary(loaded);
        setError(null);
      },
      (err) => {
        if (!abort.signal.aborted) setError(asApiError(err));
      },
    );
    return () => abort.abort();
  }, [alert.id, version]);
  return (
    <section aria-labelledby="delivery-heading">
      <h2 id="delivery-heading">{t('delivery.heading')}</h2>
      <ErrorAlert messages={error ? [error.message] : []} />
      {summary ? <DeliveryFigures summary={summary} /> : !error && <Loading what={t('delivery.noun')} />}
      <p>
        <button type="button" class="button button--secondary button--small" onClick={() => setVersion((v) => v + 1)}>
          {t('delivery.refresh')}
        </button>
      </p>
    </section>
  );
}

type ReadState = 'marking' | 'marked' | 'failed' | 'none';

/**
 * Opening the thread marks all of the incident read (every message, on every channel, and
 * answers to the reader's replies). If that fails, a button offers to try again.
 */
function ReadMarker({ thread }: { thread: AlertThread }) {
  const [state, setState] = useState<ReadState>(thread.unread ? 'marking' : 'none');
  const [error, setError] = useState<ApiError | null>(null);
  const latest = thread.messages[0];

  const mark = async () => {
    setState('marking');
    setError(null);
    try {
      await api.markIncidentRead(latest.id);
      noticesRead(1);
      setState('marked');
    } catch (err) {
      setError(asApiError(err));
      setState('failed');
    }
  };

  useEffect(() => {
    if (thread.unread) mark();
    else setState('none');
  }, [thread.incident]);

  if (state === 'none') return null;
  return (
    <div class="read-marker" role="status">
      {state === 'marked' && <p class="read-marker__text">{t('alert.markedRead')}</p>}
      {state === 'marking' && <p class="read-marker__text">{t('alert.markingRead')}</p>}
      {state === 'failed' && (
        <>
          <ErrorAlert messages={error ? [error.message] : []} />
          <button type="button" class="button button--secondary" onClick={mark}>
            {t('inbox.markRead')}
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
    scheme_kinds: schemeKindsOf(alert),
    public: alert.public,
    ...(alert.scheme ? { scheme: alert.scheme.id } : {}),
  };
}

function PublishDraft({ alert, onPublished }: { alert: Alert; onPublished: () => Promise<void> }) {
  const { goWithMessage } = useSession();
  const draft = alert.status === 'draft';
  // Who it would reach, while there is something to publish.
  const reach = useAlertReach(draft ? draftInput(alert) : null);
  const [error, setError] = useState<ApiError | null>(null);
  const published = useActionResult();
  return (
    <section aria-labelledby="publish-heading">
      <h2 id="publish-heading">{t('alertSending.publish')}</h2>
      {draft && (
        <>
          <p>
            <a class="button button--secondary" href={`/alerts/${alert.id}/edit`}>
              {t('composeAlert.titleEdit')}
            </a>
          </p>
          <ReachPreview state={reach} waiting="" would headingLevel={3} />
          <ErrorAlert messages={error ? [error.message] : []} />
          <ConfirmAction
            label={t('alertSending.publish')}
            primary
            question={
              reach.reach
                ? t('alertSending.publishQuestion', { reach: reachSentence(reach.reach) })
                : t('alertSending.publishQuestionShort')
            }
            confirmLabel={t('alertSending.publishNow')}
            result={published}
            onConfirm={async () => {
              setError(null);
              let answer: Alert;
              try {
                answer = await api.publishAlert(alert.id);
              } catch (err) {
                setError(asApiError(err));
                return;
              }
              try {
                await onPublished();
              } catch {
                // Published all the same; the page shows the draft until it is opened again.
              }
              // Held for a second liaison's approval when the force asks for one.
              return answer.approval === 'awaiting' ? t('approval.status.submitted') : t('alertSending.published');
            }}
          />
        </>
      )}
      <ActionResult result={published} />
      {draft && (
        <>
          <h3>{t('alertSending.notNeeded')}</h3>
          <ConfirmAction
            label={t('alertSending.deleteDraft')}
            danger
            question={t('alertSending.deleteQuestion')}
            confirmLabel={t('alertSending.deleteYes')}
            onConfirm={async () => {
              setError(null);
              try {
                await api.deleteDraft(alert.id);
                goWithMessage('/alerts/issued', t('alertSending.deleted'));
              } catch (err) {
                setError(asApiError(err));
              }
            }}
          />
        </>
      )}
    </section>
  );
}

function ChangeAlert({
  alert,
  canChange,
  onChanged,
}: {
  alert: Alert;
  /** False once cancelled (or expired) here: the section stays only to say so. */
  canChange: boolean;
  onChanged: () => Promise<void>;
}) {
  const [open, setOpen] = useState<'update' | 'cancel' | null>(null);
  const changed = useActionResult();
  // The form has done its work: the thread shows the new message, then this says so where
  // the form was (and takes focus, the form being gone).
  const done = async (message: string) => {
    try {
      await onChanged();
    } catch {
      // Sent all the same; the page shows the rest of the thread when it is opened again.
    }
    setOpen(null);
    changed.say(message);
  };
  const openForm = (form: 'update' | 'cancel') => {
    changed.clear();
    setOpen(form);
  };
  return (
    <section aria-labelledby="change-heading">
      <h2 id="change-heading">{t('alertSending.changeHeading')}</h2>
      <ActionResult result={changed} />
      {!canChange ? null : open === 'update' ? (
        <AlertUpdateForm alert={alert} onClose={() => setOpen(null)} onDone={done} />
      ) : open === 'cancel' ? (
        <AlertCancelForm alert={alert} onClose={() => setOpen(null)} onDone={done} />
      ) : (
        <>
          <p>{t('alertSending.changeIntro')}</p>
          <div class="button-row">
            <button type="button" class="button button--secondary" onClick={() => openForm('update')}>
              {t('alertSending.update')}
            </button>
            <button type="button" class="button button--danger-outline" onClick={() => openForm('cancel')}>
              {t('alertSending.cancelAlert')}
            </button>
          </div>
        </>
      )}
    </section>
  );
}
