// "/activity" — what happened in the schemes a coordinator or liaison looks after.

import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { api, type ActivityQuery } from '../api';
import { EmptyState } from '../components/EmptyState';
import { ErrorAlert, SelectField, TextField } from '../components/FormField';
import { Loading } from '../components/Loading';
import { RequireSignIn } from '../components/RequireSignIn';
import { KindTag } from '../components/SchemeCard';
import { ShowMoreButton } from '../components/ShowMoreButton';
import { formatDateTime, KIND_LABELS, londonMidnight } from '../format';
import { usePagedList, useTitle } from '../hooks';
import { navigate, useLocation } from '../router';
import type { ActivityEntry, ActivityType, SchemeKind } from '../api/schemas';
import { choiceParam, numberParam } from '../queryParams';

const KIND_CHOICES = () => [
  { value: '', label: 'All kinds' },
  ...(Object.keys(KIND_LABELS) as SchemeKind[]).map((kind) => ({ value: kind, label: KIND_LABELS[kind] })),
];

// The label of each kind of activity the API records (its `type` filter). A Record over the
// schema's enum, so that the build fails when the server registers a kind not named here.
const ACTIVITY_TYPE_LABELS: Record<ActivityType, string> = {
  scheme_proposed: 'Scheme proposed',
  scheme_updated: 'Scheme details changed',
  scheme_approved: 'Scheme approved',
  scheme_suspended: 'Scheme suspended',
  scheme_reinstated: 'Scheme reinstated',
  scheme_closed: 'Scheme closed',
  member_requested: 'Asked to join',
  member_joined: 'Member joined',
  member_declined: 'Join request declined',
  member_decline_undone: 'Join request decline undone',
  member_left: 'Member left',
  member_removed: 'Member removed',
  role_changed: 'Role changed',
  site_proposed: 'Speedwatch site proposed',
  site_approved: 'Speedwatch site approved',
  site_rejected: 'Speedwatch site rejected',
  site_suspended: 'Speedwatch site suspended',
  session_submitted: 'Speedwatch session submitted',
  session_amended: 'Speedwatch session amended',
  alert_published: 'Alert published',
};

export const ACTIVITY_TYPES: { value: string; label: string }[] = [
  { value: '', label: 'All activity' },
  ...Object.entries(ACTIVITY_TYPE_LABELS).map(([value, label]) => ({ value, label })),
];

/** The filters as the page's address holds them. */
interface ActivityFilters {
  scheme: string;
  kind: string;
  type: string;
  since: string;
  until: string;
}

/** The API filters on date-times; a day picked here means from its midnight in London. */
function toApiQuery(filters: ActivityFilters): ActivityQuery {
  const midnight = (day: string) => (day ? (londonMidnight(day)?.toISOString() ?? day) : undefined);
  const type = choiceParam<ActivityType>(filters.type);
  return {
    scheme: numberParam(filters.scheme),
    kind: choiceParam(filters.kind),
    type: type ? [type] : undefined,
    since: midnight(filters.since),
    until: midnight(filters.until),
  };
}

function readFilters(query: URLSearchParams): ActivityFilters {
  return {
    scheme: query.get('scheme') ?? '',
    kind: query.get('kind') ?? '',
    type: query.get('type') ?? '',
    since: query.get('since') ?? '',
    until: query.get('until') ?? '',
  };
}

function filtersUrl(filters: ActivityFilters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, String(value));
  const text = params.toString();
  return text ? `/activity?${text}` : '/activity';
}

export function ActivityScreen() {
  useTitle('Activity');
  return (
    <>
      <h1 tabIndex={-1}>Activity</h1>
      <RequireSignIn>{() => <ActivityLog />}</RequireSignIn>
    </>
  );
}

function ActivityLog() {
  const { query } = useLocation();
  const queryText = query.toString();
  const filters = useMemo(() => readFilters(new URLSearchParams(queryText)), [queryText]);
  const [kind, setKind] = useState(filters.kind);
  const [type, setType] = useState(filters.type);
  const [since, setSince] = useState(filters.since);

  useEffect(() => {
    setKind(filters.kind);
    setType(filters.type);
    setSince(filters.since);
  }, [filters]);

  const fetchPage = useCallback((page: number) => api.activity({ ...toApiQuery(filters), page }), [filters]);
  const list = usePagedList<ActivityEntry>(fetchPage);
  const typeChoices =
    filters.type && !ACTIVITY_TYPES.some((choice) => choice.value === filters.type)
      ? [...ACTIVITY_TYPES, { value: filters.type, label: filters.type }]
      : ACTIVITY_TYPES;

  return (
    <>
      <p>Changes in the schemes you coordinate or cover as police liaison, newest first.</p>
      <form
        class="filters"
        aria-label="Filter activity"
        onSubmit={(event) => {
          event.preventDefault();
          navigate(filtersUrl({ ...filters, kind, type, since }));
        }}
      >
        <SelectField label="Scheme kind" value={kind} onValue={setKind} choices={KIND_CHOICES()} />
        <SelectField label="Type" value={type} onValue={setType} choices={typeChoices} />
        <TextField label="Since" type="date" hint="Only show activity on or after this day." value={since} onValue={setSince} />
        <button type="submit" class="button button--primary button--wide">
          Filter
        </button>
      </form>
      <p class="download">
        <a class="button button--secondary button--wide" href={api.activityExportUrl(toApiQuery(filters))} download>
          Download CSV
        </a>
      </p>
      <section aria-labelledby="log-heading">
        <h2 id="log-heading">Log</h2>
        <p role="status" class="results__count">
          {list.loading ? 'Loading…' : list.error ? '' : `${list.count} ${list.count === 1 ? 'entry' : 'entries'}.`}
        </p>
        {list.loading ? (
          <Loading what="activity" />
        ) : (
          <>
            <ErrorAlert messages={list.error ? list.error.otherMessages([]) : []} />
            {list.items.length === 0 && !list.error ? (
              <EmptyState>
                <p>No activity matches these filters. Try an earlier date or all types.</p>
              </EmptyState>
            ) : (
              <ol class="activity-list">
                {list.items.map((entry) => (
                  <li key={entry.id} class="activity-entry">
                    <p class="activity-entry__summary">{entry.summary}</p>
                    <p class="activity-entry__meta">
                      <span class="activity-entry__type">{entry.type_display || entry.type}</span>
                      {entry.scheme && (
                        <>
                          {' in '}
                          <a href={`/schemes/${entry.scheme.id}`}>{entry.scheme.name}</a> <KindTag kind={entry.scheme.kind} />
                        </>
                      )}
                    </p>
                    <p class="activity-entry__meta">
                      <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
                      {entry.actor_name && <> by {entry.actor_name}</>}
                    </p>
                  </li>
                ))}
              </ol>
            )}
            <ShowMoreButton list={list} noun="entries" />
          </>
        )}
      </section>
    </>
  );
}
