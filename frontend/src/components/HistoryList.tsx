// A status history, newest first: each step with who took it, when, and why.

import { formatDateTime } from '../format';
import { t } from '../i18n';

export interface HistoryEntry {
  id?: number;
  from_status: string | null;
  to_status: string;
  actor_name: string;
  reason: string;
  at: string;
}

export function HistoryList({ entries, labels }: { entries: HistoryEntry[]; labels: Record<string, string> }) {
  if (entries.length === 0) return <p>{t('statusHistory.none')}</p>;
  const label = (status: string) => labels[status] ?? status;
  return (
    <ol class="history">
      {entries.map((entry, index) => (
        <li key={entry.id ?? index}>
          <strong>{label(entry.to_status)}</strong>
          {entry.from_status ? t('scheme.was', { status: label(entry.from_status).toLowerCase() }) : ''} —{' '}
          <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
          {entry.actor_name ? t('scheme.by', { name: entry.actor_name }) : ''}
          {entry.reason && <p class="history__reason">{t('scheme.reason', { reason: entry.reason })}</p>}
        </li>
      ))}
    </ol>
  );
}
