// "/my-schemes" — the schemes the signed-in user belongs to or asked to join. It is a
// coordinator's home (where signing in takes them): the join requests waiting come first.

import { useCallback } from 'preact/hooks';
import { api } from '../api';
import { EmptyState } from '../components/EmptyState';
import { ErrorAlert } from '../components/FormField';
import { Loading } from '../components/Loading';
import { RequireSignIn } from '../components/RequireSignIn';
import { SchemeCard } from '../components/SchemeCard';
import { ShowMoreButton } from '../components/ShowMoreButton';
import { formatDate, plural, ROLE_LABELS } from '../format';
import { usePagedList, useTitle } from '../hooks';
import { useJoinRequestCount } from '../joinRequestCount';
import type { Membership } from '../api/schemas';

export function MySchemesScreen() {
  useTitle('My schemes');
  return (
    <>
      <h1 tabIndex={-1}>My schemes</h1>
      <RequireSignIn>
        {(me) => (
          <>
            {me.actions.decide_join_requests && <RequestsWaiting />}
            <MembershipList />
          </>
        )}
      </RequireSignIn>
    </>
  );
}

/** The coordinator's first question on opening the app: is anyone waiting to join? */
function RequestsWaiting() {
  const waiting = useJoinRequestCount();
  if (waiting === null) return null;
  return (
    <section class={`panel requests-waiting${waiting ? ' requests-waiting--some' : ''}`} aria-labelledby="waiting-heading">
      <h2 id="waiting-heading">Join requests</h2>
      {waiting ? (
        <>
          <p>
            <strong>{plural(waiting, 'person is', 'people are')}</strong> waiting to join your schemes.
          </p>
          <a class="button button--primary button--wide" href="/join-requests">
            Review join requests
          </a>
        </>
      ) : (
        <p>No one is waiting to join your schemes.</p>
      )}
    </section>
  );
}

function MembershipList() {
  const fetchPage = useCallback((page: number) => api.myMemberships(page), []);
  const list = usePagedList<Membership>(fetchPage);

  if (list.loading) return <Loading what="your schemes" />;
  const visible = list.items.filter((membership) => membership.status !== 'declined');
  const declined = list.items.filter((membership) => membership.status === 'declined');
  return (
    <>
      <ErrorAlert messages={list.error?.general ?? []} />
      {visible.length === 0 && !list.error ? (
        <EmptyState>
          <p>You have not joined any schemes yet.</p>
          <p>
            <a href="/">Find a scheme near you in the directory</a>, or <a href="/schemes/new">propose a new one</a>.
          </p>
        </EmptyState>
      ) : (
        <ul class="card-list">
          {visible.map((membership) => (
            <li key={membership.id}>
              <SchemeCard scheme={membership.scheme} headingLevel={2}>
                <MembershipState membership={membership} />
                {!!membership.join_requests_waiting && (
                  <p class="card__detail">
                    <a href={`/schemes/${membership.scheme.id}/members`}>
                      {plural(membership.join_requests_waiting, 'join request')} waiting
                      <span class="visually-hidden"> for {membership.scheme.name}</span>
                    </a>
                  </p>
                )}
              </SchemeCard>
            </li>
          ))}
        </ul>
      )}
      {declined.length > 0 && (
        <section aria-labelledby="declined-heading">
          <h2 id="declined-heading">Declined requests</h2>
          <ul class="plain-list">
            {declined.map((membership) => (
              <li key={membership.id}>
                <a href={`/schemes/${membership.scheme.id}`}>{membership.scheme.name}</a>: your request of{' '}
                {formatDate(membership.requested_at)} was declined.
                {membership.decline_reason && (
                  <blockquote class="card__message">
                    <p>
                      <span class="visually-hidden">The coordinator's reason: </span>
                      {membership.decline_reason}
                    </p>
                  </blockquote>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      <ShowMoreButton list={list} noun="schemes" />
    </>
  );
}

function MembershipState({ membership }: { membership: Membership }) {
  if (membership.status === 'pending') {
    return (
      <p class="notice notice--pending">
        Your request is waiting for the coordinator. Asked on {formatDate(membership.requested_at)}.
      </p>
    );
  }
  return (
    <p class="membership-state">
      <span class={`role-tag role-tag--${membership.role}`}>{ROLE_LABELS[membership.role]}</span>
      {membership.joined_at && <span> since {formatDate(membership.joined_at)}</span>}
    </p>
  );
}
