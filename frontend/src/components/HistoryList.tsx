// A status history, newest first: each step with who took it, when, and why.

import { formatDateTime } from '../format';
import { languageTag, t } from '../i18n';

export interface HistoryEntry {
  id?: number;
  from_status: string | null;
  to_status: string;
  actor_name: string;
  reason: string;
  at: string;
}

export function HistoryList({ entries, labels }: { entries: HistoryEntry[]; labels: Record<string, string> }) {
  if (entries.length === 0) return <p>{t('historyList.nothing')}</p>;
  const label = (status: string) => labels[status] ?? status;
  return (
    <ol class="history">
      {entries.map((entry, index) => (
        <li key={entry.id ?? index}>
          <strong>{label(entry.to_status)}</strong>
          {entry.from_status
            ? t('historyList.was', { status: label(entry.from_status).toLocaleLowerCase(languageTag()) })
            : ''}{' '}
          —{' '}
          <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
          {entry.actor_name ? t('historyList.by', { name: entry.actor_name }) : ''}
          {entry.reason && <p class="history__reason">{t('historyList.reason', { reason: entry.reason })}</p>}
        </li>
      ))}
    </ol>
  );
}
