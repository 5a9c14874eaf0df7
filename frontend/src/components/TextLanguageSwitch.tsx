// "Darllen yn Saesneg" under Welsh words, "Read in Welsh" under English ones: the switch to
// an alert's words in its other language, said in the language of the words it sits under
// (whoever reads them reads that language), as bilingual Welsh services do.

import { languageTag, t, type Language } from '../i18n';
import { otherLanguage } from '../alertText';

export function TextLanguageSwitch({ shown, onSwitch }: { shown: Language; onSwitch: (lang: Language) => void }) {
  const other = otherLanguage(shown);
  return (
    <p class="text-language-switch">
      <button
        type="button"
        class="button button--secondary button--small"
        lang={languageTag(shown)}
        onClick={() => onSwitch(other)}
      >
        {other === 'cy'
          ? t('alertText.readInWelsh', { lng: shown })
          : t('alertText.readInEnglish', { lng: shown })}
      </button>
    </p>
  );
}
