// "/speedwatch/audit" — a police liaison's audit of vehicle registrations: who searched by
// registration or exported offences, letters or statistics in their force area, and when;
// filtered by day, scheme, person and kind, and downloadable as CSV.

import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { api, reviewApi, type AuditQuery } from '../api';
import { BackLink } from '../components/BackLink';
import { EmptyState } from '../components/EmptyState';
import { ErrorAlert, SelectField, TextField } from '../components/FormField';
import { Loading } from '../components/Loading';
import { RegistrationPlate } from '../components/RegistrationPlate';
import { RequireSignIn } from '../components/RequireSignIn';
import { ShowMoreButton } from '../components/ShowMoreButton';
import { formatDateTime, formatNumber, londonMidnight, normaliseRegistration } from '../format';
import { usePagedList, useTitle } from '../hooks';
import { navigate, useLocation } from '../router';
import { choiceParam, numberParam } from '../queryParams';
import { liaisonForce, type AuditRecord, type ForceCode, type Me, type SchemeSummary } from '../api/schemas';
import { t } from '../i18n';

// Read when the form is drawn, so that they are in the language of the moment.
const ACTION_CHOICES = () => [
  { value: '', label: t('audit.kinds.all') },
  { value: 'registration_search', label: t('audit.kinds.registrationSearch') },
  { value: 'offences_csv', label: t('audit.kinds.offencesCsv') },
  { value: 'letters_csv', label: t('audit.kinds.lettersCsv') },
  { value: 'letters_pdf', label: t('audit.kinds.lettersPdf') },
  { value: 'statistics_csv', label: t('audit.kinds.statisticsCsv') },
  { value: 'audit_csv', label: t('audit.kinds.auditCsv') },
];

interface Filters {
  since: string;
  until: string;
  scheme: string;
  person: string;
  action: string;
}

function readFilters(query: URLSearchParams): Filters {
  return {
    since: query.get('since') ?? '',
    until: query.get('until') ?? '',
    scheme: query.get('scheme') ?? '',
    person: query.get('person') ?? '',
    action: query.get('action') ?? '',
  };
}

/** The moment a day (YYYY-MM-DD) begins in the UK, whatever the phone's own zone. */
function ukMidnight(day: string, plusDays = 0): string | undefined {
  return londonMidnight(day, plusDays)?.toISOString() ?? (day || undefined);
}

function toApiQuery(filters: Filters): AuditQuery {
  return {
    since: ukMidnight(filters.since),
    // "To" is a whole day: up to the next day's start.
    until: ukMidnight(filters.until, 1),
    scheme: numberParam(filters.scheme),
    person: filters.person.trim() || undefined,
    action: choiceParam(filters.action),
  };
}

function filtersUrl(filters: Filters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value.trim()) params.set(key, value.trim());
  const text = params.toString();
  return text ? `/speedwatch/audit?${text}` : '/speedwatch/audit';
}

export function AuditScreen() {
  useTitle(t('audit.title'));
  return (
    <>
      <BackLink />
      <h1 tabIndex={-1}>{t('audit.title')}</h1>
      <RequireSignIn>{(me) => (me.actions.read_audit ? <AuditLog me={me} /> : <NotForYou />)}</RequireSignIn>
    </>
  );
}

function NotForYou() {
  return <p>{t('audit.notForYou')}</p>;
}

function useForceSchemes(force: ForceCode | undefined): SchemeSummary[] {
  const [schemes, setSchemes] = useState<SchemeSummary[]>([]);
  useEffect(() => {
    if (!force) return;
    api.schemes({ kind: 'speedwatch', force, page_size: 100, ordering: 'name' }).then(
      (page) => setSchemes(page.results),
      () => setSchemes([]),
    );
  }, [force]);
  return schemes;
}

