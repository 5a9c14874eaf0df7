// "/schemes/:id/members" — a coordinator's view of join requests and members.

import { useCallback, useEffect, useState } from 'preact/hooks';
import { useActionResult } from '../actionResult';
import { api, type ApiError } from '../api';
import { ActionResult } from '../components/ActionResult';
import { ConfirmAction } from '../components/ConfirmAction';
import { EmptyState } from '../components/EmptyState';
import { ErrorAlert, TextField } from '../components/FormField';
import { JoinRequestQueue } from '../components/JoinRequestQueue';
import { Loading } from '../components/Loading';
import { MemberContact } from '../components/MemberContact';
import { RequireSignIn } from '../components/RequireSignIn';
import { ShowMoreButton } from '../components/ShowMoreButton';
import { formatDate, formatNumber, formatTime, ROLE_LABELS } from '../format';
import { joinRequestsChanged } from '../joinRequestCount';
import { asApiError, usePagedList, useTitle, type PagedList } from '../hooks';
import { useSession } from '../session';
import type { Member, MemberRole, Scheme } from '../api/schemas';
import { t } from '../i18n';

export function SchemeMembersScreen({ id }: { id: string }) {
  return <RequireSignIn>{() => <MembersLoader id={id} />}</RequireSignIn>;
}

function MembersLoader({ id }: { id: string }) {
  const [scheme, setScheme] = useState<Scheme | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useTitle(scheme ? t('members.titleOf', { name: scheme.name }) : t('members.title'));

  useEffect(() => {
    api.scheme(Number(id)).then(setScheme, (err) => setError(asApiError(err)));
  }, [id]);

  if (error || (scheme && !scheme.actions.view_members)) {
    return (
      <>
        <h1 tabIndex={-1}>{t('members.title')}</h1>
        <ErrorAlert messages={error ? error.general : [t('members.onlyManagers')]} />
        <p>
          <a href={scheme ? `/schemes/${scheme.id}` : '/'}>
            {scheme ? t('members.backTo', { name: scheme.name }) : t('members.backToDirectory')}
          </a>
        </p>
      </>
    );
  }
  if (!scheme) {
    return (
      <>
        <h1 tabIndex={-1}>{t('members.title')}</h1>
        <Loading />
      </>
    );
  }
  return <MembersPage scheme={scheme} />;
}

function MembersPage({ scheme }: { scheme: Scheme }) {
  const [q, setQ] = useState('');
  const [appliedQ, setAppliedQ] = useState('');

  const fetchPending = useCallback(
    (page: number) => api.members(scheme.id, { status: 'pending', page }),
    [scheme.id],
  );
  const fetchActive = useCallback(
    (page: number) => api.members(scheme.id, { status: 'active', q: appliedQ, page }),
    [scheme.id, appliedQ],
  );
  const pending = usePagedList<Member>(fetchPending);
  const members = usePagedList<Member>(fetchActive);
  // Decided requests stay on the page, saying what happened; the heading counts those waiting.
  const [decided, setDecided] = useState(0);
  useEffect(() => setDecided(0), [pending.items]);

  return (
    <>
      <h1 tabIndex={-1}>{t('members.titleOf', { name: scheme.name })}</h1>
      <p>
        <a href={`/schemes/${scheme.id}`}>{t('members.backToScheme')}</a>
      </p>

      <section aria-labelledby="requests-heading">
        <h2 id="requests-heading">
          {t('members.requestsHeading')}
          {!pending.loading && ` (${formatNumber(Math.max(0, pending.count - decided))})`}
        </h2>
        <JoinRequestQueue
          list={pending}
          schemeId={scheme.id}
          emptyText={t('members.noRequests')}
          onDecided={(_, decision) => {
            setDecided((count) => count + (decision === 'undone' ? -1 : 1));
            if (decision === 'approved') members.reload();
          }}
        />
        <RecentlyDeclined scheme={scheme} onUndone={pending.reload} />
      </section>

      <section aria-labelledby="members-heading">
        <h2 id="members-heading">
          {t('members.title')}
          {!members.loading && ` (${formatNumber(members.count)})`}
        </h2>
        <form
          class="inline-search"
          role="search"
          aria-label={t('members.title')}
          onSubmit={(event) => {
            event.preventDefault();
            setAppliedQ(q.trim());
          }}
        >
          <TextField label={t('members.find')} type="search" hint={t('members.findHint')} value={q} onValue={setQ} />
          <button type="submit" class="button button--secondary">
            {t('members.findButton')}
          </button>
        </form>
        <MemberList list={members} scheme={scheme} filtered={!!appliedQ} />
      </section>
    </>
  );
}

function MemberList({ list, scheme, filtered }: { list: PagedList<Member>; scheme: Scheme; filtered: boolean }) {
  if (list.loading) return <Loading what={t('members.loadingWhat')} />;
  return (
    <>
      <ErrorAlert messages={list.error?.general ?? []} />
      {list.items.length === 0 && !list.error ? (
        <EmptyState>
          <p>{filtered ? t('members.noneMatch') : t('members.none')}</p>
        </EmptyState>
      ) : (
        <ul class="card-list">
          {list.items.map((member) => (
            <li key={member.id}>
              <MemberCard
                member={member}
                scheme={scheme}
                onChanged={(updated) => list.update((items) => items.map((item) => (item.id === member.id ? updated : item)))}
              />
            </li>
          ))}
        </ul>
      )}
      <ShowMoreButton list={list} noun={t('members.noun')} />
    </>
  );
}

