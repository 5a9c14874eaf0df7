// On an alert that carries a survey, the way to answer it: its body ends with the survey's
// address, which this turns into a button.

import { t } from '../i18n';

export function SurveyLink({ body }: { body: string }) {
  const match = /\/surveys\/(\d+)\s*$/.exec(body);
  if (!match) return null;
  return (
    <p class="button-row">
      <a class="button button--primary" href={`/surveys/${match[1]}`}>
        {t('surveys.answerThis')}
      </a>
    </p>
  );
}
