// "/join-requests" — every pending request across the schemes the user coordinates.

import { useCallback } from 'preact/hooks';
import { api } from '../api';
import { JoinRequestQueue } from '../components/JoinRequestQueue';
import { RequireSignIn } from '../components/RequireSignIn';
import { usePagedList, useTitle } from '../hooks';
import type { Member } from '../api/schemas';

export function JoinRequestsScreen() {
  useTitle('Join requests');
  return (
    <>
      <h1 tabIndex={-1}>Join requests</h1>
      <p>
        People waiting to join the schemes you coordinate (or cover as police liaison). Approve them to share the scheme's
        details; a decline can be undone for a few minutes, and the person is told only after that.
      </p>
      <RequireSignIn>{() => <Queue />}</RequireSignIn>
    </>
  );
}

function Queue() {
  const fetchPage = useCallback((page: number) => api.joinRequests(page), []);
  const list = usePagedList<Member>(fetchPage);
  return <JoinRequestQueue list={list} headingLevel={2} emptyText="No one is waiting to join your schemes. New requests will appear here." />;
}
