// In the inbox: the open surveys the signed-in member has not answered yet, each a link to
// its answer screen, and the way to every survey.

import { useEffect, useState } from 'preact/hooks';
import { formatDate } from '../format';
import { t } from '../i18n';
import { surveysApi, type Survey } from '../surveysApi';

export function SurveysWaiting() {
  const [waiting, setWaiting] = useState<Survey[]>([]);
  useEffect(() => {
    const abort = new AbortController();
    surveysApi.surveys({ answered: false, status: 'sent' }, abort.signal).then(
      (page) => setWaiting(page.results.filter((survey) => survey.actions.answer)),
      () => setWaiting([]),
    );
    return () => abort.abort();
  }, []);
  return (
    <section class="surveys-waiting" aria-labelledby="surveys-waiting-heading">
      {waiting.length > 0 && (
        <>
          <h2 id="surveys-waiting-heading">{t('surveys.waiting.title')}</h2>
          <ul class="card-list">
            {waiting.map((survey) => (
              <li key={survey.id}>
                <article class="card">
                  <h3 class="card__title">
                    <a href={`/surveys/${survey.id}`}>{survey.title}</a>
                  </h3>
                  <p class="card__detail">
                    {survey.closes_at
                      ? t('surveys.closesOn', { date: formatDate(survey.closes_at) })
                      : t('surveys.noClosingDate')}
                  </p>
                </article>
              </li>
            ))}
          </ul>
        </>
      )}
      <p>
        <a href="/surveys" id={waiting.length ? undefined : 'surveys-waiting-heading'}>
          {t('surveys.all')}
        </a>
      </p>
    </section>
  );
}
