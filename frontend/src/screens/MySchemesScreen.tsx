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
import { formatDate, formatNumber, ROLE_LABELS } from '../format';
import { usePagedList, useTitle } from '../hooks';
import { useJoinRequestCount } from '../joinRequestCount';
import type { Membership } from '../api/schemas';
import { t } from '../i18n';

export function MySchemesScreen() {
  useTitle(t('nav.mySchemes'));
  return (
    <>
      <h1 tabIndex={-1}>{t('nav.mySchemes')}</h1>
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
      <h2 id="waiting-heading">{t('nav.joinRequests')}</h2>
      {waiting ? (
        <>
          <p>
            <strong>{t('mySchemes.peopleWaiting', { count: waiting, n: formatNumber(waiting) })}</strong>{' '}
            {t('mySchemes.waitingToJoin')}
          </p>
          <a class="button button--primary button--wide" href="/join-requests">
            {t('mySchemes.review')}
          </a>
        </>
      ) : (
        <p>{t('mySchemes.noneWaiting')}</p>
      )}
    </section>
  );
}

function MembershipList() {
  const fetchPage = useCallback((page: number) => api.myMemberships(page), []);
  const list = usePagedList<Membership>(fetchPage);

  if (list.loading) return <Loading what={t('mySchemes.noun')} />;
  const visible = list.items.filter((membership) => membership.status !== 'declined');
  const declined = list.items.filter((membership) => membership.status === 'declined');
  return (
    <>
      <ErrorAlert messages={list.error?.general ?? []} />
      {visible.length === 0 && !list.error ? (
        <EmptyState>
          <p>{t('mySchemes.none')}</p>
          <p>
            <a href="/">{t('mySchemes.find')}</a>
            {t('mySchemes.or')}
            <a href="/schemes/new">{t('mySchemes.proposeNew')}</a>.
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
                      {t('mySchemes.requestsWaiting', {
                        count: membership.join_requests_waiting,
                        n: formatNumber(membership.join_requests_waiting),
                      })}
                      <span class="visually-hidden"> {t('mySchemes.for', { name: membership.scheme.name })}</span>
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
          <h2 id="declined-heading">{t('mySchemes.declinedHeading')}</h2>
          <ul class="plain-list">
            {declined.map((membership) => (
              <li key={membership.id}>
                <a href={`/schemes/${membership.scheme.id}`}>{membership.scheme.name}</a>
                {t('mySchemes.declined', { date: formatDate(membership.requested_at) })}
                {membership.decline_reason && (
                  <blockquote class="card__message">
                    <p>
                      <span class="visually-hidden">{t('scheme.coordinatorsReason')}</span>
                      {membership.decline_reason}
                    </p>
                  </blockquote>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      <ShowMoreButton list={list} noun={t('directory.schemesNoun')} />
    </>
  );
}

function MembershipState({ membership }: { membership: Membership }) {
  if (membership.status === 'pending') {
    return (
      <p class="notice notice--pending">
        {t('scheme.pending')} {t('mySchemes.askedOn', { date: formatDate(membership.requested_at) })}
      </p>
    );
  }
  return (
    <p class="membership-state">
      <span class={`role-tag role-tag--${membership.role}`}>{ROLE_LABELS[membership.role]}</span>
      {membership.joined_at && <span> {t('mySchemes.since', { date: formatDate(membership.joined_at) })}</span>}
    </p>
  );
}
