// Sessions started on this phone that are not submitted yet, with what is still waiting
// to upload: the way back to a session after closing the page.

import { formatSessionTimes, formatTime, plural } from '../format';
import { endsLater, listDrafts, useDraftChanges, waitingEntries } from '../sessionDrafts';

export function DraftList({ userId, headingLevel = 2 }: { userId: number; headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const Title = headingLevel === 2 ? 'h3' : 'h4';
  useDraftChanges();
  const drafts = listDrafts(userId).sort((a, b) => b.started_at.localeCompare(a.started_at));
  if (!drafts.length) return null;
  return (
    <section aria-labelledby="drafts-heading">
      <Heading id="drafts-heading">On this phone</Heading>
      <p>Sessions you are logging here and have not submitted yet.</p>
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
                  {plural(draft.offences.length, 'offence')} logged
                  {waiting > 0 && <strong>, {plural(waiting, 'entry', 'entries')} waiting to upload</strong>}
                  {!draft.created &&
                    (endsLater(draft) ? (
                      <>; uploads when it ends at {formatTime(draft.ended_at)}</>
                    ) : (
                      <strong>; the session is not uploaded yet</strong>
                    ))}
                  .
                </p>
                {draft.problem && <p class="field-error">Patchwatch did not accept it: open it to correct the details.</p>}
              </article>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
