// Where an alert stands with a second liaison: held awaiting approval (nothing sent yet), or
// sent back to its author with the approver's comment.

import type { Alert } from '../api/schemas';
import { t } from '../i18n';

export function ApprovalStatus({ alert }: { alert: Pick<Alert, 'status' | 'approval' | 'approval_comment'> }) {
  if (alert.status !== 'draft') return null;
  if (alert.approval === 'awaiting') {
    return (
      <p class="notice notice--pending approval-status">
        <strong>{t('approval.status.awaiting')}</strong> {t('approval.status.awaitingWhat')}
      </p>
    );
  }
  if (alert.approval === 'sent_back') {
    return (
      <p class="notice approval-status">
        <strong>{t('approval.status.sentBack', { comment: alert.approval_comment })}</strong>{' '}
        {t('approval.status.sentBackWhat')}
      </p>
    );
  }
  return null;
}
