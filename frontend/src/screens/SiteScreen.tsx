// "/speedwatch/sites/:id" — one roadside site: where it is on a map, its details, the risk
// assessment, who proposed it and what the liaisons decided, and the liaison's decision
// buttons when the server offers them.

import { useCallback, useEffect, useState } from 'preact/hooks';
import { reviewApi, type ApiError } from '../api';
import { BackLink } from '../components/BackLink';
import { ErrorAlert } from '../components/FormField';
import { Loading } from '../components/Loading';
import { RequireSignIn } from '../components/RequireSignIn';
import { RiskAnswers } from '../components/RiskAnswers';
import { SiteDecision } from '../components/SiteDecision';
import { SiteHistory } from '../components/SiteHistory';
import { SiteRoadFacts } from '../components/SiteCard';
import { SitePlaceMap } from '../components/SitePlaceMap';
import { StatusTag } from '../components/StatusTag';
import { formatDate, SITE_STATUS_LABELS } from '../format';
import { asApiError, useTitle } from '../hooks';
import { useSession } from '../session';
import type { Site } from '../api/schemas';
import { t } from '../i18n';

export function SiteScreen({ id }: { id: string }) {
  return <RequireSignIn>{() => <SiteLoader id={id} />}</RequireSignIn>;
}

function SiteLoader({ id }: { id: string }) {
  const [site, setSite] = useState<Site | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useTitle(site ? t('siteScreen.titleOf', { name: site.name }) : t('siteScreen.title'));

  const load = useCallback(
    (signal?: AbortSignal) =>
      reviewApi.site(Number(id), signal).then(
        (loaded) => {
          if (signal?.aborted) return;
          setSite(loaded);
          setError(null);
        },
        (err) => !signal?.aborted && setError(asApiError(err)),
      ),
    [id],
  );
  useEffect(() => {
    const abort = new AbortController();
    load(abort.signal);
    return () => abort.abort();
  }, [load]);

  if (error && !site) {
    return (
      <>
        <BackLink href="/speedwatch/sites" label={t('sites.heading')} />
        <h1 tabIndex={-1}>{error.status === 404 ? t('siteScreen.notFound') : t('siteScreen.notShown')}</h1>
        <ErrorAlert messages={error.general.length ? error.general : [error.message]} />
      </>
    );
  }
  if (!site) {
    return (
      <>
        <BackLink href="/speedwatch/sites" label={t('sites.heading')} />
        <h1 tabIndex={-1}>{t('siteScreen.title')}</h1>
        <Loading what={t('siteScreen.noun')} />
      </>
    );
  }
  return (
    <SitePage
      site={site}
      // What was decided is said beside the buttons; where they are gone (a rejected site
      // has none), focus moves to those words (src/actionResult.ts).
      onDecided={setSite}
    />
  );
}

function SitePage({ site, onDecided }: { site: Site; onDecided: (site: Site) => void }) {
  const { config } = useSession();
  // The decision stays on the page once taken, to say what it was, if nothing is left to decide.
  const [decided, setDecided] = useState(false);
  return (
    <article class="site-page">
      <BackLink href="/speedwatch/sites" label={t('sites.heading')} />
      <h1 tabIndex={-1}>{site.name}</h1>
      <p class="card__meta">
        <StatusTag tone={site.status}>{SITE_STATUS_LABELS[site.status] ?? site.status_display}</StatusTag>
        <span>{site.scheme.name}</span>
      </p>

      <dl class="facts">
        <SiteRoadFacts site={site} />
        <div>
          <dt>{t('siteScreen.proposed')}</dt>
          <dd>
            {formatDate(site.created_at)}
            {site.proposed_by && t('siteScreen.proposedBy', { name: site.proposed_by.name })}
          </dd>
        </div>
        {site.decided_at && (
          <div>
            <dt>{t('siteScreen.lastDecision')}</dt>
            <dd>{formatDate(site.decided_at)}</dd>
          </div>
        )}
        {site.notes && (
          <div>
            <dt>{t('siteScreen.notes')}</dt>
            <dd>{site.notes}</dd>
          </div>
        )}
      </dl>
      {site.decision_reason && (
        <p class="card__message">
          <strong>{t('siteScreen.policeLiaison')}</strong> {site.decision_reason}
        </p>
      )}
      {site.status === 'approved' && site.actions.run_sessions && (
        <p>
          <a class="button button--primary button--wide" href={`/speedwatch/sessions/new?site=${site.id}`}>
            {t('sites.startSession')}
          </a>
        </p>
      )}

      <section aria-labelledby="site-map-heading">
        <h2 id="site-map-heading">{t('siteScreen.whereItIs')}</h2>
        <p>
          {t('siteScreen.at', { road: site.road_name, lat: site.lat.toFixed(5), lon: site.lon.toFixed(5) })}
        </p>
        {config && <SitePlaceMap config={config} site={site} />}
      </section>

      <section aria-labelledby="site-risk-heading">
        <h2 id="site-risk-heading">{t('siteScreen.riskAssessment')}</h2>
        <RiskAnswers answers={site.risk_answers} />
      </section>

      {(site.actions.decide || decided) && (
        <section aria-labelledby="site-decision-heading" class="site-page__decision">
          <h2 id="site-decision-heading">{t('siteScreen.yourDecision')}</h2>
          {site.actions.decide && (
            <p>
              {site.status === 'proposed'
                ? t('siteScreen.decideProposed')
                : t('siteScreen.decideOther')}
            </p>
          )}
          <SiteDecision
            site={site}
            onDecided={(next) => {
              setDecided(true);
              onDecided(next);
            }}
          />
        </section>
      )}

      {site.actions.see_history && (
        <section aria-labelledby="site-history-heading">
          <h2 id="site-history-heading">{t('siteScreen.history')}</h2>
          <SiteHistory siteId={site.id} version={`${site.status} ${site.decided_at ?? ''}`} />
        </section>
      )}
    </article>
  );
}
