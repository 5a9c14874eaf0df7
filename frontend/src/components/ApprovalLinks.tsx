// Where a liaison finds the alerts waiting for their approval, their force's templates and
// which alerts need a second liaison; a coordinator, the templates they may compose from.

import type { Me } from '../api/schemas';
import { t } from '../i18n';

export function ApprovalLinks({ me }: { me: Me }) {
  if (!me.actions.issue_alerts) return null;
  return (
    <ul class="link-list approval-links">
      {me.actions.approve_alerts && (
        <li>
          <a href="/alerts/approvals">{t('approval.links.queue')}</a>
        </li>
      )}
      <li>
        <a href="/alerts/templates">{t('approval.links.templates')}</a>
      </li>
      {me.actions.approve_alerts && (
        <li>
          <a href="/alerts/approval-settings">{t('approval.links.settings')}</a>
        </li>
      )}
    </ul>
  );
}
