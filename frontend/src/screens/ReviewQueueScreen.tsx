// "/review" — a police liaison's queue of proposed schemes in their force. Each card shows
// what the liaison needs to decide: who proposed it, its area on a map, what it says about
// itself, and its history so far. A decided proposal stays where it was, saying what was
// decided, until the queue is shown again.

import { useCallback, useEffect, useState } from 'preact/hooks';
import { useActionResult } from '../actionResult';
import { api, type ApiError } from '../api';
import { ActionResult } from '../components/ActionResult';
import { AreaMap } from '../components/AreaMap';
import { EmptyState } from '../components/EmptyState';
import { ErrorAlert } from '../components/FormField';
import { HistoryList } from '../components/HistoryList';
import { Loading } from '../components/Loading';
import { ReasonForm } from '../components/ReasonForm';
import { RequireSignIn } from '../components/RequireSignIn';
import { SchemeCard } from '../components/SchemeCard';
import { ShowMoreButton } from '../components/ShowMoreButton';
import { formatDate, formatRadius, SHORT_STATUS_LABELS } from '../format';
import { asApiError, usePagedList, useTitle } from '../hooks';
import { useSession } from '../session';
import { liaisonForce, type Me, type Scheme, type SchemeStatus, type SchemeSummary, type StatusChange } from '../api/schemas';
import { t } from '../i18n';

export function ReviewQueueScreen() {
  useTitle(t('review.title'));
  return (
    <>
      <h1 tabIndex={-1}>{t('review.title')}</h1>
      <RequireSignIn>{(me) => <ProposalList me={me} />}</RequireSignIn>
    </>
  );
}

function ProposalList({ me }: { me: Me }) {
  const force = liaisonForce(me);
  const fetchPage = useCallback(
    (page: number, signal: AbortSignal) =>
      api.schemes({ status: 'proposed', force, ordering: '-created_at', page, page_size: 20 }, signal),
    [force],
  );
  const list = usePagedList<SchemeSummary>(me.actions.review_schemes ? fetchPage : null);

  if (!me.actions.review_schemes) {
    return <p>{t('review.onlyLiaisons')}</p>;
  }
  return (
    <>
      <p>{t('review.intro', { force: me.liaison?.force_name ?? '' })}</p>
      {list.loading ? (
        <Loading what={t('review.loadingWhat')} />
      ) : (
        <>
          <ErrorAlert messages={list.error?.general ?? []} />
          {list.items.length === 0 && !list.error ? (
            <EmptyState>
              <p>{t('review.none')}</p>
            </EmptyState>
          ) : (
            <ul class="card-list">
              {list.items.map((scheme) => (
                <li key={scheme.id}>
                  <ProposalCard
                    scheme={scheme}
                    onDecided={(status) =>
                      list.update((items) => items.map((item) => (item.id === scheme.id ? { ...item, status } : item)))
                    }
                  />
                </li>
              ))}
            </ul>
          )}
          <ShowMoreButton list={list} noun={t('review.noun')} />
        </>
      )}
    </>
  );
}

/** The proposal's details and status history, read when its card is shown. */
function useProposal(id: number): { scheme: Scheme | null; history: StatusChange[] | null; error: ApiError | null } {
  const [scheme, setScheme] = useState<Scheme | null>(null);
  const [history, setHistory] = useState<StatusChange[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    let live = true;
    Promise.all([api.scheme(id), api.statusHistory(id)]).then(
      ([details, changes]) => {
        if (!live) return;
        setScheme(details);
        setHistory(changes.results);
      },
      (err) => live && setError(asApiError(err)),
    );
    return () => {
      live = false;
    };
  }, [id]);
  return { scheme, history, error };
}

function ProposalDetails({ summary, scheme, history }: { summary: SchemeSummary; scheme: Scheme; history: StatusChange[] }) {
  const { config } = useSession();
  const proposed = history.find((change) => change.to_status === 'proposed' && !change.from_status);
  const area = summary.boundary
    ? t('review.drawnBoundary')
    : summary.radius_m
      ? t('review.within', { radius: formatRadius(summary.radius_m) })
      : '';
  return (
    <div class="proposal">
      <dl class="card__facts">
        <div>
          <dt>{t('review.proposedBy')}</dt>
          <dd>
            {scheme.proposer ? (
              <>
                {scheme.proposer.name} (<a href={`mailto:${scheme.proposer.email}`}>{scheme.proposer.email}</a>)
              </>
            ) : (
              t('review.notKnown')
            )}
            {proposed && `, ${formatDate(proposed.at)}`}
          </dd>
        </div>
        {area && (
          <div>
            <dt>{t('review.area')}</dt>
            <dd>{area}</dd>
          </div>
        )}
      </dl>
      {scheme.description && <p class="card__detail proposal__description">{scheme.description}</p>}
      {config && <AreaMap config={config} scheme={summary} />}
      <h3 class="proposal__heading">{t('review.history')}</h3>
      <HistoryList entries={history} labels={SHORT_STATUS_LABELS} />
    </div>
  );
}

function ProposalCard({ scheme, onDecided }: { scheme: SchemeSummary; onDecided: (status: SchemeStatus) => void }) {
  const proposal = useProposal(scheme.id);
  const [declining, setDeclining] = useState(false);
  const [decided, setDecided] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const result = useActionResult();

  const decide = async (approve: boolean, reason = '') => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const status = approve ? 'active' : 'closed';
      await api.setSchemeStatus(scheme.id, status, reason);
      setDecided(true);
      onDecided(status);
      setDeclining(false);
      result.say(approve ? t('schemeStatusAction.approved', { name: scheme.name }) : t('schemeStatusAction.declined', { name: scheme.name }));
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  const headingId = `proposal-${scheme.id}`;
  return (
    <SchemeCard scheme={scheme} headingLevel={2}>
      <span id={headingId} class="visually-hidden">
        {scheme.name}
      </span>
      {proposal.error ? (
        <ErrorAlert messages={[t('review.unreadable', { problem: proposal.error.message })]} />
      ) : proposal.scheme && proposal.history ? (
        <ProposalDetails summary={scheme} scheme={proposal.scheme} history={proposal.history} />
      ) : (
        <Loading what={t('review.loadingProposal')} />
      )}
      <ErrorAlert messages={error ? error.otherMessages(declining ? ['reason'] : []) : []} />
      <ActionResult result={result} />
      {!proposal.scheme?.actions.review || decided ? null : declining ? (
        <ReasonForm
          submitLabel={t('schemeStatusAction.decline')}
          hint={t('schemeStatusAction.proposerSees')}
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
            {t('schemeStatusAction.approve')}
          </button>
          <button type="button" class="button button--danger-outline" aria-describedby={headingId} onClick={() => setDeclining(true)}>
            {t('schemeStatusAction.decline')}
          </button>
        </div>
      )}
    </SchemeCard>
  );
}
