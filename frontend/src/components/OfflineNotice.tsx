// Says plainly, at the top of every screen, when Patchwatch cannot be reached and what is
// shown instead: the browser has no signal, or it has one but Patchwatch's answers come
// from the copies saved on this phone. The live region is always there (empty when all is
// well), so screen readers announce the change both ways.

import { useConnection } from '../connection';
import { formatDateTime } from '../format';
import { t } from '../i18n';

export function OfflineNotice() {
  const { online, savedCopyAt } = useConnection();
  const when = savedCopyAt && savedCopyAt.getTime() > 0 ? formatDateTime(savedCopyAt.toISOString()) : '';
  const showing = when ? t('offline.showingSavedOn', { when }) : t('offline.showingSaved');
  let text = null;
  if (!online) {
    text = (
      <>
        <strong>{t('offline.offline')}</strong> {showing}
      </>
    );
  } else if (savedCopyAt) {
    text = (
      <>
        <strong>{t('offline.unreachable')}</strong> {showing}
      </>
    );
  }
  return (
    <div class={text ? 'offline-notice' : 'offline-notice offline-notice--empty'} role="status" aria-live="polite">
      {text && <p>{text}</p>}
    </div>
  );
}
