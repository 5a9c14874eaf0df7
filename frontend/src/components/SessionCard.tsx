import { formatSessionTimes, plural, SESSION_STATUS_LABELS } from '../format';
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
          <dt>When</dt>
          <dd>{formatSessionTimes(session.started_at, session.ended_at)}</dd>
        </div>
        <div>
          <dt>Vehicles counted</dt>
          <dd>{session.vehicles_counted}</dd>
        </div>
        <div>
          <dt>Offences</dt>
          <dd>{session.offence_count}</dd>
        </div>
        <div>
          <dt>Present</dt>
          <dd>{session.present.length ? session.present.map((person) => person.name).join(', ') : plural(0, 'person', 'people')}</dd>
        </div>
      </dl>
    </article>
  );
}
