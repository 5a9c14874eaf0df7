import { useTitle } from '../hooks';
import { t } from '../i18n';

export function NotFoundScreen() {
  useTitle(t('notFound.title'));
  return (
    <>
      <h1 tabIndex={-1}>{t('notFound.title')}</h1>
      <p>{t('notFound.body')}</p>
      <p>
        <a href="/">{t('notFound.toDirectory')}</a>
      </p>
    </>
  );
}
