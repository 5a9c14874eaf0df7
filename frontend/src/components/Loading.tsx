import { t } from '../i18n';

export function Loading({ what }: { what?: string }) {
  return (
    <p class="loading" role="status">
      {what ? t('common.loadingWhat', { what }) : t('common.loading')}
    </p>
  );
}
