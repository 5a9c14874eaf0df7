import { formatNumber, formatSessionTimes, SESSION_STATUS_LABELS } from '../format';
import { t } from '../i18n';
import type { SpeedwatchSession } from '../api/schemas';
import { StatusTag } from './StatusTag';

/** One session in a list: where and when, what was counted, and whether it is submitted. */
export function SessionCard({
  session,
  showScheme,
  headingLevel = 3,
}: {
  session: SpeedwatchSession;
  showScheme: boolean;
  headingLevel?: 2 | 3;
}) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <article class="card session-card">
      <Heading class="card__title">
        <a href={`/speedwatch/sessions/${session.id}`}>{session.site.name}</a>
      </Heading>
      <p class="card__meta">
        <StatusTag tone={session.status}>{SESSION_STATUS_LABELS[session.status]}</StatusTag>
        {showScheme && <span>{session.scheme.name}</span>}
      </p>
      <dl class="card__facts">
        <div>
          <dt>{t('sessionScreen.when')}</dt>
          <dd>{formatSessionTimes(session.started_at, session.ended_at)}</dd>
        </div>
        <div>
          <dt>{t('sessionScreen.vehiclesCounted')}</dt>
          <dd>{formatNumber(session.vehicles_counted)}</dd>
        </div>
        <div>
          <dt>{t('sessionScreen.offences')}</dt>
          <dd>{formatNumber(session.offence_count)}</dd>
        </div>
        <div>
          <dt>{t('sessionScreen.present')}</dt>
          <dd>
            {session.present.length
              ? session.present.map((person) => person.name).join(', ')
              : t('sessionCard.nobody')}
          </dd>
        </div>
      </dl>
    </article>
  );
}
