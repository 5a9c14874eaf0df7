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
import { formatMonth, londonMidnight } from '../format';
import { asApiError, useTitle } from '../hooks';
import { navigate, useLocation } from '../router';
import { useSpeedwatchAccess, type SchemeName } from '../speedwatchAccess';
import { liaisonForce, type Me, type SchemeSummary, type Site, type SpeedwatchStatistics } from '../api/schemas';
import { numberParam } from '../queryParams';

export function StatisticsScreen() {
  useTitle('Speedwatch statistics');
  return (
    <>
      <BackLink />
      <h1 tabIndex={-1}>Statistics</h1>
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

const BACKWARDS = 'Choose a “To” day on or after the “From” day.';

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
      <p>From the submitted sessions of {me.liaison ? 'the speedwatch schemes in your area' : 'your speedwatch schemes'}.</p>
      <form
        class="filters"
        aria-label="Filter statistics"
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
            label="Scheme"
            value={chosenScheme}
            onValue={setChosenScheme}
            choices={[{ value: '', label: 'All schemes' }, ...schemes.map((item) => ({ value: String(item.id), label: item.name }))]}
          />
        )}
        {siteChoices && siteChoices.sites.length > 1 && (
          <SelectField
            label="Site"
            hint={
              siteChoices.more && !chosenScheme
                ? `Only the first ${SITE_LIMIT} sites are listed: choose a scheme to list all of its sites.`
                : undefined
            }
            value={chosenSite}
            onValue={setChosenSite}
            choices={[
              { value: '', label: 'All sites' },
              ...siteChoices.sites.map((item) => ({
                value: String(item.id),
                label: severalSchemes ? `${item.name} (${item.scheme.name})` : item.name,
              })),
            ]}
          />
        )}
        <TextField
          label="From"
          type="date"
          value={chosenSince}
          onValue={(value) => {
            setChosenSince(value);
            setBackwards(false);
          }}
          errors={error?.fields.since}
        />
        <TextField
          label="To"
          type="date"
          hint="Up to and including this day."
          value={chosenUntil}
          onValue={(value) => {
            setChosenUntil(value);
            setBackwards(false);
          }}
          errors={backwards ? [BACKWARDS] : error?.fields.until}
        />
        <button type="submit" class="button button--primary button--wide">
          Show statistics
        </button>
      </form>
      <p class="download">
        <a class="button button--secondary button--wide" href={api.statisticsCsvUrl(apiQuery)} download>
          Download the monthly figures (CSV)
        </a>
      </p>
      {error && <ErrorAlert messages={error.otherMessages(['since', 'until'])} />}
      {!figures && !error && <Loading what="statistics" />}
      {figures && <Figures figures={figures} />}
    </>
  );
}

function percent(value: number | null): string {
  return value === null ? '–' : `${value.toFixed(1)}%`;
}

function mph(value: number | null): string {
  return value === null ? '–' : `${value.toFixed(1)} mph`;
}

function Figures({ figures }: { figures: SpeedwatchStatistics }) {
  const months = figures.monthly.map((month) => month.month);
  const totals: [string, string][] = [
    ['Sessions', String(figures.sessions)],
    ['Volunteer hours', String(figures.volunteer_hours)],
    ['Vehicles counted', String(figures.vehicles)],
    ['Offences', String(figures.offences)],
    ['Over the threshold', percent(figures.percent_over_threshold)],
    ['Mean speed of offences', mph(figures.mean_speed_mph)],
    ['85th percentile speed', mph(figures.p85_speed_mph)],
    ['Letters', String(figures.letters)],
    ['Referrals for police action', String(figures.referrals)],
    ['Vehicles recorded more than once', String(figures.repeat_vehicles)],
  ];
  return (
    <>
      <section aria-labelledby="totals-heading">
        <h2 id="totals-heading">Totals</h2>
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
        <h2 id="monthly-heading">Month by month</h2>
        {figures.monthly.length === 0 ? (
          <p>No submitted sessions in this period.</p>
        ) : (
          <>
            <MonthlyChart
              title="Offences each month"
              months={months}
              values={figures.monthly.map((month) => month.offences)}
              kind="bars"
            />
            <MonthlyChart
              title="Share of vehicles over the threshold each month"
              months={months}
              values={figures.monthly.map((month) => month.percent_over_threshold)}
              kind="line"
              unit="%"
            />
            {/* Focusable so that a keyboard can scroll it on a screen too narrow for it. */}
            <div class="table-wrap" tabIndex={0} role="region" aria-labelledby="monthly-table-caption">
              <table class="table">
                <caption id="monthly-table-caption">The charts’ figures (sessions each month are in the CSV)</caption>
                <thead>
                  <tr>
                    <th scope="col">Month</th>
                    <th scope="col">Vehicles</th>
                    <th scope="col">Offences</th>
                    <th scope="col">Over the threshold</th>
                  </tr>
                </thead>
                <tbody>
                  {figures.monthly.map((month) => (
                    <tr key={month.month}>
                      <th scope="row">{formatMonth(month.month)}</th>
                      <td>{month.vehicles}</td>
                      <td>{month.offences}</td>
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
