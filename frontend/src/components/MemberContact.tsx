import type { MemberUser } from '../api/schemas';
import { t } from '../i18n';

/** A member's contact details, shown to the scheme's coordinators. */
export function MemberContact({ user }: { user: MemberUser }) {
  return (
    <dl class="card__facts">
      {user.email && (
        <div>
          <dt>{t('memberContact.email')}</dt>
          <dd>
            <a href={`mailto:${user.email}`}>{user.email}</a>
          </dd>
        </div>
      )}
      {user.phone && (
        <div>
          <dt>{t('memberContact.phone')}</dt>
          <dd>
            <a href={`tel:${user.phone.replace(/\s+/g, '')}`}>{user.phone}</a>
          </dd>
        </div>
      )}
      {user.postcode && (
        <div>
          <dt>{t('memberContact.postcode')}</dt>
          <dd>{user.postcode}</dd>
        </div>
      )}
    </dl>
  );
}
