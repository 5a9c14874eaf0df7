// The replies recipients sent about an alert, for its issuer and the force's liaisons. Those
// nobody had read are marked new, and reading them here marks them read.

import { useCallback, useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { formatDateTime, plural } from '../format';
import { usePagedList } from '../hooks';
import type { AlertReply } from '../types';
import { EmptyState } from './EmptyState';
import { ErrorAlert } from './FormField';
import { Loading } from './Loading';
import { ShowMoreButton } from './ShowMoreButton';
import { StatusTag } from './StatusTag';

export function ReplyList({ alertId, unread }: { alertId: number; unread: number }) {
  const fetchPage = useCallback((page: number, signal: AbortSignal) => api.alertReplies(alertId, page, signal), [alertId]);
  const list = usePagedList<AlertReply>(fetchPage);
  // The replies stay marked new while this page is open, though they are now read.
  const [markedRead, setMarkedRead] = useState(false);

  useEffect(() => {
    if (list.loading || list.error || markedRead || !list.items.some((reply) => !reply.read_at)) return;
    api.markRepliesRead(alertId).then(
      () => setMarkedRead(true),
      () => undefined, // they stay unread, to be marked next time
    );
  }, [list.loading, list.items.length, alertId]);

  if (list.loading) return <Loading what="replies" />;
  return (
    <>
      <ErrorAlert messages={list.error?.general ?? []} />
      {unread > 0 && <p class="results__count">{plural(unread, 'new reply', 'new replies')}.</p>}
      {list.items.length === 0 && !list.error ? (
        <EmptyState>
          <p>No replies yet. Recipients can reply from the alert's page; their replies appear here.</p>
        </EmptyState>
      ) : (
        <ul class="card-list">
          {list.items.map((reply) => (
            <li key={reply.id} class={`reply${reply.read_at ? '' : ' reply--unread'}`}>
              <p class="reply__author">
                {!reply.read_at && <StatusTag tone="unread">New</StatusTag>} {reply.author_name},{' '}
                {formatDateTime(reply.created_at)}
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
