import { formatDateTime, formatNumber } from '../format';
import { languageTag, t } from '../i18n';
import { alertText, useReadingLanguage } from '../alertText';
import type { AlertDetail } from '../api/schemas';
import { AlertTags } from './AlertTags';
import { ApprovalStatus } from './ApprovalStatus';
import { TextLanguageSwitch } from './TextLanguageSwitch';

/** One alert its issuer (or the force's liaison) sent or is drafting. */
export function IssuedAlertCard({ alert, showIssuer }: { alert: AlertDetail; showIssuer: boolean }) {
  // Its title in the reader's language where it has one, with a switch to the other.
  const [reading, setReading] = useReadingLanguage();
  const text = alertText(alert, reading);
  return (
    <article class="card">
      <h2 class="card__title">
        <a href={`/alerts/${alert.id}`} lang={languageTag(text.lang)}>
          {text.title}
        </a>
      </h2>
      {alert.translation && <TextLanguageSwitch shown={text.lang} onSwitch={setReading} />}
      <AlertTags alert={alert} />
      <ApprovalStatus alert={alert} />
      <dl class="card__facts">
        {showIssuer && (
          <div>
            <dt>{t('issuedAlerts.issuedBy')}</dt>
            <dd>
              {alert.issuer_name || t('issuedAlerts.someoneWhoLeft')}
              {alert.scheme ? t('issuedAlerts.forScheme', { name: alert.scheme.name }) : ''}
            </dd>
          </div>
        )}
        <div>
          <dt>{alert.published_at ? t('issuedAlerts.published') : t('issuedAlerts.drafted')}</dt>
          <dd>{formatDateTime(alert.published_at ?? alert.created_at)}</dd>
        </div>
        {alert.status !== 'draft' && (
          <div>
            <dt>{t('issuedAlerts.reached')}</dt>
            <dd>{t('reach.people', { count: alert.recipients_count, n: formatNumber(alert.recipients_count) })}</dd>
          </div>
        )}
        {!!alert.unread_replies && (
          <div>
            <dt>{t('alertSending.replies')}</dt>
            <dd>
              <a href={`/alerts/${alert.id}#replies-heading`}>
                {t('replyList.newReplies', { count: alert.unread_replies, n: formatNumber(alert.unread_replies) })}
              </a>
            </dd>
          </div>
        )}
      </dl>
    </article>
  );
}
