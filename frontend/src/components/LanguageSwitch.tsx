// The switch between English and Cymraeg, at the foot of every screen. Signed out, the choice
// stays on this phone; signed in, it is also kept on the person (me/), for their other phones
// and for what the server sends them.

import { api } from '../api';
import { language, LANGUAGE_NAMES, languageTag, setLanguage, t, type Language } from '../i18n';
import { useSession } from '../session';

export function LanguageSwitch() {
  const { me, setMe } = useSession();
  const other: Language = language() === 'cy' ? 'en' : 'cy';

  const choose = () => {
    if (!me) {
      setLanguage(other);
      return;
    }
    // The server answers a signed-in person in their stored language, so the choice is stored
    // before the screen is drawn again: else what it fetches anew (the server's words for
    // statuses, kinds, questions) would come back in the old language.
    api.updateMe({ language: other }).then(
      (updated) => {
        setMe(updated);
        setLanguage(other);
      },
      // Kept on this phone regardless; the next change tries the server again.
      () => setLanguage(other),
    );
  };

  return (
    <p class="language-switch">
      <span lang={languageTag(other)}>{t('language.label')}</span>{' '}
      <button type="button" class="button button--secondary button--small" lang={languageTag(other)} onClick={choose}>
        {LANGUAGE_NAMES[other]}
      </button>
    </p>
  );
}
