// The replies recipients sent about an incident (to any of its messages), for its issuer and
// the force's liaisons, newest first. Those nobody had read are marked new, and reading them
// here marks them read. Each can be answered: its author finds the answer on the alert's page.

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { useActionResult } from '../actionResult';
import { api, ApiError } from '../api';
import { formatDateTime, formatNumber } from '../format';
import { t } from '../i18n';
import { usePagedList, useSubmission } from '../hooks';
import type { AlertReply } from '../api/schemas';
import { ActionResult } from './ActionResult';
import { EmptyState } from './EmptyState';
import { ErrorAlert, SubmitButton, TextAreaField } from './FormField';
import { Loading } from './Loading';
import { ShowMoreButton } from './ShowMoreButton';
import { StatusTag } from './StatusTag';

export function ReplyList({ alertId, unread, onRead }: { alertId: number; unread: number; onRead?: () => void }) {
  const fetchPage = useCallback((page: number, signal: AbortSignal) => api.alertReplies(alertId, page, signal), [alertId]);
  const list = usePagedList<AlertReply>(fetchPage);
  // The replies stay marked new while this page is open, though they are now read.
  const [markedRead, setMarkedRead] = useState(false);

  useEffect(() => {
    if (list.loading || list.error || markedRead || !list.items.some((reply) => !reply.read_at)) return;
    api.markRepliesRead(alertId).then(
      () => {
        setMarkedRead(true);
        onRead?.();
      },
      () => undefined, // they stay unread, to be marked next time
    );
  }, [list.loading, list.items.length, alertId]);

  if (list.loading) return <Loading what={t('replies.noun')} />;
  const fresh = list.items.filter((reply) => !reply.read_at).length;
  return (
    <>
      <ErrorAlert messages={list.error?.general ?? []} />
      <p class="results__count" role="status">
        {markedRead
          ? t('replyList.nowRead', { count: fresh, n: formatNumber(fresh) })
          : unread > 0
            ? `${t('replyList.newReplies', { count: unread, n: formatNumber(unread) })}.`
            : list.items.length > 0
              ? t('replyList.noNewReplies')
              : ''}
      </p>
      {list.items.length === 0 && !list.error ? (
        <EmptyState>
          <p>{t('replyList.none')}</p>
        </EmptyState>
      ) : (
        <ul class="card-list">
          {list.items.map((reply) => (
            <li key={reply.id} class={`reply${reply.read_at ? '' : ' reply--unread'}`}>
              <p class="reply__author">
                {!reply.read_at && <StatusTag tone="unread">{t('replyList.new')}</StatusTag>} {reply.author_name},{' '}
                {formatDateTime(reply.created_at)}
              </p>
              <p class="reply__body">{reply.body}</p>
              <ReplyAnswer
                alertId={alertId}
                reply={reply}
                onAnswered={(answered) =>
                  list.update((items) => items.map((item) => (item.id === answered.id ? { ...answered, read_at: item.read_at } : item)))
                }
              />
            </li>
          ))}
        </ul>
      )}
      <ShowMoreButton list={list} noun={t('replies.noun')} />
    </>
  );
}

/** The answer to one reply, or the way to give (or correct) it. */
function ReplyAnswer({
  alertId,
  reply,
  onAnswered,
}: {
  alertId: number;
  reply: AlertReply;
  onAnswered: (reply: AlertReply) => void;
}) {
  const submission = useSubmission();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState(reply.answer);
  const sent = useActionResult();
  const openRef = useRef<HTMLButtonElement>(null);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (open) formRef.current?.querySelector<HTMLElement>('textarea')?.focus();
  }, [open]);

  const onSubmit = (event: Event) => {
    event.preventDefault();
    submission.run(async () => {
      const answer = text.trim();
      if (!answer) throw new ApiError(400, { answer: [t('replyList.answerEmpty')] }, []);
      const answered = await api.answerReply(alertId, reply.id, answer);
      onAnswered(answered);
      close();
      sent.say(t('replyList.answerSent', { name: reply.author_name }));
    });
  };

  const close = () => {
    setOpen(false);
    requestAnimationFrame(() => openRef.current?.focus());
  };

  return (
    <>
      {open ? (
        <form
          ref={formRef}
          class="reply__answer-form"
          onSubmit={onSubmit}
          noValidate
          onKeyDown={(event) => {
            if (event.key === 'Escape') close();
          }}
        >
          <ErrorAlert messages={submission.otherErrors(['answer'])} />
          <TextAreaField
            label={t('replyList.answerLabel', { name: reply.author_name })}
            hint={t('replyList.answerHint')}
            rows={3}
            maxLength={2000}
            value={text}
            onValue={(value) => {
              setText(value);
              if (value.trim() && submission.fieldErrors('answer')) submission.setError(null);
            }}
            errors={submission.fieldErrors('answer')}
          />
          <div class="button-row">
            <SubmitButton busy={submission.busy} busyText={t('replyForm.sending')}>
              {t('replyList.sendAnswer')}
            </SubmitButton>
            <button type="button" class="button button--secondary" onClick={close}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      ) : (
        reply.answered_at && (
          <div class="reply__answer">
            <p class="reply__author">
              {t('replyList.answeredBy', {
                name: reply.answered_by_name || t('replyList.someoneWhoLeft'),
                when: formatDateTime(reply.answered_at),
              })}
            </p>
            <p class="reply__body">{reply.answer}</p>
          </div>
        )
      )}
      <ActionResult result={sent} />
      {!open && (
        <p class="card__actions">
          <button
            ref={openRef}
            type="button"
            class="button button--secondary button--small"
            aria-label={
              reply.answered_at
                ? t('replyList.changeAnswerTo', { name: reply.author_name })
                : t('replyList.answerTo', { name: reply.author_name })
            }
            onClick={() => {
              sent.clear();
              setText(reply.answer);
              setOpen(true);
            }}
          >
            {reply.answered_at ? t('replyList.changeAnswer') : t('replyList.answer')}
          </button>
        </p>
      )}
    </>
  );
}
