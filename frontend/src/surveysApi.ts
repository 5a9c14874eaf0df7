// Surveys of members through the REST API: written and sent by coordinators and liaisons,
// answered by members, with results (and their CSV file) for those who sent them.

import { apiUrl, client, read } from './api';
import type { components } from './api/schema';

type Schemas = components['schemas'];

export type Survey = Schemas['Survey'];
export type SurveyDetail = Schemas['SurveyDetail'];
export type SurveyInput = Schemas['SurveyInputRequest'];
export type QuestionInput = Schemas['QuestionInputRequest'];
export type Question = Schemas['Question'];
export type QuestionKind = Schemas['QuestionKindEnum'];
export type SurveyResults = Schemas['SurveyResults'];
export type QuestionResult = Schemas['QuestionResult'];
/** An answer to one question: a choice, several choices, a rating or words. */
export type AnswerValue = string | string[] | number | null;

export const surveysApi = {
  surveys: (query: { page?: number; answered?: boolean; status?: Schemas['SurveyStatusEnum'] }, signal?: AbortSignal) =>
    read(client.GET('/api/v1/surveys/', { params: { query }, signal })),
  survey: (id: number, signal?: AbortSignal) =>
    read(client.GET('/api/v1/surveys/{id}/', { params: { path: { id } }, signal })),
  create: (body: SurveyInput) => read(client.POST('/api/v1/surveys/', { body })),
  send: (id: number) => read(client.POST('/api/v1/surveys/{id}/send/', { params: { path: { id } } })),
  close: (id: number) => read(client.POST('/api/v1/surveys/{id}/close/', { params: { path: { id } } })),
  answer: (id: number, answers: Record<string, AnswerValue>) =>
    read(client.POST('/api/v1/surveys/{id}/answer/', { params: { path: { id } }, body: { answers } })),
  results: (id: number, signal?: AbortSignal) =>
    read(client.GET('/api/v1/surveys/{id}/results/', { params: { path: { id } }, signal })),
  resultsCsvUrl: (id: number) => apiUrl('/api/v1/surveys/{id}/results/export/', { path: { id } }),
};
