// The app's languages: English and Welsh (Cymraeg), with i18next. Both catalogues are in the
// bundle, so a switch needs no network and works offline. Each language is a folder of files
// (src/locales/<language>/<part>.json), one for each part of the app, whose top-level keys
// together make the catalogue; a key lives in one file only.
//
// The language chosen is kept on this phone (localStorage) for someone signed out, and on
// the person (PATCH me/) when signed in; signing in applies the person's own choice. Every
// API request says it in Accept-Language, so the server's messages come in it too.

import i18next from 'i18next';

type Catalogue = Record<string, unknown>;

const FILES = import.meta.glob<Catalogue>('./locales/*/*.json', { eager: true, import: 'default' });

/** One language's files as one catalogue. */
function catalogue(lang: string): Catalogue {
  const merged: Catalogue = {};
  for (const [path, part] of Object.entries(FILES)) {
    if (path.startsWith(`./locales/${lang}/`)) Object.assign(merged, part);
  }
  return merged;
}

export type Language = 'en' | 'cy';

export const LANGUAGES: readonly Language[] = ['en', 'cy'];

/** Each language named in itself, as the switch offers it. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', cy: 'Cymraeg' };

const STORAGE_KEY = 'patchwatch.language';

function saved(): Language | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'en' || value === 'cy' ? value : null;
  } catch {
    return null;
  }
}

/** The phone's own preference, when nothing has been chosen here: Welsh if it asks for it. */
function fromBrowser(): Language {
  const wanted = navigator.languages?.length ? navigator.languages : [navigator.language];
  return wanted.some((tag) => /^cy\b/i.test(tag ?? '')) ? 'cy' : 'en';
}

void i18next.init({
  resources: { en: { translation: catalogue('en') }, cy: { translation: catalogue('cy') } },
  lng: saved() ?? fromBrowser(),
  fallbackLng: 'en',
  supportedLngs: LANGUAGES as Language[],
  // Preact escapes what it renders; escaping here too would show "&amp;".
  interpolation: { escapeValue: false },
  // The catalogues are in the bundle: ready before the first render.
  initAsync: false,
  returnNull: false,
});

export const t = i18next.t.bind(i18next);

export function language(): Language {
  return i18next.language === 'cy' ? 'cy' : 'en';
}

/** The BCP 47 tag for Intl, Accept-Language and <html lang>. */
export function languageTag(lang: Language = language()): string {
  return lang === 'cy' ? 'cy' : 'en-GB';
}

function applyToDocument(): void {
  document.documentElement.lang = languageTag();
}
applyToDocument();

const listeners = new Set<(lang: Language) => void>();

/** Called with the new language after each change. Returns the unsubscribe. */
export function onLanguageChange(listener: (lang: Language) => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** Speaks `lang` from now on and remembers it on this phone. */
export function setLanguage(lang: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Private browsing: the choice lasts as long as the page.
  }
  if (lang === language()) return;
  void i18next.changeLanguage(lang);
  applyToDocument();
  for (const listener of listeners) listener(lang);
}
