import type { MemberUser } from '../api/schemas';

/** A member's contact details, shown to the scheme's coordinators. */
export function MemberContact({ user }: { user: MemberUser }) {
  return (
    <dl class="card__facts">
      {user.email && (
        <div>
          <dt>Email</dt>
          <dd>
            <a href={`mailto:${user.email}`}>{user.email}</a>
          </dd>
        </div>
      )}
      {user.phone && (
        <div>
          <dt>Phone</dt>
          <dd>
            <a href={`tel:${user.phone.replace(/\s+/g, '')}`}>{user.phone}</a>
          </dd>
        </div>
      )}
      {user.postcode && (
        <div>
          <dt>Postcode</dt>
          <dd>{user.postcode}</dd>
        </div>
      )}
    </dl>
  );
}
