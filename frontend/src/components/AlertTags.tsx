import { ALERT_STATUS_LABELS } from '../format';
import type { Alert } from '../types';
import { StatusTag } from './StatusTag';

/**
 * What kind of message an alert is, at a glance: unread, an update, cancelled, how severe;
 * and, where it matters, whether it is a draft, replaced or expired.
 */
export function AlertTags({ alert, unread = false }: { alert: Alert; unread?: boolean }) {
  const cancelled = alert.message_type === 'Cancel' || alert.status === 'cancelled';
  const status = alert.status === 'published' || alert.status === 'cancelled' ? null : alert.status;
  return (
    <p class="card__meta">
      {unread && <StatusTag tone="unread">Unread</StatusTag>}
      {alert.message_type === 'Update' && <StatusTag tone="update">Update</StatusTag>}
      {cancelled && <StatusTag tone="cancelled">Cancelled</StatusTag>}
      {status && <StatusTag tone={status}>{ALERT_STATUS_LABELS[status]}</StatusTag>}
      <StatusTag tone={`severity-${alert.severity.toLowerCase()}`}>
        <span class="visually-hidden">Severity: </span>
        {alert.severity}
      </StatusTag>
      <span>{alert.category_display}</span>
    </p>
  );
}
