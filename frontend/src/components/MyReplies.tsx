// A recipient's own replies about an incident, with the answers of whoever sent the alert
// (or the force's liaison), above the form to send another.

import type { ComponentChildren } from 'preact';
import { useCallback } from 'preact/hooks';
import { api } from '../api';
import { formatDateTime } from '../format';
import { usePagedList } from '../hooks';
import type { AlertReply } from '../api/schemas';
import { ErrorAlert } from './FormField';
import { ShowMoreButton } from './ShowMoreButton';
import { t } from '../i18n';

export function MyReplies({
  alertId,
  userId,
  children,
}: {
  alertId: number;
  userId: number;
  /** The reply form; it calls `onSent` when a reply has gone, to show it here. */
  children: (onSent: () => void) => ComponentChildren;
}) {
  const fetchPage = useCallback(
    (page: number, signal: AbortSignal) => api.alertReplies(alertId, page, signal),
    [alertId, userId],
  );
  const list = usePagedList<AlertReply>(fetchPage);
  return (
    <>
      <ErrorAlert messages={list.error?.general ?? []} />
      {list.items.length > 0 && (
        <>
          <h3>{t('replies.yours')}</h3>
          <ul class="card-list">
            {list.items.map((reply) => (
              <li key={reply.id} class="reply">
                <p class="reply__author">{t('replies.youWrote', { when: formatDateTime(reply.created_at) })}</p>
                <p class="reply__body">{reply.body}</p>
                {reply.answered_at ? (
                  <div class="reply__answer">
                    <p class="reply__author">
                      {t('replies.answerFrom', { name: reply.answered_by_name || t('replies.theSender'), when: formatDateTime(reply.answered_at) })}
                    </p>
                    <p class="reply__body">{reply.answer}</p>
                  </div>
                ) : (
                  <p class="field-hint">{t('replies.noAnswer')}</p>
                )}
              </li>
            ))}
          </ul>
          <ShowMoreButton list={list} noun={t('replies.noun')} />
        </>
      )}
      {children(() => list.reload())}
    </>
  );
}
