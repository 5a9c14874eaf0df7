// An alert in Welsh and English: the language its words are written in, and (ticked) the same
// words in the other language, which readers of that language get instead. Unticked, nothing
// in the other language is sent; what was typed stays, should the box be ticked again.

import { languageTag, t, type Language } from '../i18n';
import { otherLanguage } from '../alertText';
import type { AlertTranslation, AlertTranslationInput } from '../api/schemas';
import { CheckboxField, ErrorAlert, RadioGroupField, TextAreaField, TextField } from './FormField';

export interface TranslationState {
  included: boolean;
  title: string;
  body: string;
  instruction: string;
}

export type TranslatedField = 'title' | 'body' | 'instruction';

/** Where the server puts its messages about the translation ("translation.title", say). */
export const TRANSLATION_ERROR_FIELDS = [
  'language',
  'translation',
  'translation.non_field_errors',
  'translation.title',
  'translation.body',
  'translation.instruction',
] as const;

export function translationState(translation: AlertTranslation | null | undefined, included = !!translation): TranslationState {
  return {
    included,
    title: translation?.title ?? '',
    body: translation?.body ?? '',
    instruction: translation?.instruction ?? '',
  };
}

/** What the API takes: null when there is none. */
export function translationInput(state: TranslationState): AlertTranslationInput | null {
  if (!state.included) return null;
  return { title: state.title.trim(), body: state.body.trim(), instruction: state.instruction.trim() };
}

/** The messages of the fields a translation must have, under the server's names for them. */
export function translationProblems(
  state: TranslationState,
  lang: Language,
  fields: readonly TranslatedField[] = ['title', 'body', 'instruction'],
  bodyMissing?: string,
): Record<string, string[]> {
  if (!state.included) return {};
  const problems: Record<string, string[]> = {};
  if (fields.includes('title') && !state.title.trim()) {
    problems['translation.title'] = [lang === 'cy' ? t('alertLanguage.titleMissing.cy') : t('alertLanguage.titleMissing.en')];
  }
  if (fields.includes('body') && !state.body.trim()) {
    problems['translation.body'] = [
      bodyMissing ?? (lang === 'cy' ? t('alertLanguage.bodyMissing.cy') : t('alertLanguage.bodyMissing.en')),
    ];
  }
  return problems;
}

export function WrittenInField({
  value,
  onValue,
  errors,
}: {
  value: Language;
  onValue: (lang: Language) => void;
  errors?: string[];
}) {
  return (
    <RadioGroupField
      legend={t('alertLanguage.writtenIn')}
      hint={t('alertLanguage.writtenInHint')}
      inline
      value={value}
      onValue={(lang) => onValue(lang === 'cy' ? 'cy' : 'en')}
      choices={[
        { value: 'en', label: t('alertLanguage.name.en') },
        { value: 'cy', label: t('alertLanguage.name.cy') },
      ]}
      errors={errors}
    />
  );
}

/**
 * The box to tick, and under it the fields in `written`'s other language. `errorsFor` gives
 * a field's messages (the server's or the form's own), `onEdited` is told which field changed.
 */
export function TranslationFields({
  written,
  state,
  onState,
  errorsFor,
  fields = ['title', 'body', 'instruction'],
  bodyLabel,
  bodyHint,
  rows = 5,
}: {
  /** The language of the alert's own words: the fields are in the other. */
  written: Language;
  state: TranslationState;
  onState: (state: TranslationState, edited: TranslatedField | 'included') => void;
  errorsFor: (field: string) => string[] | undefined;
  fields?: readonly TranslatedField[];
  /** The body's label, when it is not "Message in …" (a cancellation's reason). */
  bodyLabel?: string;
  bodyHint?: string;
  rows?: number;
}) {
  const lang = otherLanguage(written);
  const tag = languageTag(lang);
  const welsh = lang === 'cy';
  const general = [
    ...(errorsFor('translation') ?? []),
    ...(errorsFor('translation.non_field_errors') ?? []),
  ];
  return (
    <div class="translation">
      <CheckboxField
        label={welsh ? t('alertLanguage.include.cy') : t('alertLanguage.include.en')}
        hint={welsh ? t('alertLanguage.includeHint.cy') : t('alertLanguage.includeHint.en')}
        checked={state.included}
        onChecked={(included) => onState({ ...state, included }, 'included')}
      />
      <ErrorAlert messages={general} />
      {state.included && (
        <div class="translation__fields">
          {fields.includes('title') && (
            <TextField
              label={welsh ? t('alertLanguage.title.cy') : t('alertLanguage.title.en')}
              lang={tag}
              required
              maxLength={120}
              value={state.title}
              onValue={(title) => onState({ ...state, title }, 'title')}
              errors={errorsFor('translation.title')}
            />
          )}
          {fields.includes('body') && (
            <TextAreaField
              label={bodyLabel ?? (welsh ? t('alertLanguage.body.cy') : t('alertLanguage.body.en'))}
              hint={bodyHint}
              lang={tag}
              required
              rows={rows}
              maxLength={4000}
              value={state.body}
              onValue={(body) => onState({ ...state, body }, 'body')}
              errors={errorsFor('translation.body')}
            />
          )}
          {fields.includes('instruction') && (
            <TextAreaField
              label={welsh ? t('alertLanguage.instruction.cy') : t('alertLanguage.instruction.en')}
              hint={welsh ? t('alertLanguage.instructionHint.cy') : t('alertLanguage.instructionHint.en')}
              lang={tag}
              rows={Math.min(rows, 4)}
              maxLength={1000}
              value={state.instruction}
              onValue={(instruction) => onState({ ...state, instruction }, 'instruction')}
              errors={errorsFor('translation.instruction')}
            />
          )}
        </div>
      )}
    </div>
  );
}
