import type { ComponentChildren } from 'preact';
import { formatDateTime } from '../format';
import type { Notice } from '../api/schemas';
import { AlertTags } from './AlertTags';
import { languageTag, t } from '../i18n';
import { alertText, useReadingLanguage } from '../alertText';
import { TextLanguageSwitch } from './TextLanguageSwitch';

/**
 * One incident in the inbox (its latest message, with where the incident stands): unread ones
 * stand out, with a bar down the side and a tag; a new answer to the reader's reply is tagged.
 */
export function NoticeCard({ notice, children }: { notice: Notice; children?: ComponentChildren }) {
  const alert = notice.alert;
  // In the reader's language where the alert has it; the switch shows the other.
  const [reading, setReading] = useReadingLanguage();
  const text = alertText(alert, reading);
  const lang = languageTag(text.lang);
  return (
    <article class={`card notice-card${notice.unread ? ' notice-card--unread' : ''}`}>
      <h2 class="card__title">
        <a href={`/alerts/${alert.id}`} lang={lang}>
          {text.title}
        </a>
      </h2>
      <AlertTags alert={alert} unread={notice.unread} answered={notice.new_answer} />
      <p class="card__detail notice-card__from">
        {sender(notice)}, {formatDateTime(alert.published_at ?? notice.queued_at)}
      </p>
      <p class="card__detail notice-card__body" lang={lang}>
        {excerpt(text.body)}
      </p>
      {alert.translation && <TextLanguageSwitch shown={text.lang} onSwitch={setReading} />}
      {children}
    </article>
  );
}

function sender(notice: Notice): string {
  const alert = notice.alert;
  if (alert.scheme) return t('notice.fromScheme', { name: alert.scheme.name });
  return alert.issuer_name ? t('notice.fromLiaison', { name: alert.issuer_name }) : t('notice.fromTheLiaison');
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 140 ? `${flat.slice(0, 137).trimEnd()}…` : flat;
}
