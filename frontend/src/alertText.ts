// An alert carries its words in one language (its `language`) and may carry them in the
// other too (its `translation`). Readers see them in the app's language when the alert has
// it, in the alert's own otherwise, and may switch to the other.

import { useState } from 'preact/hooks';
import { language as appLanguage, type Language } from './i18n';
import type { Alert } from './api/schemas';

/** An alert's words in one language. */
export interface AlertText {
  lang: Language;
  title: string;
  body: string;
  instruction: string;
}

/** What an alert's words come in: a copy saved offline before alerts had languages has neither. */
type Worded = Pick<Alert, 'title' | 'body'> & Partial<Pick<Alert, 'instruction' | 'language' | 'translation'>>;

export function otherLanguage(lang: Language): Language {
  return lang === 'cy' ? 'en' : 'cy';
}

/** The language of the alert's own words. */
export function ownLanguage(alert: Worded): Language {
  return alert.language === 'cy' ? 'cy' : 'en';
}

/** The languages the alert can be read in, its own first. */
export function textLanguages(alert: Worded): Language[] {
  const own = ownLanguage(alert);
  return alert.translation ? [own, otherLanguage(own)] : [own];
}

/** The alert's words in `wanted` when it has them, else in its own language. */
export function alertText(alert: Worded, wanted: Language = appLanguage()): AlertText {
  const own = ownLanguage(alert);
  if (wanted !== own && alert.translation) {
    const { title, body, instruction } = alert.translation;
    return { lang: wanted, title, body, instruction: instruction ?? '' };
  }
  return { lang: own, title: alert.title, body: alert.body, instruction: alert.instruction ?? '' };
}

/**
 * The language a reader is reading alerts in on this screen: the app's at first (the screen is
 * drawn again when the app's language changes), the other once they switch.
 */
export function useReadingLanguage(): [Language, (lang: Language) => void] {
  return useState<Language>(appLanguage());
}
