// "/speedwatch/statistics" — what the submitted sessions add up to: sessions, volunteer
// hours, vehicles, offences and speeds, letters and repeat vehicles, with a monthly series
// as charts and as a table; for all the user's schemes, one scheme or one site.

import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, type ApiError, type StatisticsQuery } from '../api';
import { BackLink } from '../components/BackLink';
import { ErrorAlert, SelectField, TextField } from '../components/FormField';
import { Loading } from '../components/Loading';
import { MonthlyChart } from '../components/MonthlyChart';
import { RequireSignIn } from '../components/RequireSignIn';
import { formatMonth, formatNumber, londonMidnight } from '../format';
import { asApiError, useTitle } from '../hooks';
import { navigate, useLocation } from '../router';
import { useSpeedwatchAccess, type SchemeName } from '../speedwatchAccess';
import { liaisonForce, type Me, type SchemeSummary, type Site, type SpeedwatchStatistics } from '../api/schemas';
import { numberParam } from '../queryParams';
import { languageTag, t } from '../i18n';

export function StatisticsScreen() {
  useTitle(t('statistics.title'));
  return (
    <>
      <BackLink />
      <h1 tabIndex={-1}>{t('statistics.heading')}</h1>
      <RequireSignIn>{(me) => <Statistics me={me} />}</RequireSignIn>
    </>
  );
}

/** A day picked in a date input, as the moment its midnight begins in London. */
function midnight(day: string, plusDays = 0): string | undefined {
  return londonMidnight(day, plusDays)?.toISOString();
}

function useSchemeChoices(me: Me): SchemeName[] {
  const access = useSpeedwatchAccess();
  const [forceSchemes, setForceSchemes] = useState<SchemeSummary[]>([]);
  const force = liaisonForce(me);
  useEffect(() => {
    if (!force) return;
    api.schemes({ kind: 'speedwatch', force, page_size: 100, ordering: 'name' }).then(
      (page) => setForceSchemes(page.results),
      () => setForceSchemes([]),
    );
  }, [force]);
  return useMemo(() => {
    const byId = new Map<number, SchemeName>();
    for (const scheme of [...forceSchemes, ...(access?.memberships.map((m) => m.scheme) ?? [])]) byId.set(scheme.id, scheme);
    return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
  }, [forceSchemes, access]);
}

const SITE_LIMIT = 100;


/**
 * The sites that can have held sessions (approved, or suspended since), of one scheme or of
 * all; null while loading. `more`: there were more than one request's worth.
 */
function useSiteChoices(schemeId: string): { sites: Site[]; more: boolean } | null {
  const [choices, setChoices] = useState<{ sites: Site[]; more: boolean } | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    setChoices(null);
    api.sites({ scheme: numberParam(schemeId), page_size: SITE_LIMIT }, abort.signal).then(
      (page) => {
        if (abort.signal.aborted) return;
        const used = page.results.filter((site) => site.status === 'approved' || site.status === 'suspended');
        setChoices({ sites: used, more: page.next != null });
      },
      () => !abort.signal.aborted && setChoices({ sites: [], more: false }),
    );
    return () => abort.abort();
  }, [schemeId]);
  return choices;
}

