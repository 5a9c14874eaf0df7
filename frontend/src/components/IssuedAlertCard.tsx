import { formatDateTime, plural } from '../format';
import type { AlertDetail } from '../api/schemas';
import { AlertTags } from './AlertTags';

/** One alert its issuer (or the force's liaison) sent or is drafting. */
export function IssuedAlertCard({ alert, showIssuer }: { alert: AlertDetail; showIssuer: boolean }) {
  return (
    <article class="card">
      <h2 class="card__title">
        <a href={`/alerts/${alert.id}`}>{alert.title}</a>
      </h2>
      <AlertTags alert={alert} />
      <dl class="card__facts">
        {showIssuer && (
          <div>
            <dt>Issued by</dt>
            <dd>
              {alert.issuer_name || 'Someone who has left'}
              {alert.scheme ? ` for ${alert.scheme.name}` : ''}
            </dd>
          </div>
        )}
        <div>
          <dt>{alert.published_at ? 'Published' : 'Drafted'}</dt>
          <dd>{formatDateTime(alert.published_at ?? alert.created_at)}</dd>
        </div>
        {alert.status !== 'draft' && (
          <div>
            <dt>Reached</dt>
            <dd>{plural(alert.recipients_count, 'person', 'people')}</dd>
          </div>
        )}
        {!!alert.unread_replies && (
          <div>
            <dt>Replies</dt>
            <dd>
              <a href={`/alerts/${alert.id}#replies-heading`}>{plural(alert.unread_replies, 'new reply', 'new replies')}</a>
            </dd>
          </div>
        )}
      </dl>
    </article>
  );
}
