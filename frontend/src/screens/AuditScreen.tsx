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
import { formatDateTime, londonMidnight, normaliseRegistration, plural } from '../format';
import { usePagedList, useTitle } from '../hooks';
import { navigate, useLocation } from '../router';
import { choiceParam, numberParam } from '../queryParams';
import { liaisonForce, type AuditRecord, type ForceCode, type Me, type SchemeSummary } from '../api/schemas';

const ACTION_CHOICES = [
  { value: '', label: 'Searches and exports' },
  { value: 'registration_search', label: 'Searches by registration' },
  { value: 'offences_csv', label: 'Offence exports' },
  { value: 'letters_csv', label: 'Letter exports (CSV)' },
  { value: 'letters_pdf', label: 'Letter exports (PDF)' },
  { value: 'statistics_csv', label: 'Statistics exports' },
  { value: 'audit_csv', label: 'Audit log exports' },
];

const BACKWARDS = 'Choose a “To” day on or after the “From” day.';

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
  useTitle('Registration audit');
  return (
    <>
      <BackLink />
      <h1 tabIndex={-1}>Registration audit</h1>
      <RequireSignIn>{(me) => (me.actions.read_audit ? <AuditLog me={me} /> : <NotForYou />)}</RequireSignIn>
    </>
  );
}

function NotForYou() {
  return <p>The audit of registration searches and exports is for police liaison officers.</p>;
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
    if (field === 'until' && backwards) return [BACKWARDS];
    return list.error?.fields[field];
  };
  const shownFields = ['since', 'until', 'scheme', 'person', 'action'];

  return (
    <>
      <p>
        Who searched for vehicle registrations or took them away in a download, in the{' '}
        {me.liaison ? me.liaison.force_name : 'whole'} area, newest first. Times are UK time.
      </p>
      <form
        class="filters"
        aria-label="Filter the audit"
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
        <TextField label="From" type="date" value={chosen.since} onValue={set('since')} errors={fieldErrors('since')} />
        <TextField
          label="To"
          type="date"
          hint="Up to and including this day."
          value={chosen.until}
          onValue={set('until')}
          errors={fieldErrors('until')}
        />
        {schemes.length > 0 && (
          <SelectField
            label="Scheme"
            value={chosen.scheme}
            onValue={set('scheme')}
            errors={fieldErrors('scheme')}
            choices={[
              { value: '', label: 'All schemes' },
              ...schemes.map((scheme) => ({ value: String(scheme.id), label: scheme.name })),
              // A scheme in the address that is not listed (no longer active, say) stays chosen.
              ...(chosen.scheme && !schemes.some((scheme) => String(scheme.id) === chosen.scheme)
                ? [{ value: chosen.scheme, label: `Scheme ${chosen.scheme}` }]
                : []),
            ]}
          />
        )}
        <TextField
          label="Person"
          hint="Part of their name."
          autoComplete="off"
          maxLength={150}
          value={chosen.person}
          onValue={set('person')}
          errors={fieldErrors('person')}
        />
        <SelectField label="What" value={chosen.action} onValue={set('action')} choices={ACTION_CHOICES} errors={fieldErrors('action')} />
        <button type="submit" class="button button--primary button--wide">
          Show records
        </button>
      </form>
      {!list.loading && !list.error && list.count > 0 && (
        <p class="download">
          <a class="button button--secondary button--wide" href={reviewApi.auditExportUrl(apiQuery)} download>
            Download {list.count === 1 ? 'this record' : `these ${list.count} records`} (CSV)
          </a>
        </p>
      )}
      <section aria-labelledby="audit-records-heading">
        <h2 id="audit-records-heading">Records</h2>
        <p role="status" class="results__count">
          {list.loading ? 'Loading…' : list.error ? '' : `${plural(list.count, 'record')}.`}
        </p>
        {list.loading ? (
          <Loading what="the audit" />
        ) : (
          <>
            <ErrorAlert messages={list.error ? list.error.otherMessages(shownFields) : []} />
            {list.items.length === 0 && !list.error ? (
              <EmptyState>
                <p>No searches or exports match these filters.</p>
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
            <ShowMoreButton list={list} noun="records" />
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

function AuditEntry({ record }: { record: AuditRecord }) {
  const detail = detailOf(record);
  const registration = detail.registration ?? '';
  const filters = Object.entries(detail).filter(([key, value]) => value && !QUIET_FILTERS.has(key));
  return (
    <article class="audit-entry">
      <p class="audit-entry__who">
        <strong>{record.actor_name || 'Someone since removed'}</strong>
      </p>
      <p class="audit-entry__what">
        {record.action_display}
        {registration && (
          <>
            {': '}
            {registration === '[removed]' ? (
              <span class="plate plate--none">Removed after the retention period</span>
            ) : (
              <RegistrationPlate registration={normaliseRegistration(registration)} />
            )}
          </>
        )}
      </p>
      <dl class="audit-entry__facts">
        <div>
          <dt>When</dt>
          <dd>
            <time dateTime={record.at}>{formatDateTime(record.at)}</time>
          </dd>
        </div>
        {record.schemes.length > 0 && (
          <div>
            <dt>{record.schemes.length === 1 ? 'Scheme' : 'Schemes'}</dt>
            <dd>{record.schemes.map((scheme) => scheme.name).join(', ')}</dd>
          </div>
        )}
        <div>
          <dt>Offences</dt>
          <dd>{record.rows}</dd>
        </div>
        {filters.length > 0 && (
          <div>
            <dt>Filters</dt>
            <dd>{filters.map(([key, value]) => `${key}: ${value}`).join(', ')}</dd>
          </div>
        )}
      </dl>
    </article>
  );
}