function Statistics({ me }: { me: Me }) {
  const { query } = useLocation();
  const scheme = query.get('scheme') ?? '';
  const since = query.get('since') ?? '';
  const until = query.get('until') ?? '';
  const site = query.get('site') ?? '';
  const [chosenScheme, setChosenScheme] = useState(scheme);
  const [chosenSite, setChosenSite] = useState(site);
  const [chosenSince, setChosenSince] = useState(since);
  const [chosenUntil, setChosenUntil] = useState(until);
  // The period typed ends before it starts: said at the "To" field, and nothing is asked.
  const [backwards, setBackwards] = useState(false);
  useEffect(() => {
    setChosenScheme(scheme);
    setChosenSite(site);
    setChosenSince(since);
    setChosenUntil(until);
    setBackwards(false);
  }, [scheme, site, since, until]);
  const schemes = useSchemeChoices(me);
  // The sites of the scheme being chosen, so that the two choices always agree.
  const siteChoices = useSiteChoices(chosenScheme);
  // Runs when a scheme's site list arrives, not as the chosen site changes: a site read from
  // the address comes a moment before its scheme's list and must not be checked against the last.
  useEffect(() => {
    if (siteChoices && chosenSite && !siteChoices.sites.some((item) => String(item.id) === chosenSite)) setChosenSite('');
  }, [siteChoices]);
  const severalSchemes = new Set(siteChoices?.sites.map((item) => item.scheme.id)).size > 1;

  const apiQuery: StatisticsQuery = useMemo(
    () => ({
      scheme: numberParam(scheme),
      site: numberParam(site),
      since: midnight(since),
      until: midnight(until, 1),
    }),
    [scheme, site, since, until],
  );
  const [figures, setFigures] = useState<SpeedwatchStatistics | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    setFigures(null);
    setError(null);
    api.statistics(apiQuery, abort.signal).then(
      (data) => !abort.signal.aborted && setFigures(data),
      (err) => !abort.signal.aborted && setError(asApiError(err)),
    );
    return () => abort.abort();
  }, [apiQuery]);

  return (
    <>
      <p>{me.liaison ? t('statistics.introLiaison') : t('statistics.introMember')}</p>
      <form
        class="filters"
        aria-label={t('statistics.filter')}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (chosenSince && chosenUntil && chosenSince > chosenUntil) {
            setBackwards(true);
            requestAnimationFrame(() => document.querySelector<HTMLElement>('main [aria-invalid="true"]')?.focus());
            return;
          }
          const params = new URLSearchParams();
          if (chosenScheme) params.set('scheme', chosenScheme);
          if (chosenSite) params.set('site', chosenSite);
          if (chosenSince) params.set('since', chosenSince);
          if (chosenUntil) params.set('until', chosenUntil);
          const text = params.toString();
          navigate(text ? `/speedwatch/statistics?${text}` : '/speedwatch/statistics');
        }}
      >
        {schemes.length > 1 && (
          <SelectField
            label={t('statistics.scheme')}
            value={chosenScheme}
            onValue={setChosenScheme}
            choices={[{ value: '', label: t('statistics.allSchemes') }, ...schemes.map((item) => ({ value: String(item.id), label: item.name }))]}
          />
        )}
        {siteChoices && siteChoices.sites.length > 1 && (
          <SelectField
            label={t('statistics.site')}
            hint={
              siteChoices.more && !chosenScheme
                ? t('statistics.firstSites', { n: formatNumber(SITE_LIMIT) })
                : undefined
            }
            value={chosenSite}
            onValue={setChosenSite}
            choices={[
              { value: '', label: t('sites.allSites') },
              ...siteChoices.sites.map((item) => ({
                value: String(item.id),
                label: severalSchemes ? `${item.name} (${item.scheme.name})` : item.name,
              })),
            ]}
          />
        )}
        <TextField
          label={t('statistics.from')}
          type="date"
          value={chosenSince}
          onValue={(value) => {
            setChosenSince(value);
            setBackwards(false);
          }}
          errors={error?.fields.since}
        />
        <TextField
          label={t('statistics.to')}
          type="date"
          hint={t('statistics.toHint')}
          value={chosenUntil}
          onValue={(value) => {
            setChosenUntil(value);
            setBackwards(false);
          }}
          errors={backwards ? [t('statistics.backwards')] : error?.fields.until}
        />
        <button type="submit" class="button button--primary button--wide">
          {t('statistics.show')}
        </button>
      </form>
      <p class="download">
        <a class="button button--secondary button--wide" href={api.statisticsCsvUrl(apiQuery)} download>
          {t('statistics.download')}
        </a>
      </p>
      {error && <ErrorAlert messages={error.otherMessages(['since', 'until'])} />}
      {!figures && !error && <Loading what={t('statistics.noun')} />}
      {figures && <Figures figures={figures} />}
    </>
  );
}

const ONE_PLACE = { minimumFractionDigits: 1, maximumFractionDigits: 1 };

function percent(value: number | null): string {
  return value === null ? '–' : t('statistics.percent', { n: value.toLocaleString(languageTag(), ONE_PLACE) });
}

function mph(value: number | null): string {
  return value === null ? '–' : t('statistics.mph', { n: value.toLocaleString(languageTag(), ONE_PLACE) });
}

const count = (value: number) => formatNumber(value);

function Figures({ figures }: { figures: SpeedwatchStatistics }) {
  const months = figures.monthly.map((month) => month.month);
  const totals: [string, string][] = [
    [t('statistics.sessions'), count(figures.sessions)],
    [t('statistics.volunteerHours'), count(figures.volunteer_hours)],
    [t('statistics.vehiclesCounted'), count(figures.vehicles)],
    [t('statistics.offences'), count(figures.offences)],
    [t('statistics.overThreshold'), percent(figures.percent_over_threshold)],
    [t('statistics.meanSpeed'), mph(figures.mean_speed_mph)],
    [t('statistics.p85Speed'), mph(figures.p85_speed_mph)],
    [t('statistics.letters'), count(figures.letters)],
    [t('statistics.referrals'), count(figures.referrals)],
    [t('statistics.repeatVehicles'), count(figures.repeat_vehicles)],
  ];
  return (
    <>
      <section aria-labelledby="totals-heading">
        <h2 id="totals-heading">{t('statistics.totals')}</h2>
        <dl class="figures">
          {totals.map(([label, value]) => (
            <div key={label} class="figures__item">
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section aria-labelledby="monthly-heading">
        <h2 id="monthly-heading">{t('statistics.monthByMonth')}</h2>
        {figures.monthly.length === 0 ? (
          <p>{t('statistics.noSessions')}</p>
        ) : (
          <>
            <MonthlyChart
              title={t('statistics.offencesChart')}
              months={months}
              values={figures.monthly.map((month) => month.offences)}
              kind="bars"
            />
            <MonthlyChart
              title={t('statistics.overThresholdChart')}
              months={months}
              values={figures.monthly.map((month) => month.percent_over_threshold)}
              kind="line"
              unit="%"
            />
            {/* Focusable so that a keyboard can scroll it on a screen too narrow for it. */}
            <div class="table-wrap" tabIndex={0} role="region" aria-labelledby="monthly-table-caption">
              <table class="table">
                <caption id="monthly-table-caption">{t('statistics.tableCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('statistics.month')}</th>
                    <th scope="col">{t('statistics.vehicles')}</th>
                    <th scope="col">{t('statistics.offences')}</th>
                    <th scope="col">{t('statistics.overThreshold')}</th>
                  </tr>
                </thead>
                <tbody>
                  {figures.monthly.map((month) => (
                    <tr key={month.month}>
                      <th scope="row">{formatMonth(month.month)}</th>
                      <td>{count(month.vehicles)}</td>
                      <td>{count(month.offences)}</td>
                      <td>{percent(month.percent_over_threshold)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>
    </>
  );
}
