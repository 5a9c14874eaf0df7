// "/review" — a police liaison's queue of proposed schemes in their force.

import { useCallback, useRef, useState } from 'preact/hooks';
import { api, type ApiError } from '../api';
import { EmptyState } from '../components/EmptyState';
import { ErrorAlert } from '../components/FormField';
import { Loading } from '../components/Loading';
import { ReasonForm } from '../components/ReasonForm';
import { RequireSignIn } from '../components/RequireSignIn';
import { SchemeCard } from '../components/SchemeCard';
import { ShowMoreButton } from '../components/ShowMoreButton';
import { asApiError, keepFocusNear, usePagedList, useTitle } from '../hooks';
import { useSession } from '../session';
import type { Me, SchemeSummary } from '../types';

export function ReviewQueueScreen() {
  useTitle('Review queue');
  return (
    <>
      <h1 tabIndex={-1}>Review queue</h1>
      <RequireSignIn>{(me) => <ProposalList me={me} />}</RequireSignIn>
    </>
  );
}

function ProposalList({ me }: { me: Me }) {
  const force = me.liaison?.force ?? '';
  const fetchPage = useCallback(
    (page: number, signal: AbortSignal) =>
      api.schemes({ status: 'proposed', force: force || undefined, ordering: '-created_at', page, page_size: 20 }, signal),
    [force],
  );
  const list = usePagedList<SchemeSummary>(me.liaison ? fetchPage : null);

  if (!me.liaison) {
    return <p>Only police liaison officers review proposed schemes.</p>;
  }
  return (
    <>
      <p>Schemes proposed in the {me.liaison.force_name} area, newest first. Approve one to list it in the directory.</p>
      {list.loading ? (
        <Loading what="proposals" />
      ) : (
        <>
          <ErrorAlert messages={list.error?.general ?? []} />
          {list.items.length === 0 && !list.error ? (
            <EmptyState>
              <p>No schemes are waiting for review. New proposals will appear here.</p>
            </EmptyState>
          ) : (
            <ul class="card-list">
              {list.items.map((scheme) => (
                <li key={scheme.id}>
                  <ProposalCard
                    scheme={scheme}
                    onDecided={() => list.update((items) => items.filter((item) => item.id !== scheme.id))}
                  />
                </li>
              ))}
            </ul>
          )}
          <ShowMoreButton list={list} noun="proposals" />
        </>
      )}
    </>
  );
}

function ProposalCard({ scheme, onDecided }: { scheme: SchemeSummary; onDecided: () => void }) {
  const { announce } = useSession();
  const [declining, setDeclining] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const anchor = useRef<HTMLSpanElement>(null);

  const decide = async (approve: boolean, reason = '') => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await api.setSchemeStatus(scheme.id, approve ? 'active' : 'closed', reason);
      announce(approve ? `${scheme.name} is approved and now appears in the directory.` : `The proposal for ${scheme.name} has been declined.`);
      keepFocusNear(anchor.current);
      onDecided();
    } catch (err) {
      setError(asApiError(err));
      setBusy(false);
    }
  };

  const headingId = `proposal-${scheme.id}`;
  return (
    <SchemeCard scheme={scheme} headingLevel={2}>
      <span id={headingId} ref={anchor} class="visually-hidden">
        {scheme.name}
      </span>
      <ErrorAlert messages={error ? error.otherMessages(declining ? ['reason'] : []) : []} />
      {declining ? (
        <ReasonForm
          submitLabel="Decline"
          hint="The proposer will see this reason."
          errors={error?.fields.reason}
          onSubmit={(reason) => decide(false, reason)}
          onCancel={() => {
            setDeclining(false);
            setError(null);
          }}
        />
      ) : (
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
          <button type="button" class="button button--danger-outline" aria-describedby={headingId} onClick={() => setDeclining(true)}>
            Decline
          </button>
        </div>
      )}
    </SchemeCard>
  );
}
