// A site's risk assessment: each question as the server words it, with its answer.

import type { RiskAnswer } from '../api/schemas';
import { t } from '../i18n';

function answerText(answer: boolean | null): string {
  return answer === true ? t('riskAnswers.yes') : answer === false ? t('riskAnswers.no') : t('riskAnswers.notAnswered');
}

export function RiskAnswers({ answers }: { answers: RiskAnswer[] }) {
  return (
    <dl class="risk-answers">
      {answers.map((item) => (
        <div key={item.key} class={`risk-answers__item${item.answer === true ? '' : ' risk-answers__item--concern'}`}>
          <dt>{item.question}</dt>
          <dd>{answerText(item.answer)}</dd>
        </div>
      ))}
    </dl>
  );
}
