// Pending requests to join, each with Approve and Decline. Used on a
// scheme's members page and on the coordinator's queue across schemes.

import { useRef, useState } from 'preact/hooks';
import { api, type ApiError } from '../api';
import { formatDate } from '../format';
import { asApiError, keepFocusNear, type PagedList } from '../hooks';
import { useSession } from '../session';
import type { Member, SchemeKind } from '../types';
import { EmptyState } from './EmptyState';
import { ErrorAlert } from './FormField';
import { Loading } from './Loading';
import { MemberContact } from './MemberContact';
import { KindTag } from './SchemeCard';
import { ShowMoreButton } from './ShowMoreButton';

type Request = Member & { scheme?: { id: number; name: string; kind: SchemeKind } };

export function JoinRequestQueue<T extends Request>({
  list,
  schemeId,
  emptyText,
  onDecided,
  headingLevel = 3,
}: {
  list: PagedList<T>;
  /** 2 when the queue sits straight under the page heading. */
  headingLevel?: 2 | 3;
  /** The scheme, when every request belongs to the same one. */
  schemeId?: number;
  emptyText: string;
  onDecided?: (request: T, approved: boolean) => void;
}) {
  if (list.loading) return <Loading what="join requests" />;
  return (
    <>
      <ErrorAlert messages={list.error?.general ?? []} />
      {list.items.length === 0 && !list.error ? (
        <EmptyState>
          <p>{emptyText}</p>
        </EmptyState>
      ) : (
        <ul class="card-list">
          {list.items.map((request) => (
            <li key={request.id}>
              <JoinRequestCard
                request={request}
                schemeId={schemeId ?? request.scheme?.id ?? 0}
                showScheme={schemeId === undefined}
                headingLevel={headingLevel}
                onDecided={(approved) => {
                  list.update((items) => items.filter((item) => item.id !== request.id));
                  onDecided?.(request, approved);
                }}
              />
            </li>
          ))}
        </ul>
      )}
      <ShowMoreButton list={list} noun="requests" />
    </>
  );
}

function JoinRequestCard({
  request,
  schemeId,
  showScheme,
  headingLevel,
  onDecided,
}: {
  request: Request;
  schemeId: number;
  showScheme: boolean;
  headingLevel: 2 | 3;
  onDecided: (approved: boolean) => void;
}) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const { announce } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const headingId = `request-${request.id}-name`;
  const cardRef = useRef<HTMLElement>(null);
  const who = request.user.name || request.user.email;
  const schemeName = showScheme && request.scheme ? request.scheme.name : '';

  const decide = async (approve: boolean) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      if (approve) await api.approveMember(schemeId, request.id);
      else await api.declineMember(schemeId, request.id);
      announce(
        approve
          ? `${who} is now a member${schemeName ? ` of ${schemeName}` : ''}.`
          : `The request from ${who}${schemeName ? ` to join ${schemeName}` : ''} was declined.`,
      );
      keepFocusNear(cardRef.current);
      onDecided(approve);
    } catch (err) {
      setError(asApiError(err));
      setBusy(false);
    }
  };

  return (
    <article class="card" ref={cardRef}>
      <Heading class="card__title" id={headingId}>
        {who}
      </Heading>
      {showScheme && request.scheme && (
        <p class="card__meta">
          <span>
            Wants to join <a href={`/schemes/${request.scheme.id}`}>{request.scheme.name}</a>
          </span>{' '}
          <KindTag kind={request.scheme.kind} />
        </p>
      )}
      <p class="card__detail">Asked on {formatDate(request.requested_at)}</p>
      {request.message && (
        <blockquote class="card__message">
          <p>{request.message}</p>
        </blockquote>
      )}
      <MemberContact user={request.user} />
      <ErrorAlert messages={error ? [...error.general, ...Object.values(error.fields).flat()] : []} />
      <div class="button-row">
        <button
          type="button"
          class="button button--primary"
          aria-describedby={headingId}
          aria-disabled={busy ? 'true' : undefined}
          onClick={() => decide(true)}
        >
          Approve
        </button>
        <button
          type="button"
          class="button button--danger-outline"
          aria-describedby={headingId}
          aria-disabled={busy ? 'true' : undefined}
          onClick={() => decide(false)}
        >
          Decline
        </button>
      </div>
    </article>
  );
}
