// Sessions started on this phone that are not submitted yet, with what is still waiting
// to upload: the way back to a session after closing the page.

import { formatNumber, formatSessionTimes, formatTime } from '../format';
import { t } from '../i18n';
import { endsLater, listDrafts, useDraftChanges, waitingEntries } from '../sessionDrafts';

export function DraftList({ userId, headingLevel = 2 }: { userId: number; headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const Title = headingLevel === 2 ? 'h3' : 'h4';
  useDraftChanges();
  const drafts = listDrafts(userId).sort((a, b) => b.started_at.localeCompare(a.started_at));
  if (!drafts.length) return null;
  return (
    <section aria-labelledby="drafts-heading">
      <Heading id="drafts-heading">{t('draftList.heading')}</Heading>
      <p>{t('draftList.intro')}</p>
      <ul class="card-list">
        {drafts.map((draft) => {
          const waiting = waitingEntries(draft);
          return (
            <li key={draft.id}>
              <article class="card">
                <Title class="card__title">
                  <a href={`/speedwatch/sessions/${draft.id}`}>{draft.site.name}</a>
                </Title>
                <p class="card__detail">{formatSessionTimes(draft.started_at, draft.ended_at)}</p>
                <p class="card__detail">
                  {t('draftList.logged', { count: draft.offences.length, n: formatNumber(draft.offences.length) })}
                  {waiting > 0 && (
                    <strong>{t('draftList.waiting', { count: waiting, n: formatNumber(waiting) })}</strong>
                  )}
                  {!draft.created &&
                    (endsLater(draft) ? (
                      <>{t('draftList.uploadsAt', { time: formatTime(draft.ended_at) })}</>
                    ) : (
                      <strong>{t('draftList.notUploaded')}</strong>
                    ))}
                  .
                </p>
                {draft.problem && <p class="field-error">{t('draftList.notAccepted')}</p>}
              </article>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
