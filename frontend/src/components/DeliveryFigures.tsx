// Who an alert reached, channel by channel, and how many have read it.

import { CHANNEL_LABELS, plural } from '../format';
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
        Sent to {plural(summary.recipients, 'person', 'people')} in {plural(summary.schemes, 'scheme')}
        {inApp ? `; ${inApp.read} of ${inApp.total} ${inApp.read === 1 ? 'has' : 'have'} read it.` : '.'}
      </p>
      {channels.length > 0 && (
        <ul class="card-list delivery__channels">
          {channels.map((row) => (
            <li key={row.channel} class="delivery__channel">
              <p class="delivery__channel-name">
                {channelLabel(row.channel)}: {row.total}
              </p>
              <dl class="figures">
                <Figure label="Sent" value={row.sent} />
                <Figure label="Waiting" value={row.queued} />
                <Figure label="Failed" value={row.failed} />
                {row.withdrawn > 0 && <Figure label="Withdrawn" value={row.withdrawn} />}
                {row.delivered + row.undelivered > 0 && (
                  <>
                    <Figure label="Delivered" value={row.delivered} />
                    <Figure label="Not delivered" value={row.undelivered} />
                  </>
                )}
                <Figure label="Read" value={row.read} />
              </dl>
            </li>
          ))}
        </ul>
      )}
      <p class="field-hint">
        Waiting: held for quiet hours or a daily digest, or still being sent. Withdrawn: held back because the alert was cancelled or expired first. Delivered and not delivered: what GOV.UK Notify reported back for emails and texts it sent. Read: opened here in the app.
      </p>
    </>
  );
}

function Figure({ label, value }: { label: string; value: number }) {
  return (
    <div class="figures__item">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
