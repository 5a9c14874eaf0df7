// A site's risk assessment: each question as the server words it, with its answer.

import type { RiskAnswer } from '../api/schemas';

function answerText(answer: boolean | null): string {
  return answer === true ? 'Yes' : answer === false ? 'No' : 'Not answered';
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
