import { ALERT_STATUS_LABELS, SEVERITY_LABELS } from '../format';
import type { Alert } from '../api/schemas';
import { StatusTag } from './StatusTag';
import { t } from '../i18n';

/**
 * What kind of message an alert is, at a glance: unread, an update, cancelled, how severe;
 * and, where it matters, whether it is a draft, replaced or expired. Cancelled and expired
 * are the incident's (an alert, its updates and cancellation): once cancelled, all of it is.
 */
export function AlertTags({ alert, unread = false, answered = false }: { alert: Alert; unread?: boolean; answered?: boolean }) {
  const incident = alert.incident_status ?? alert.status;
  const cancelled = incident === 'cancelled' || alert.message_type === 'Cancel';
  const status = cancelled ? null : alert.status === 'updated' ? 'updated' : incident === 'published' ? null : incident;
  return (
    <p class="card__meta">
      {unread && <StatusTag tone="unread">{t('alertTags.unread')}</StatusTag>}
      {answered && <StatusTag tone="update">{t('alertTags.newAnswer')}</StatusTag>}
      {alert.message_type === 'Update' && <StatusTag tone="update">{t('alertTags.update')}</StatusTag>}
      {cancelled && <StatusTag tone="cancelled">{t('alertTags.cancelled')}</StatusTag>}
      {status && <StatusTag tone={status}>{ALERT_STATUS_LABELS[status]}</StatusTag>}
      <StatusTag tone={`severity-${alert.severity.toLowerCase()}`}>
        <span class="visually-hidden">{t('alertTags.severity')}</span>
        {SEVERITY_LABELS[alert.severity]}
      </StatusTag>
      <span>{alert.category_display}</span>
    </p>
  );
}
