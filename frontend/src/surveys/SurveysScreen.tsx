// "/surveys" — the surveys the signed-in person may see: those sent to their schemes (to
// answer), and those they wrote or, as a liaison, their force's (to send and read).

import { useCallback } from 'preact/hooks';
import { EmptyState } from '../components/EmptyState';
import { ErrorAlert } from '../components/FormField';
import { Loading } from '../components/Loading';
import { RequireSignIn } from '../components/RequireSignIn';
import { ShowMoreButton } from '../components/ShowMoreButton';
import { StatusTag } from '../components/StatusTag';
import { formatDate } from '../format';
import { usePagedList, useTitle } from '../hooks';
import { t } from '../i18n';
import type { Me } from '../api/schemas';
import { surveysApi, type Survey } from '../surveysApi';

export function SurveysScreen() {
  useTitle(t('surveys.title'));
  return (
    <>
      <h1 tabIndex={-1}>{t('surveys.title')}</h1>
      <RequireSignIn>{(me) => <Surveys me={me} />}</RequireSignIn>
    </>
  );
}

function Surveys({ me }: { me: Me }) {
  const fetchPage = useCallback(
    (page: number, signal: AbortSignal) => surveysApi.surveys({ page }, signal),
    [],
  );
  const list = usePagedList<Survey>(fetchPage);
  return (
    <>
      <p>{t('surveys.intro')}</p>
      {me.actions.write_surveys && (
        <p class="button-row button-row--above-list">
          <a class="button button--primary" href="/surveys/new">
            {t('surveys.new')}
          </a>
        </p>
      )}
      <ErrorAlert messages={list.error?.general ?? []} />
      {list.loading ? (
        <Loading what={t('surveys.noun')} />
      ) : list.items.length === 0 && !list.error ? (
        <EmptyState>
          <p>{t('surveys.none')}</p>
        </EmptyState>
      ) : (
        <ul class="card-list">
          {list.items.map((survey) => (
            <li key={survey.id}>
              <SurveyCard survey={survey} />
            </li>
          ))}
        </ul>
      )}
      <ShowMoreButton list={list} noun={t('surveys.noun')} />
    </>
  );
}

export function SurveyStatus({ survey }: { survey: Pick<Survey, 'status' | 'open'> }) {
  if (survey.status === 'draft') return <StatusTag tone="proposed">{t('surveys.status.draft')}</StatusTag>;
  if (survey.open) return <StatusTag tone="active">{t('surveys.status.open')}</StatusTag>;
  return <StatusTag tone="closed">{t('surveys.status.closed')}</StatusTag>;
}

function SurveyCard({ survey }: { survey: Survey }) {
  return (
    <article class="card">
      <h2 class="card__title">
        <a href={`/surveys/${survey.id}`}>{survey.title}</a>
      </h2>
      <p class="card__detail">
        <SurveyStatus survey={survey} />{' '}
        {survey.actions.answer && !survey.answered && (
          <StatusTag tone="proposed">{t('surveys.waitingForYou')}</StatusTag>
        )}
        {survey.answered && <StatusTag tone="active">{t('surveys.youAnswered')}</StatusTag>}
      </p>
      <p class="card__detail">
        {survey.scheme
          ? t('surveys.fromScheme', { name: survey.scheme.name })
          : t('surveys.fromLiaison', { name: survey.author_name || 'Patchwatch' })}
        {survey.closes_at && <> · {t('surveys.closesOn', { date: formatDate(survey.closes_at) })}</>}
      </p>
    </article>
  );
}
