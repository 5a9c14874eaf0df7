// The replies recipients sent about an alert, for its issuer and the force's liaisons.

import { useCallback } from 'preact/hooks';
import { api } from '../api';
import { formatDateTime } from '../format';
import { usePagedList } from '../hooks';
import type { AlertReply } from '../types';
import { EmptyState } from './EmptyState';
import { ErrorAlert } from './FormField';
import { Loading } from './Loading';
import { ShowMoreButton } from './ShowMoreButton';

export function ReplyList({ alertId }: { alertId: number }) {
  const fetchPage = useCallback((page: number, signal: AbortSignal) => api.alertReplies(alertId, page, signal), [alertId]);
  const list = usePagedList<AlertReply>(fetchPage);
  if (list.loading) return <Loading what="replies" />;
  return (
    <>
      <ErrorAlert messages={list.error?.general ?? []} />
      {list.items.length === 0 && !list.error ? (
        <EmptyState>
          <p>No replies yet.</p>
        </EmptyState>
      ) : (
        <ul class="card-list">
          {list.items.map((reply) => (
            <li key={reply.id} class="reply">
              <p class="reply__author">
                {reply.author_name}, {formatDateTime(reply.created_at)}
              </p>
              <p class="reply__body">{reply.body}</p>
            </li>
          ))}
        </ul>
      )}
      <ShowMoreButton list={list} noun="replies" />
    </>
  );
}