function AuditLog({ me }: { me: Me }) {
  const { query } = useLocation();
  const queryText = query.toString();
  const filters = useMemo(() => readFilters(new URLSearchParams(queryText)), [queryText]);
  const [chosen, setChosen] = useState<Filters>(filters);
  const [backwards, setBackwards] = useState(false);
  useEffect(() => {
    setChosen(filters);
    setBackwards(false);
  }, [filters]);
  const set = (key: keyof Filters) => (value: string) => {
    setChosen((old) => ({ ...old, [key]: value }));
    if (key === 'since' || key === 'until') setBackwards(false);
  };
  const schemes = useForceSchemes(liaisonForce(me));

  const apiQuery = useMemo(() => toApiQuery(filters), [filters]);
  const fetchPage = useCallback(
    (page: number, signal: AbortSignal) => reviewApi.audit({ ...apiQuery, page }, signal),
    [apiQuery],
  );
  const list = usePagedList<AuditRecord>(fetchPage);
  const fieldErrors = (field: keyof Filters): string[] | undefined => {
    if (field === 'until' && backwards) return [t('statistics.backwards')];
    return list.error?.fields[field];
  };
  const shownFields = ['since', 'until', 'scheme', 'person', 'action'];

  return (
    <>
      <p>
        {me.liaison ? t('audit.introForce', { force: me.liaison.force_name }) : t('audit.introWhole')}
      </p>
      <form
        class="filters"
        aria-label={t('audit.filter')}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (chosen.since && chosen.until && chosen.since > chosen.until) {
            setBackwards(true);
            requestAnimationFrame(() => document.querySelector<HTMLElement>('main [aria-invalid="true"]')?.focus());
            return;
          }
          navigate(filtersUrl(chosen));
        }}
      >
        <TextField label={t('statistics.from')} type="date" value={chosen.since} onValue={set('since')} errors={fieldErrors('since')} />
        <TextField
          label={t('statistics.to')}
          type="date"
          hint={t('statistics.toHint')}
          value={chosen.until}
          onValue={set('until')}
          errors={fieldErrors('until')}
        />
        {schemes.length > 0 && (
          <SelectField
            label={t('audit.scheme')}
            value={chosen.scheme}
            onValue={set('scheme')}
            errors={fieldErrors('scheme')}
            choices={[
              { value: '', label: t('statistics.allSchemes') },
              ...schemes.map((scheme) => ({ value: String(scheme.id), label: scheme.name })),
              // A scheme in the address that is not listed (no longer active, say) stays chosen.
              ...(chosen.scheme && !schemes.some((scheme) => String(scheme.id) === chosen.scheme)
                ? [{ value: chosen.scheme, label: t('audit.schemeNumber', { id: chosen.scheme }) }]
                : []),
            ]}
          />
        )}
        <TextField
          label={t('audit.person')}
          hint={t('audit.personHint')}
          autoComplete="off"
          maxLength={150}
          value={chosen.person}
          onValue={set('person')}
          errors={fieldErrors('person')}
        />
        <SelectField label={t('audit.what')} value={chosen.action} onValue={set('action')} choices={ACTION_CHOICES()} errors={fieldErrors('action')} />
        <button type="submit" class="button button--primary button--wide">
          {t('audit.show')}
        </button>
      </form>
      {!list.loading && !list.error && list.count > 0 && (
        <p class="download">
          <a class="button button--secondary button--wide" href={reviewApi.auditExportUrl(apiQuery)} download>
            {list.count === 1
              ? t('audit.downloadOne')
              : t('audit.downloadMany', { count: list.count, n: formatNumber(list.count) })}
          </a>
        </p>
      )}
      <section aria-labelledby="audit-records-heading">
        <h2 id="audit-records-heading">{t('audit.records')}</h2>
        <p role="status" class="results__count">
          {list.loading ? t('common.loading') : list.error ? '' : t('audit.count', { count: list.count, n: formatNumber(list.count) })}
        </p>
        {list.loading ? (
          <Loading what={t('audit.loadingWhat')} />
        ) : (
          <>
            <ErrorAlert messages={list.error ? list.error.otherMessages(shownFields) : []} />
            {list.items.length === 0 && !list.error ? (
              <EmptyState>
                <p>{t('audit.none')}</p>
              </EmptyState>
            ) : (
              <ol class="audit-list">
                {list.items.map((record) => (
                  <li key={record.id}>
                    <AuditEntry record={record} />
                  </li>
                ))}
              </ol>
            )}
            <ShowMoreButton list={list} noun={t('audit.noun')} />
          </>
        )}
      </section>
    </>
  );
}

// Filters that say nothing a person reading the audit needs.
const QUIET_FILTERS = new Set(['registration', 'format', 'page', 'page_size']);

// The schema leaves `detail` untyped: it is the search's or export's query, as text.
function detailOf(record: AuditRecord): Record<string, string> {
  return record.detail && typeof record.detail === 'object' ? (record.detail as Record<string, string>) : {};
}

/** A filter's name as the reader knows it; one the app does not know reads as it was asked. */
function filterName(key: string): string {
  const names: Record<string, () => string> = {
    scheme: () => t('audit.filterNames.scheme'),
    site: () => t('audit.filterNames.site'),
    since: () => t('audit.filterNames.since'),
    until: () => t('audit.filterNames.until'),
    action: () => t('audit.filterNames.action'),
    action_status: () => t('audit.filterNames.actionStatus'),
    person: () => t('audit.filterNames.person'),
  };
  return names[key]?.() ?? key;
}

function AuditEntry({ record }: { record: AuditRecord }) {
  const detail = detailOf(record);
  const registration = detail.registration ?? '';
  const filters = Object.entries(detail).filter(([key, value]) => value && !QUIET_FILTERS.has(key));
  return (
    <article class="audit-entry">
      <p class="audit-entry__who">
        <strong>{record.actor_name || t('audit.removedPerson')}</strong>
      </p>
      <p class="audit-entry__what">
        {record.action_display}
        {registration && (
          <>
            {': '}
            {registration === '[removed]' ? (
              <span class="plate plate--none">{t('audit.removedRegistration')}</span>
            ) : (
              <RegistrationPlate registration={normaliseRegistration(registration)} />
            )}
          </>
        )}
      </p>
      <dl class="audit-entry__facts">
        <div>
          <dt>{t('audit.when')}</dt>
          <dd>
            <time dateTime={record.at}>{formatDateTime(record.at)}</time>
          </dd>
        </div>
        {record.schemes.length > 0 && (
          <div>
            <dt>{record.schemes.length === 1 ? t('audit.scheme') : t('audit.schemes')}</dt>
            <dd>{record.schemes.map((scheme) => scheme.name).join(', ')}</dd>
          </div>
        )}
        <div>
          <dt>{t('statistics.offences')}</dt>
          <dd>{formatNumber(record.rows)}</dd>
        </div>
        {filters.length > 0 && (
          <div>
            <dt>{t('audit.filters')}</dt>
            <dd>{filters.map(([key, value]) => t('audit.filterValue', { name: filterName(key), value })).join(', ')}</dd>
          </div>
        )}
      </dl>
    </article>
  );
}
