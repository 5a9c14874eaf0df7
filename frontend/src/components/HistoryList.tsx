// A status history, newest first: each step with who took it, when, and why.

import { formatDateTime } from '../format';

export interface HistoryEntry {
  id?: number;
  from_status: string | null;
  to_status: string;
  actor_name: string;
  reason: string;
  at: string;
}

export function HistoryList({ entries, labels }: { entries: HistoryEntry[]; labels: Record<string, string> }) {
  if (entries.length === 0) return <p>Nothing recorded yet.</p>;
  const label = (status: string) => labels[status] ?? status;
  return (
    <ol class="history">
      {entries.map((entry, index) => (
        <li key={entry.id ?? index}>
          <strong>{label(entry.to_status)}</strong>
          {entry.from_status ? ` (was ${label(entry.from_status).toLowerCase()})` : ''} —{' '}
          <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
          {entry.actor_name ? `, by ${entry.actor_name}` : ''}
          {entry.reason && <p class="history__reason">Reason: {entry.reason}</p>}
        </li>
      ))}
    </ol>
  );
}