function MemberCard({
  member,
  scheme,
  onChanged,
}: {
  member: Member;
  scheme: Scheme;
  onChanged: (member: Member) => void;
}) {
  const { me, refreshMe } = useSession();
  const [error, setError] = useState<ApiError | null>(null);
  const result = useActionResult();
  const [removed, setRemoved] = useState(false);
  const who = member.user.name || member.user.email;
  const headingId = `member-${member.id}-name`;
  const isMe = me?.id === member.user.id;

  const setRole = async (role: MemberRole) => {
    setError(null);
    result.clear();
    try {
      const updated = await api.setMemberRole(scheme.id, member.id, role);
      onChanged({ ...member, ...updated });
      result.say(role === 'coordinator' ? t('members.nowCoordinator', { who }) : t('members.nowVolunteer', { who }));
      if (isMe) refreshMe();
    } catch (err) {
      setError(asApiError(err));
    }
  };

  const remove = async () => {
    setError(null);
    result.clear();
    try {
      await api.removeMember(scheme.id, member.id);
      setRemoved(true);
      // The card stays, saying so; its buttons are gone, so focus moves to those words.
      result.say(t('members.removed', { who, scheme: scheme.name }));
      if (isMe) refreshMe();
    } catch (err) {
      setError(asApiError(err));
    }
  };

  return (
    <article class={`card${removed ? ' card--gone' : ''}`}>
      <h3 class="card__title" id={headingId}>
        {who}
        {isMe && ` ${t('members.you')}`}
      </h3>
      {!removed && (
        <>
          <p class="card__meta">
            <span class={`role-tag role-tag--${member.role}`}>{ROLE_LABELS[member.role]}</span>
            {member.joined_at && <span>{t('members.joined', { date: formatDate(member.joined_at) })}</span>}
          </p>
          <MemberContact user={member.user} />
        </>
      )}
      <ErrorAlert messages={error ? [...error.general, ...Object.values(error.fields).flat()] : []} />
      <ActionResult result={result} />
      {!removed && (
        <div class="button-row">
          {member.role === 'volunteer' ? (
            <ConfirmAction
              label={t('members.promote')}
              question={t('members.promoteQuestion', { who })}
              confirmLabel={t('members.promoteConfirm')}
              describedBy={headingId}
              onConfirm={() => setRole('coordinator')}
            />
          ) : (
            <ConfirmAction
              label={t('members.makeVolunteer')}
              question={t('members.makeVolunteerQuestion', { who })}
              confirmLabel={t('members.makeVolunteerConfirm')}
              describedBy={headingId}
              onConfirm={() => setRole('volunteer')}
            />
          )}
          <ConfirmAction
            label={t('members.remove')}
            question={t('members.removeQuestion', { who, scheme: scheme.name })}
            confirmLabel={t('members.removeConfirm')}
            danger
            describedBy={headingId}
            onConfirm={remove}
          />
        </div>
      )}
    </article>
  );
}

/** Requests declined in the last few minutes, which can still be undone (after the screen
 * was left and come back to, say). */
function RecentlyDeclined({ scheme, onUndone }: { scheme: Scheme; onUndone: () => void }) {
  const [declined, setDeclined] = useState<Member[]>([]);
  const result = useActionResult();
  // Once one is undone the section stays, to say so where it was done.
  const [undoneAny, setUndoneAny] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    api.members(scheme.id, { status: 'declined' }).then(
      (page) => setDeclined(page.results.filter((m) => m.decline_undo_until && Date.parse(m.decline_undo_until) > Date.now())),
      () => setDeclined([]),
    );
  }, [scheme.id]);

  if (declined.length === 0 && !undoneAny) return null;
  return (
    <section aria-labelledby="recently-declined-heading">
      <h3 id="recently-declined-heading">{t('members.recentlyDeclined')}</h3>
      <ErrorAlert messages={error ? [...error.general, ...Object.values(error.fields).flat()] : []} />
      <ActionResult result={result} />
      <ul class="plain-list">
        {declined.map((member) => {
          const who = member.user.name || member.user.email;
          return (
            <li key={member.id} class="declined-row">
              <span id={`declined-${member.id}`}>
                {t('members.toldAt', { who, time: formatTime(member.decline_undo_until!) })}
              </span>
              <button
                type="button"
                class="button button--secondary button--small"
                aria-describedby={`declined-${member.id}`}
                onClick={async () => {
                  setError(null);
                  try {
                    await api.undoDecline(scheme.id, member.id);
                    setDeclined((list) => list.filter((m) => m.id !== member.id));
                    setUndoneAny(true);
                    result.say(t('members.undone', { who }));
                    joinRequestsChanged(1);
                    onUndone();
                  } catch (err) {
                    setError(asApiError(err));
                  }
                }}
              >
                {t('joinQueue.undo')}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
