// "/speedwatch" — the way into Community Speedwatch: coordinators start sessions and
// propose sites; liaisons review sites, work the letters queue and read the statistics;
// volunteers see their scheme's sessions.

import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { DraftList } from '../components/DraftList';
import { Loading } from '../components/Loading';
import { RequireSignIn } from '../components/RequireSignIn';
import { formatNumber } from '../format';
import { useTitle } from '../hooks';
import { useSpeedwatchAccess } from '../speedwatchAccess';
import type { Me } from '../api/schemas';
import { t } from '../i18n';

export function SpeedwatchScreen() {
  useTitle(t('speedwatchHub.title'));
  return (
    <>
      <h1 tabIndex={-1}>{t('speedwatchHub.title')}</h1>
      <RequireSignIn>{(me) => <Hub me={me} />}</RequireSignIn>
    </>
  );
}

function HubLink({ href, label, detail }: { href: string; label: string; detail?: string }) {
  return (
    <li>
      <a class="hub-link" href={href}>
        <span class="hub-link__label">{label}</span>
        {detail && <span class="hub-link__detail">{detail}</span>}
      </a>
    </li>
  );
}

/** How many of something the API lists, or null until known (or when it cannot say). */
function useCount(load: (() => Promise<{ count: number }>) | null): number | null {
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    if (!load) return;
    let live = true;
    load().then(
      (page) => live && setCount(page.count),
      () => live && setCount(null),
    );
    return () => {
      live = false;
    };
  }, [load !== null]);
  return count;
}

function Hub({ me }: { me: Me }) {
  const access = useSpeedwatchAccess();
  // What the server says this person may do: a police liaison reviews sites and letters.
  const { actions } = me;
  const liaison = actions.review_sites;
  const sitesToReview = useCount(actions.review_sites ? () => api.sites({ status: 'proposed' }) : null);
  const lettersWaiting = useCount(actions.work_letters ? () => api.letters({}) : null);

  if (!access) return <Loading />;
  const coordinated = access.coordinated;
  const memberOnly = access.memberships.filter((membership) => !coordinated.some((scheme) => scheme.id === membership.scheme.id));

  if (!actions.use_speedwatch) {
    return (
      <>
        <p>{t('speedwatchHub.intro')}</p>
        <p>
          {t('speedwatchHub.notInScheme')} <a href="/?kind=speedwatch">{t('speedwatchHub.findOne')}</a>.
        </p>
      </>
    );
  }

  return (
    <>
      {coordinated.length > 0 && (
        <section aria-labelledby="coordinator-heading">
          <h2 id="coordinator-heading">{t('speedwatchHub.yourSchemes', { count: coordinated.length })}</h2>
          <p>{coordinated.map((scheme) => scheme.name).join(', ')}</p>
          <p>
            <a class="button button--primary button--wide button--large" href="/speedwatch/sessions/new">
              {t('speedwatchHub.startSession')}
            </a>
          </p>
          <DraftList userId={me.id} headingLevel={3} />
          <ul class="hub-links">
            <HubLink
              href="/speedwatch/sessions"
              label={t('speedwatchHub.sessions')}
              detail={t('speedwatchHub.sessionsDetail')}
            />
            <HubLink href="/speedwatch/sites" label={t('speedwatchHub.sites')} detail={t('speedwatchHub.sitesDetail')} />
            <HubLink
              href="/speedwatch/sites/new"
              label={t('speedwatchHub.proposeSite')}
              detail={t('speedwatchHub.proposeSiteDetail')}
            />
            <HubLink
              href="/speedwatch/offences"
              label={t('speedwatchHub.offences')}
              detail={t('speedwatchHub.searchByRegistration')}
            />
            {actions.read_statistics && (
              <HubLink
                href="/speedwatch/statistics"
                label={t('speedwatchHub.statistics')}
                detail={t('speedwatchHub.statisticsDetail')}
              />
            )}
          </ul>
        </section>
      )}
      {liaison && (
        <section aria-labelledby="liaison-heading">
          <h2 id="liaison-heading">{t('speedwatchHub.liaison')}</h2>
          <p>{t('speedwatchHub.liaisonArea', { force: me.liaison?.force_name ?? '' })}</p>
          <ul class="hub-links">
            <HubLink
              href="/speedwatch/sites?status=proposed"
              label={t('speedwatchHub.sitesToReview')}
              detail={
                sitesToReview === null
                  ? undefined
                  : t('speedwatchHub.sitesWaiting', { count: sitesToReview, n: formatNumber(sitesToReview) })
              }
            />
            {actions.work_letters && (
              <HubLink
                href="/speedwatch/letters"
                label={t('speedwatchHub.letters')}
                detail={
                  lettersWaiting === null
                    ? undefined
                    : t('speedwatchHub.lettersWaiting', { count: lettersWaiting, n: formatNumber(lettersWaiting) })
                }
              />
            )}
            <HubLink
              href="/speedwatch/sessions"
              label={t('speedwatchHub.sessions')}
              detail={t('speedwatchHub.liaisonSessionsDetail')}
            />
            <HubLink
              href="/speedwatch/offences"
              label={t('speedwatchHub.offencesAndDisputes')}
              detail={t('speedwatchHub.searchByRegistration')}
            />
            {actions.read_statistics && (
              <HubLink
                href="/speedwatch/statistics"
                label={t('speedwatchHub.statistics')}
                detail={t('speedwatchHub.statisticsDetail')}
              />
            )}
            <HubLink href="/speedwatch/sites" label={t('speedwatchHub.allSites')} detail={t('speedwatchHub.allSitesDetail')} />
            {actions.read_audit && (
              <HubLink
                href="/speedwatch/audit"
                label={t('speedwatchHub.audit')}
                detail={t('speedwatchHub.auditDetail')}
              />
            )}
          </ul>
        </section>
      )}
      {memberOnly.length > 0 && coordinated.length === 0 && !liaison && (
        <section aria-labelledby="member-heading">
          <h2 id="member-heading">{t('speedwatchHub.yourSchemes', { count: memberOnly.length })}</h2>
          <p>{memberOnly.map((membership) => membership.scheme.name).join(', ')}</p>
          <ul class="hub-links">
            <HubLink
              href="/speedwatch/sessions"
              label={t('speedwatchHub.sessions')}
              detail={t('speedwatchHub.memberSessionsDetail')}
            />
            <HubLink
              href="/speedwatch/sites"
              label={t('speedwatchHub.sites')}
              detail={t('speedwatchHub.memberSitesDetail')}
            />
            {actions.read_statistics && (
              <HubLink
                href="/speedwatch/statistics"
                label={t('speedwatchHub.statistics')}
                detail={t('speedwatchHub.statisticsDetail')}
              />
            )}
          </ul>
        </section>
      )}
    </>
  );
}
