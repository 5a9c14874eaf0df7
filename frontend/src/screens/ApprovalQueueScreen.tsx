// "/alerts/approvals" — the alerts of a liaison's force that wait for a second liaison's
// approval, oldest first: each with its words, its area on a map and whom it would reach.
// Another liaison approves one (it is then sent, as any alert is) or sends it back to its
// author with a comment; the author's own are listed for them to see, without the choice.

import { useCallback, useEffect, useState } from 'preact/hooks';
import { approvalApi } from '../api';
import { AlertMap, areaText } from '../components/AlertMap';
import { AlertTags } from '../components/AlertTags';
import { BackLink } from '../components/BackLink';
import { ConfirmAction } from '../components/ConfirmAction';
import { EmptyState } from '../components/EmptyState';
import { ErrorAlert } from '../components/FormField';
import { Loading } from '../components/Loading';
import { ReachPreview, reachSentence, type Reach } from '../components/ReachPreview';
import { ReasonForm } from '../components/ReasonForm';
import { RequireSignIn } from '../components/RequireSignIn';
import { ShowMoreButton } from '../components/ShowMoreButton';
import { formatDateTime } from '../format';
import { asApiError, usePagedList, useTitle } from '../hooks';
import { languageTag, t } from '../i18n';
import { alertText, useReadingLanguage } from '../alertText';
import { useSession } from '../session';
import type { AlertDetail, Me } from '../api/schemas';
import { TextLanguageSwitch } from '../components/TextLanguageSwitch';

export function ApprovalQueueScreen() {
  const title = t('approval.queue.title');
  useTitle(title);
  return (
    <>
      <BackLink href="/alerts/issued" label={t('inbox.forceAlerts')} />
      <h1 tabIndex={-1}>{title}</h1>
      <RequireSignIn>{(me) => <Queue me={me} />}</RequireSignIn>
    </>
  );
}

function Queue({ me }: { me: Me }) {
  const { announce } = useSession();
  const fetchPage = useCallback(
    (page: number, signal: AbortSignal) => approvalApi.awaiting(page, signal),
    [me.id],
  );
  const list = usePagedList<AlertDetail>(me.actions.approve_alerts ? fetchPage : null);
  if (!me.actions.approve_alerts) return <p>{t('approval.queue.notALiaison')}</p>;
  if (list.loading) return <Loading />;
  const decided = (alert: AlertDetail, message: string) => {
    list.update((items) => items.filter((item) => item.id !== alert.id));
    announce(message);
  };
  return (
    <>
      <p>{t('approval.queue.intro')}</p>
      <ErrorAlert messages={list.error ? [list.error.message] : []} />
      {list.items.length === 0 ? (
        <EmptyState>{t('approval.queue.empty')}</EmptyState>
      ) : (
        list.items.map((alert) => <Awaiting key={alert.id} alert={alert} onDecided={decided} />)
      )}
      <ShowMoreButton list={list} noun={t('approval.queue.noun')} />
    </>
  );
}

/** Whom the alert would reach, asked of the server once. */
function useReach(id: number): Reach {
  const [state, setState] = useState<Reach>({ loading: true, reach: null, error: null });
  useEffect(() => {
    const abort = new AbortController();
    approvalApi.reach(id, abort.signal).then(
      (reach) => !abort.signal.aborted && setState({ loading: false, reach, error: null }),
      (error) => !abort.signal.aborted && setState({ loading: false, reach: null, error: asApiError(error) }),
    );
    return () => abort.abort();
  }, [id]);
  return state;
}

function Awaiting({
  alert,
  onDecided,
}: {
  alert: AlertDetail;
  onDecided: (alert: AlertDetail, message: string) => void;
}) {
  const { config } = useSession();
  const reach = useReach(alert.id);
  const [reading, setReading] = useReadingLanguage();
  const text = alertText(alert, reading);
  const [sendingBack, setSendingBack] = useState(false);
  const [problem, setProblem] = useState<string[]>([]);
  const [commentErrors, setCommentErrors] = useState<string[] | undefined>();
  const headingId = `awaiting-${alert.id}`;
  return (
    <article class="card awaiting-approval" aria-labelledby={headingId}>
      <h2 class="card__title" id={headingId} lang={languageTag(text.lang)}>
        {text.title}
      </h2>
      {alert.translation && <TextLanguageSwitch shown={text.lang} onSwitch={setReading} />}
      <AlertTags alert={alert} />
      <p class="card__meta">
        {t('approval.queue.submittedBy', {
          name: alert.issuer_name || t('issuedAlerts.someoneWhoLeft'),
          when: formatDateTime(alert.created_at),
        })}
        {alert.scheme ? t('issuedAlerts.forScheme', { name: alert.scheme.name }) : ''}
      </p>
      <p class="alert-body" lang={languageTag(text.lang)}>
        {text.body}
      </p>
      {text.instruction && (
        <p lang={languageTag(text.lang)}>
          <strong>{t('approval.queue.whatToDo')}</strong> {text.instruction}
        </p>
      )}
      <p>{areaText(alert)}</p>
      {config && <AlertMap config={config} alert={alert} />}
      <ReachPreview state={reach} waiting="" would headingLevel={3} />
      <ErrorAlert messages={problem} />
      {alert.actions.approve ? (
        <div class="button-row">
          <ConfirmAction
            label={t('approval.queue.approve')}
            primary
            question={
              reach.reach
                ? t('approval.queue.approveQuestion', { reach: reachSentence(reach.reach) })
                : t('approval.queue.approveQuestionShort')
            }
            confirmLabel={t('approval.queue.approveNow')}
            onConfirm={async () => {
              setProblem([]);
              try {
                await approvalApi.approve(alert.id);
              } catch (error) {
                setProblem([asApiError(error).message]);
                return;
              }
              onDecided(alert, t('approval.queue.approved', { title: alert.title }));
            }}
          />
          {!sendingBack && (
            <button type="button" class="button button--secondary" onClick={() => setSendingBack(true)}>
              {t('approval.queue.sendBack')}
            </button>
          )}
        </div>
      ) : (
        <p class="notice">{t('approval.queue.yours')}</p>
      )}
      {sendingBack && (
        <ReasonForm
          label={t('approval.queue.comment')}
          hint={t('approval.queue.commentHint')}
          submitLabel={t('approval.queue.sendBackNow')}
          maxLength={1000}
          errors={commentErrors}
          onCancel={() => setSendingBack(false)}
          onSubmit={async (comment) => {
            if (!comment) {
              setCommentErrors([t('approval.queue.commentMissing')]);
              return;
            }
            setCommentErrors(undefined);
            try {
              await approvalApi.sendBack(alert.id, comment);
            } catch (error) {
              const apiError = asApiError(error);
              setCommentErrors(apiError.fields.comment);
              setProblem(apiError.otherMessages(['comment']));
              return;
            }
            onDecided(alert, t('approval.queue.sentBack', { title: alert.title }));
          }}
        />
      )}
    </article>
  );
}
