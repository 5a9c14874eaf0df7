// "/surveys/:id/results" — what the members answered: how many, counts per choice and the
// ratings as bars (each with its number written beside it), the mean rating, the free text
// given, and the answers as a CSV file. An anonymous survey's results name nobody.

import { useEffect, useState } from 'preact/hooks';
import { BackLink } from '../components/BackLink';
import { ErrorAlert } from '../components/FormField';
import { Loading } from '../components/Loading';
import { RequireSignIn } from '../components/RequireSignIn';
import { asApiError, useTitle } from '../hooks';
import { formatNumber } from '../format';
import { t } from '../i18n';
import type { ApiError } from '../api';
import { surveysApi, type QuestionResult, type SurveyDetail, type SurveyResults } from '../surveysApi';
import { ResultBars } from './ResultBars';
import './surveys.css';

export function SurveyResultsScreen({ id }: { id: string }) {
  const [survey, setSurvey] = useState<SurveyDetail | null>(null);
  const [results, setResults] = useState<SurveyResults | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useTitle(survey ? t('surveys.results.titleOf', { title: survey.title }) : t('surveys.results.title'));
  useEffect(() => {
    const abort = new AbortController();
    Promise.all([surveysApi.survey(Number(id), abort.signal), surveysApi.results(Number(id), abort.signal)]).then(
      ([loaded, answers]) => {
        setSurvey(loaded);
        setResults(answers);
      },
      (err) => {
        if (!abort.signal.aborted) setError(asApiError(err));
      },
    );
    return () => abort.abort();
  }, [id]);
  return (
    <RequireSignIn>
      {() => (
        <>
          <BackLink href={`/surveys/${id}`} label={survey?.title ?? t('surveys.survey')} />
          <h1 tabIndex={-1}>{t('surveys.results.title')}</h1>
          <ErrorAlert messages={error ? [error.message] : []} />
          {!results && !error && <Loading />}
          {results && (
            <>
              <p>
                {t('surveys.results.answers', { count: results.answers, n: formatNumber(results.answers) })}{' '}
                {results.anonymous ? t('surveys.anonymousNote') : t('surveys.namedNote')}
              </p>
              <p>
                <a class="button button--secondary" href={surveysApi.resultsCsvUrl(Number(id))} download>
                  {t('surveys.results.csv')}
                </a>
              </p>
              {results.questions.map((question) => (
                <QuestionResults key={question.question} question={question} />
              ))}
            </>
          )}
        </>
      )}
    </RequireSignIn>
  );
}

function QuestionResults({ question }: { question: QuestionResult }) {
  const heading = `${question.position}. ${question.text}`;
  return (
    <section class="card" aria-labelledby={`question-${question.question}`}>
      <h2 class="card__title" id={`question-${question.question}`}>
        {heading}
      </h2>
      <p class="card__detail">
        {t('surveys.results.answered', { count: question.answered, n: formatNumber(question.answered) })}
      </p>
      {(question.kind === 'single' || question.kind === 'multiple') && (
        <ResultBars
          label={heading}
          total={question.answered}
          bars={question.choices.map((choice) => ({ label: choice.choice, count: choice.count }))}
        />
      )}
      {question.kind === 'rating' && (
        <>
          {question.mean !== null && (
            <p class="result-mean">
              {t('surveys.results.mean', { mean: question.mean.toLocaleString(undefined, { maximumFractionDigits: 2 }) })}
            </p>
          )}
          <ResultBars
            label={heading}
            total={question.answered}
            bars={question.ratings.map((rating) => ({ label: String(rating.rating), count: rating.count }))}
          />
        </>
      )}
      {question.kind === 'text' &&
        (question.texts.length ? (
          <ul class="survey-texts">
            {question.texts.map((entry, index) => (
              <li key={index}>
                {entry.text}
                {entry.member && <> — {entry.member}</>}
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('surveys.results.noText')}</p>
        ))}
    </section>
  );
}
