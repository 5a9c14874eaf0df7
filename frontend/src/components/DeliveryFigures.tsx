// Who an alert reached, channel by channel, and how many have read it.

import { CHANNEL_LABELS, formatNumber } from '../format';
import { t } from '../i18n';
import type { AlertChannel, DeliverySummary } from '../api/schemas';

// The schema gives a row's channel as text (see the report on the gaps in the schema).
const ORDER: readonly string[] = ['in_app', 'email', 'push', 'sms'] satisfies AlertChannel[];

const channelLabel = (channel: string) =>
  channel in CHANNEL_LABELS ? CHANNEL_LABELS[channel as AlertChannel] : channel;

export function DeliveryFigures({ summary }: { summary: DeliverySummary }) {
  const channels = [...summary.channels].sort((a, b) => ORDER.indexOf(a.channel) - ORDER.indexOf(b.channel));
  const inApp = summary.channels.find((row) => row.channel === 'in_app');
  return (
    <>
      <p class="delivery__headline">
        {t('delivery.sentTo', {
          people: t('reach.people', { count: summary.recipients, n: formatNumber(summary.recipients) }),
          schemes: t('reach.schemes', { count: summary.schemes, n: formatNumber(summary.schemes) }),
        })}
        {inApp
          ? t('delivery.readBy', { count: inApp.read, read: formatNumber(inApp.read), total: formatNumber(inApp.total) })
          : '.'}
      </p>
      {channels.length > 0 && (
        <ul class="card-list delivery__channels">
          {channels.map((row) => (
            <li key={row.channel} class="delivery__channel">
              <p class="delivery__channel-name">
                {channelLabel(row.channel)}: {formatNumber(row.total)}
              </p>
              <dl class="figures">
                <Figure label={t('delivery.sent')} value={row.sent} />
                <Figure label={t('delivery.waiting')} value={row.queued} />
                <Figure label={t('delivery.failed')} value={row.failed} />
                {row.withdrawn > 0 && <Figure label={t('delivery.withdrawn')} value={row.withdrawn} />}
                {row.delivered + row.undelivered > 0 && (
                  <>
                    <Figure label={t('delivery.delivered')} value={row.delivered} />
                    <Figure label={t('delivery.undelivered')} value={row.undelivered} />
                  </>
                )}
                <Figure label={t('delivery.read')} value={row.read} />
              </dl>
            </li>
          ))}
        </ul>
      )}
      <p class="field-hint">{t('delivery.explained')}</p>
    </>
  );
}

function Figure({ label, value }: { label: string; value: number }) {
  return (
    <div class="figures__item">
      <dt>{label}</dt>
      <dd>{formatNumber(value)}</dd>
    </div>
  );
}
