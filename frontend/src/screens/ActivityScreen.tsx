// "/activity" — what happened in the schemes a coordinator or liaison looks after.

import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { api, type ActivityQuery } from '../api';
import { EmptyState } from '../components/EmptyState';
import { ErrorAlert, SelectField, TextField } from '../components/FormField';
import { Loading } from '../components/Loading';
import { RequireSignIn } from '../components/RequireSignIn';
import { KindTag } from '../components/SchemeCard';
import { ShowMoreButton } from '../components/ShowMoreButton';
import { formatDateTime, formatNumber, KIND_LABELS, londonMidnight } from '../format';
import { usePagedList, useTitle } from '../hooks';
import { navigate, useLocation } from '../router';
import type { ActivityEntry, ActivityType, SchemeKind } from '../api/schemas';
import { choiceParam, numberParam } from '../queryParams';
import { t } from '../i18n';

const KIND_CHOICES = () => [
  { value: '', label: t('activity.allKinds') },
  ...(Object.keys(KIND_LABELS) as SchemeKind[]).map((kind) => ({ value: kind, label: KIND_LABELS[kind] })),
];

// The catalogue key of each kind of activity the API records (its `type` filter). A Record
// over the schema's enum, so that the build fails when the server registers a kind not named
// here; read when drawn, so that a change of language changes them.
const ACTIVITY_TYPE_LABELS: Record<ActivityType, string> = {
  scheme_proposed: 'activityType.scheme_proposed',
  scheme_updated: 'activityType.scheme_updated',
  scheme_approved: 'activityType.scheme_approved',
  scheme_suspended: 'activityType.scheme_suspended',
  scheme_reinstated: 'activityType.scheme_reinstated',
  scheme_closed: 'activityType.scheme_closed',
  member_requested: 'activityType.member_requested',
  member_joined: 'activityType.member_joined',
  member_declined: 'activityType.member_declined',
  member_decline_undone: 'activityType.member_decline_undone',
  member_left: 'activityType.member_left',
  member_removed: 'activityType.member_removed',
  role_changed: 'activityType.role_changed',
  site_proposed: 'activityType.site_proposed',
  site_approved: 'activityType.site_approved',
  site_rejected: 'activityType.site_rejected',
  site_suspended: 'activityType.site_suspended',
  session_submitted: 'activityType.session_submitted',
  session_amended: 'activityType.session_amended',
  alert_published: 'activityType.alert_published',
  alert_submitted: 'approval.activity.submitted',
  alert_approved: 'approval.activity.approved',
  alert_sent_back: 'approval.activity.sentBack',
  alert_resubmitted: 'approval.activity.resubmitted',
  survey_sent: 'surveys.activity.sent',
  survey_closed: 'surveys.activity.closed',
};

export const ACTIVITY_TYPES = (): { value: string; label: string }[] => [
  { value: '', label: t('activity.allTypes') },
  ...Object.entries(ACTIVITY_TYPE_LABELS).map(([value, key]) => ({ value, label: t(key) })),
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
  useTitle(t('activity.title'));
  return (
    <>
      <h1 tabIndex={-1}>{t('activity.title')}</h1>
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
  const types = ACTIVITY_TYPES();
  const typeChoices =
    filters.type && !types.some((choice) => choice.value === filters.type)
      ? [...types, { value: filters.type, label: filters.type }]
      : types;

  return (
    <>
      <p>{t('activity.intro')}</p>
      <form
        class="filters"
        aria-label={t('activity.filterLabel')}
        onSubmit={(event) => {
          event.preventDefault();
          navigate(filtersUrl({ ...filters, kind, type, since }));
        }}
      >
        <SelectField label={t('activity.kind')} value={kind} onValue={setKind} choices={KIND_CHOICES()} />
        <SelectField label={t('activity.type')} value={type} onValue={setType} choices={typeChoices} />
        <TextField
          label={t('activity.since')}
          type="date"
          hint={t('activity.sinceHint')}
          value={since}
          onValue={setSince}
        />
        <button type="submit" class="button button--primary button--wide">
          {t('activity.filter')}
        </button>
      </form>
      <p class="download">
        <a class="button button--secondary button--wide" href={api.activityExportUrl(toApiQuery(filters))} download>
          {t('activity.download')}
        </a>
      </p>
      <section aria-labelledby="log-heading">
        <h2 id="log-heading">{t('activity.log')}</h2>
        <p role="status" class="results__count">
          {list.loading ? t('common.loading') : list.error ? '' : t('activity.count', { count: list.count, n: formatNumber(list.count) })}
        </p>
        {list.loading ? (
          <Loading what={t('activity.loadingWhat')} />
        ) : (
          <>
            <ErrorAlert messages={list.error ? list.error.otherMessages([]) : []} />
            {list.items.length === 0 && !list.error ? (
              <EmptyState>
                <p>{t('activity.none')}</p>
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
                          {` ${t('activity.in')} `}
                          <a href={`/schemes/${entry.scheme.id}`}>{entry.scheme.name}</a> <KindTag kind={entry.scheme.kind} />
                        </>
                      )}
                    </p>
                    <p class="activity-entry__meta">
                      <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
                      {entry.actor_name && <> {t('activity.by', { name: entry.actor_name })}</>}
                    </p>
                  </li>
                ))}
              </ol>
            )}
            <ShowMoreButton list={list} noun={t('activity.noun')} />
          </>
        )}
      </section>
    </>
  );
}
