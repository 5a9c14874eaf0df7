// "A new version of Patchwatch is ready": offered, never forced, so nothing half typed is
// lost; reloading lets the new version take over (src/serviceWorker.ts).

import { applyUpdate, useUpdateWaiting } from '../serviceWorker';
import { t } from '../i18n';

export function UpdateNotice() {
  const waiting = useUpdateWaiting();
  return (
    <div class={waiting ? 'update-notice' : 'update-notice update-notice--empty'} role="status" aria-live="polite">
      {waiting && (
        <>
          <p>{t('update.ready')}</p>
          <button type="button" class="button button--primary" onClick={applyUpdate}>
            {t('update.reload')}
          </button>
        </>
      )}
    </div>
  );
}
