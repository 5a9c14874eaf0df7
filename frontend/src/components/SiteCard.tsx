import type { ComponentChildren } from 'preact';
import { DIRECTION_LABELS, formatDate, SITE_STATUS_LABELS } from '../format';
import type { Site } from '../api/schemas';
import { RiskAnswers } from './RiskAnswers';
import { SiteHistory } from './SiteHistory';
import { StatusTag } from './StatusTag';
import { formatNumber } from '../format';
import { t } from '../i18n';

/**
 * One roadside site: where it is, its limit, and whether the police have approved it. Its
 * coordinators and the covering liaison also see who proposed it, the risk assessment and
 * its history (the server says who may: `actions.see_history`); its page has the map.
 */
export function SiteCard({
  site,
  showScheme,
  children,
}: {
  site: Site;
  showScheme: boolean;
  children?: ComponentChildren;
}) {
  return (
    <article class="card site-card">
      <h2 class="card__title">
        <a href={`/speedwatch/sites/${site.id}`}>{site.name}</a>
      </h2>
      <p class="card__meta">
        <StatusTag tone={site.status}>{SITE_STATUS_LABELS[site.status] ?? site.status_display}</StatusTag>
      </p>
      <dl class="card__facts">
        {showScheme && (
          <div>
            <dt>{t('siteCard.scheme')}</dt>
            <dd>{site.scheme.name}</dd>
          </div>
        )}
        <SiteRoadFacts site={site} />
        {site.proposed_by && (
          <div>
            <dt>{t('siteScreen.proposed')}</dt>
            <dd>
              {t('siteCard.proposedByOn', { name: site.proposed_by.name, date: formatDate(site.created_at) })}
            </dd>
          </div>
        )}
        {site.decided_at && (
          <div>
            <dt>{t('siteCard.decided')}</dt>
            <dd>{formatDate(site.decided_at)}</dd>
          </div>
        )}
      </dl>
      {site.decision_reason && (
        <p class="card__message">
          <strong>{t('siteScreen.policeLiaison')}</strong> {site.decision_reason}
        </p>
      )}
      {site.notes && <p class="card__detail">{t('siteCard.notes', { notes: site.notes })}</p>}
      {site.actions.see_history && (
        <>
          <details class="site-risk" open={site.status === 'proposed'}>
            <summary>
              {site.risk_answers.every((item) => item.answer === true) ? t('siteCard.riskSafe') : t('siteCard.riskConcern')}
            </summary>
            <RiskAnswers answers={site.risk_answers} />
          </details>
          <SiteHistory siteId={site.id} version={`${site.status} ${site.decided_at ?? ''}`} collapsed />
        </>
      )}
      {children}
    </article>
  );
}

/** Where a site is and what is measured there: the facts its card and its page share. */
export function SiteRoadFacts({ site }: { site: Site }) {
  return (
    <>
      <div>
        <dt>{t('siteCard.road')}</dt>
        <dd>{site.road_name}</dd>
      </div>
      <div>
        <dt>{t('proposeSite.limit')}</dt>
        <dd>
          {t('siteCard.limit', { limit: formatNumber(site.speed_limit_mph), threshold: formatNumber(site.threshold_mph) })}
        </dd>
      </div>
      <div>
        <dt>{t('siteCard.traffic')}</dt>
        <dd>{DIRECTION_LABELS[site.direction] ?? site.direction}</dd>
      </div>
    </>
  );
}
