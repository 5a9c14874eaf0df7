// "/join-requests" — every pending request across the schemes the user coordinates.

import { useCallback } from 'preact/hooks';
import { api } from '../api';
import { JoinRequestQueue } from '../components/JoinRequestQueue';
import { RequireSignIn } from '../components/RequireSignIn';
import { usePagedList, useTitle } from '../hooks';
import type { Member } from '../api/schemas';
import { t } from '../i18n';

export function JoinRequestsScreen() {
  useTitle(t('joinRequests.title'));
  return (
    <>
      <h1 tabIndex={-1}>{t('joinRequests.title')}</h1>
      <p>{t('joinRequests.intro')}</p>
      <RequireSignIn>{() => <Queue />}</RequireSignIn>
    </>
  );
}

function Queue() {
  const fetchPage = useCallback((page: number) => api.joinRequests(page), []);
  const list = usePagedList<Member>(fetchPage);
  return <JoinRequestQueue list={list} headingLevel={2} emptyText={t('joinRequests.none')} />;
}
