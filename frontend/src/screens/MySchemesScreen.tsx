// "/my-schemes" — the schemes the signed-in user belongs to or asked to join.

import { useCallback } from 'preact/hooks';
import { api } from '../api';
import { EmptyState } from '../components/EmptyState';
import { ErrorAlert } from '../components/FormField';
import { Loading } from '../components/Loading';
import { RequireSignIn } from '../components/RequireSignIn';
import { SchemeCard } from '../components/SchemeCard';
import { ShowMoreButton } from '../components/ShowMoreButton';
import { formatDate, ROLE_LABELS } from '../format';
import { usePagedList, useTitle } from '../hooks';
import type { Membership } from '../types';

export function MySchemesScreen() {
  useTitle('My schemes');
  return (
    <>
      <h1 tabIndex={-1}>My schemes</h1>
      <RequireSignIn>{() => <MembershipList />}</RequireSignIn>
    </>
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
