// Pending requests to join, each with Approve and Decline. Used on a scheme's members page
// and on the queue across a coordinator's schemes. A decided request stays where it was,
// saying what happened (announced by screen readers); a decline, with its optional reason,
// can be undone there for a few minutes before the requester is told.

import { useEffect, useRef, useState } from 'preact/hooks';
import { useActionResult } from '../actionResult';
import { api, type ApiError } from '../api';
import { formatDate, formatTime } from '../format';
import { asApiError, type PagedList } from '../hooks';
import { joinRequestsChanged } from '../joinRequestCount';
import type { Member, SchemeKind } from '../api/schemas';
import { EmptyState } from './EmptyState';
import { ActionResult } from './ActionResult';
import { ErrorAlert } from './FormField';
import { Loading } from './Loading';
import { MemberContact } from './MemberContact';
import { ReasonForm } from './ReasonForm';
import { KindTag } from './SchemeCard';
import { ShowMoreButton } from './ShowMoreButton';
import { t } from '../i18n';

type Request = Member & { scheme?: { id: number; name: string; kind: SchemeKind } };

export type Decision = 'approved' | 'declined' | 'undone';

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
  onDecided?: (request: T, decision: Decision) => void;
}) {
  if (list.loading) return <Loading what={t('joinQueue.loadingWhat')} />;
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
                onDecided={(decision) => onDecided?.(request, decision)}
              />
            </li>
          ))}
        </ul>
      )}
      <ShowMoreButton list={list} noun={t('joinQueue.noun')} />
    </>
  );
}

type CardState =
  | { step: 'waiting' }
  | { step: 'declining' }
  | { step: 'approved' }
  | { step: 'declined'; undoUntil: string | null };

/** Whether a time has passed (true for none), drawn again when it comes. */
function usePassed(iso: string | null): boolean {
  const [, redraw] = useState(0);
  const wait = iso ? Date.parse(iso) - Date.now() : 0;
  useEffect(() => {
    if (wait <= 0) return;
    // Timers cannot wait longer than about 24 days; an undo window is minutes.
    const timer = window.setTimeout(() => redraw((n) => n + 1), Math.min(wait + 50, 2 ** 31 - 1));
    return () => window.clearTimeout(timer);
  }, [iso, wait > 0]);
  return wait <= 0;
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
  onDecided: (decision: Decision) => void;
}) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const [state, setState] = useState<CardState>({ step: 'waiting' });
  const result = useActionResult();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const headingId = `request-${request.id}-name`;
  const cardRef = useRef<HTMLElement>(null);
  const undoRef = useRef<HTMLButtonElement>(null);
  const approveRef = useRef<HTMLButtonElement>(null);
  const who = request.user.name || request.user.email;
  const schemeName = request.scheme?.name ?? '';
  const undoPassed = usePassed(state.step === 'declined' ? state.undoUntil : null);
  const tooLate = state.step === 'declined' && undoPassed;
  useEffect(() => {
    if (tooLate) result.say(t('joinQueue.tooLate', { who }));
  }, [tooLate]);

  const act = async (action: () => Promise<void>) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  const approve = () =>
    act(async () => {
      await api.approveMember(schemeId, request.id);
      setState({ step: 'approved' });
      result.say(
        showScheme && schemeName ? t('joinQueue.approvedOf', { who, scheme: schemeName }) : t('joinQueue.approved', { who }),
      );
      joinRequestsChanged(-1);
      onDecided('approved');
      focusNextRequest(cardRef.current);
    });

  const decline = (reason: string) =>
    act(async () => {
      const declined = await api.declineMemberWithReason(schemeId, request.id, reason);
      const until = declined.decline_undo_until ?? null;
      setState({ step: 'declined', undoUntil: until });
      result.say(
        until
          ? reason
            ? t('joinQueue.declinedUntilWithReason', { who, time: formatTime(until) })
            : t('joinQueue.declinedUntil', { who, time: formatTime(until) })
          : t('joinQueue.declined', { who }),
      );
      joinRequestsChanged(-1);
      onDecided('declined');
      requestAnimationFrame(() => undoRef.current?.focus());
    });

  const undo = () =>
    act(async () => {
      await api.undoDecline(schemeId, request.id);
      setState({ step: 'waiting' });
      result.say(t('joinQueue.undone', { who }));
      joinRequestsChanged(1);
      onDecided('undone');
      requestAnimationFrame(() => approveRef.current?.focus());
    });

  return (
    <article class={`card join-request join-request--${state.step}`} ref={cardRef}>
      <Heading class="card__title" id={headingId}>
        {who}
      </Heading>
      {showScheme && request.scheme && (
        <p class="card__meta">
          <span>
            {t('joinQueue.wantsToJoin')} <a href={`/schemes/${request.scheme.id}`}>{request.scheme.name}</a>
          </span>{' '}
          <KindTag kind={request.scheme.kind} />
        </p>
      )}
      <p class="card__detail">{t('joinQueue.askedOn', { date: formatDate(request.requested_at) })}</p>
      {request.message && (
        <blockquote class="card__message">
          <p>{request.message}</p>
        </blockquote>
      )}
      <MemberContact user={request.user} />
      <ErrorAlert messages={error ? error.otherMessages(state.step === 'declining' ? ['reason'] : []) : []} />
      {state.step === 'waiting' && (
        <div class="button-row">
          <button
            ref={approveRef}
            type="button"
            class="button button--primary"
            aria-describedby={headingId}
            aria-disabled={busy ? 'true' : undefined}
            onClick={approve}
          >
            {t('joinQueue.approve')}
          </button>
          <button
            type="button"
            class="button button--danger-outline"
            aria-describedby={headingId}
            onClick={() => {
              setError(null);
              result.clear();
              setState({ step: 'declining' });
            }}
          >
            {t('joinQueue.decline')}
          </button>
        </div>
      )}
      {state.step === 'declining' && (
        <div role="group" aria-label={t('joinQueue.declineGroup', { who })}>
          <ReasonForm
            label={t('joinQueue.reason')}
            required={false}
            maxLength={500}
            hint={t('joinQueue.reasonHint', { who })}
            submitLabel={t('joinQueue.declineRequest')}
            errors={error?.fields.reason}
            onSubmit={decline}
            onCancel={() => {
              setError(null);
              setState({ step: 'waiting' });
            }}
          />
        </div>
      )}
      <ActionResult result={result} />
      {state.step === 'declined' && !undoPassed && (
        <div class="button-row">
          <button
            ref={undoRef}
            type="button"
            class="button button--secondary"
            aria-describedby={headingId}
            aria-disabled={busy ? 'true' : undefined}
            onClick={undo}
          >
            {t('joinQueue.undo')}
          </button>
        </div>
      )}
    </article>
  );
}

/** After a request is approved its buttons go: focus moves on to the next request still
 * waiting, or to the page heading. */
function focusNextRequest(card: Element | null): void {
  requestAnimationFrame(() => {
    const item = card?.closest('li');
    let next = item?.nextElementSibling ?? null;
    while (next && !next.querySelector('.join-request--waiting')) next = next.nextElementSibling;
    const target =
      next?.querySelector<HTMLElement>('.join-request--waiting button') ?? document.querySelector<HTMLElement>('main h1');
    target?.focus();
  });
}
