import type { ComponentChildren } from 'preact';
import { DIRECTION_LABELS, formatDate, SITE_STATUS_LABELS } from '../format';
import type { Site } from '../api/schemas';
import { RiskAnswers } from './RiskAnswers';
import { SiteHistory } from './SiteHistory';
import { StatusTag } from './StatusTag';

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
            <dt>Scheme</dt>
            <dd>{site.scheme.name}</dd>
          </div>
        )}
        <SiteRoadFacts site={site} />
        {site.proposed_by && (
          <div>
            <dt>Proposed</dt>
            <dd>
              {site.proposed_by.name}, {formatDate(site.created_at)}
            </dd>
          </div>
        )}
        {site.decided_at && (
          <div>
            <dt>Decided</dt>
            <dd>{formatDate(site.decided_at)}</dd>
          </div>
        )}
      </dl>
      {site.decision_reason && (
        <p class="card__message">
          <strong>Police liaison:</strong> {site.decision_reason}
        </p>
      )}
      {site.notes && <p class="card__detail">Notes: {site.notes}</p>}
      {site.actions.see_history && (
        <>
          <details class="site-risk" open={site.status === 'proposed'}>
            <summary>
              Risk assessment:{' '}
              {site.risk_answers.every((item) => item.answer === true) ? 'all safe' : 'a concern to look at'}
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
        <dt>Road</dt>
        <dd>{site.road_name}</dd>
      </div>
      <div>
        <dt>Speed limit</dt>
        <dd>
          {site.speed_limit_mph} mph (offences from {site.threshold_mph} mph)
        </dd>
      </div>
      <div>
        <dt>Traffic</dt>
        <dd>{DIRECTION_LABELS[site.direction] ?? site.direction}</dd>
      </div>
    </>
  );
}
