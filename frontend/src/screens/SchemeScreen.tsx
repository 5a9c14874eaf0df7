// "/schemes/:id" — one scheme: what it is, where, who to contact, and what
// the signed-in user can do with it.

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { useActionResult } from '../actionResult';
import { api, type ApiError } from '../api';
import { ActionResult } from '../components/ActionResult';
import { AreaMap } from '../components/AreaMap';
import { ConfirmAction } from '../components/ConfirmAction';
import { ErrorAlert, TextAreaField } from '../components/FormField';
import { Loading } from '../components/Loading';
import { ReasonForm } from '../components/ReasonForm';
import { KindTag } from '../components/SchemeCard';
import { SchemeNeighbourhoods } from '../components/NeighbourhoodChoice';
import { formatDate, formatDateTime, formatNumber, formatRadius, ROLE_LABELS, SHORT_STATUS_LABELS, STATUS_LABELS } from '../format';
import { asApiError, useTitle } from '../hooks';
import { useSession } from '../session';
import type { Me, Scheme, SchemeDecision, SchemeStatus, StatusChange } from '../api/schemas';
import { t } from '../i18n';

export function SchemeScreen({ id }: { id: string }) {
  const { config } = useSession();
  const [scheme, setScheme] = useState<Scheme | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useTitle(scheme?.name ?? t('scheme.title'));

  const load = useCallback(
    async (signal?: AbortSignal) => {
      try {
        const loaded = await api.scheme(Number(id), signal);
        if (!signal?.aborted) {
          setScheme(loaded);
          setError(null);
        }
      } catch (err) {
        if (!signal?.aborted) setError(asApiError(err));
      }
    },
    [id],
  );

  useEffect(() => {
    const abort = new AbortController();
    setScheme(null);
    setError(null);
    load(abort.signal);
    return () => abort.abort();
  }, [load]);

  if (error && !scheme) {
    return (
      <>
        <h1 tabIndex={-1}>{error.status === 404 ? t('scheme.notFound') : t('scheme.notShown')}</h1>
        <ErrorAlert messages={error.general.length ? error.general : [error.message]} />
        <p>
          <a href="/">{t('scheme.backToDirectory')}</a>
        </p>
      </>
    );
  }
  if (!scheme) {
    return (
      <>
        <h1 tabIndex={-1}>{t('scheme.title')}</h1>
        <Loading what={t('scheme.noun')} />
      </>
    );
  }

  return (
    <article class="scheme-page">
      <h1 tabIndex={-1}>{scheme.name}</h1>
      <p class="card__meta">
        <KindTag kind={scheme.kind} display={scheme.kind_display} />
        <span class={`status-tag status-tag--${scheme.status}`}>{SHORT_STATUS_LABELS[scheme.status]}</span>
      </p>
      {scheme.status !== 'active' && <p class="notice">{statusExplanation(scheme.status)}</p>}

      <MembershipPanel scheme={scheme} onChanged={() => load()} />
      <StatusActions scheme={scheme} onChanged={setScheme} />
      {(scheme.actions.manage || scheme.actions.edit) && <ManageLinks scheme={scheme} />}

      <section aria-labelledby="about-heading">
        <h2 id="about-heading">{t('scheme.about')}</h2>
        {scheme.description ? <p class="description">{scheme.description}</p> : <p>{t('scheme.noDescription')}</p>}
        <dl class="facts">
          <div>
            <dt>{t('schemeCard.members')}</dt>
            <dd>{t('schemeCard.memberCount', { count: scheme.member_count, n: formatNumber(scheme.member_count) })}</dd>
          </div>
          <div>
            <dt>{t('schemeCard.force')}</dt>
            <dd>{scheme.force_name || scheme.force}</dd>
          </div>
          <div>
            <dt>{t('scheme.status')}</dt>
            <dd>{STATUS_LABELS[scheme.status]}</dd>
          </div>
          {scheme.approved_at && (
            <div>
              <dt>{t('scheme.approved')}</dt>
              <dd>{formatDate(scheme.approved_at)}</dd>
            </div>
          )}
        </dl>
      </section>

      <section aria-labelledby="area-heading">
        <h2 id="area-heading">{t('scheme.area')}</h2>
        <p>{areaText(scheme)}</p>
        {config && <AreaMap config={config} scheme={scheme} />}
        {scheme.status === 'active' && (
          <p>
            <a href={api.schemeFeedUrl(scheme.id)}>{t('scheme.feed')}</a>
          </p>
        )}
      </section>
      <SchemeNeighbourhoods neighbourhoods={scheme.neighbourhoods} />

      <ContactDetails scheme={scheme} />
      {scheme.actions.see_history && <StatusHistory schemeId={scheme.id} version={scheme.status} />}
    </article>
  );
}

function statusExplanation(status: SchemeStatus): string {
  switch (status) {
    case 'proposed':
      return t('scheme.explainProposed');
    case 'suspended':
      return t('scheme.explainSuspended');
    case 'closed':
      return t('scheme.explainClosed');
    default:
      return '';
  }
}

function areaText(scheme: Scheme): string {
  if (scheme.boundary) return t('scheme.areaBoundary');
  if (scheme.radius_m) return t('scheme.areaRadius', { radius: formatRadius(scheme.radius_m) });
  return t('scheme.areaPoint');
}

function ContactDetails({ scheme }: { scheme: Scheme }) {
  const contact = scheme.contact ?? { name: '' };
  return (
    <section aria-labelledby="contact-heading">
      <h2 id="contact-heading">{t('scheme.contact')}</h2>
      {!contact.name && !contact.email && !contact.phone ? (
        <p>{t('scheme.noContact')}</p>
      ) : (
        <dl class="facts">
          {contact.name && (
            <div>
              <dt>{t('scheme.contactName')}</dt>
              <dd>{contact.name}</dd>
            </div>
          )}
          {contact.email && (
            <div>
              <dt>{t('fields.email')}</dt>
              <dd>
                <a href={`mailto:${contact.email}`}>{contact.email}</a>
              </dd>
            </div>
          )}
          {contact.phone && (
            <div>
              <dt>{t('scheme.contactPhone')}</dt>
              <dd>
                <a href={`tel:${contact.phone.replace(/\s+/g, '')}`}>{contact.phone}</a>
              </dd>
            </div>
          )}
        </dl>
      )}
    </section>
  );
}

function MembershipPanel({ scheme, onChanged }: { scheme: Scheme; onChanged: () => Promise<void> }) {
  const { me, refreshMe } = useSession();
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  // What the last action did, said here beside it (and announced), not only at the top.
  const done = useActionResult();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const membership = scheme.my_membership;

  if (me === undefined) return null;
  if (me === null) {
    if (scheme.status !== 'active') return null;
    return (
      <section class="panel" aria-labelledby="membership-heading">
        <h2 id="membership-heading">{t('scheme.join')}</h2>
        <p>
          <a href={`/signin?next=${encodeURIComponent(`/schemes/${scheme.id}`)}`}>{t('nav.signIn')}</a> {t('scheme.or')}{' '}
          <a href={`/signup?next=${encodeURIComponent(`/schemes/${scheme.id}`)}`}>{t('scheme.createAccount')}</a>{' '}
          {t('scheme.toRequest')}
        </p>
      </section>
    );
  }

  const act = async (action: () => Promise<unknown>, outcome: string) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    done.clear();
    try {
      await action();
      await onChanged();
      done.say(outcome);
      // Leaving changes what the menu offers (Speedwatch, say).
      refreshMe();
      // The button just pressed is gone; start again from this panel's heading.
      requestAnimationFrame(() => headingRef.current?.focus());
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  let body;
  if (membership?.status === 'active') {
    body = (
      <>
        <p>
          {t('scheme.youAre', { role: ROLE_LABELS[membership.role].toLowerCase() })}
        </p>
        <ConfirmAction
          label={t('scheme.leave')}
          question={t('scheme.leaveQuestion', { name: scheme.name })}
          confirmLabel={t('scheme.leaveYes')}
          danger
          onConfirm={() => act(() => api.leave(scheme.id), t('scheme.left', { name: scheme.name }))}
        />
      </>
    );
  } else if (membership?.status === 'pending') {
    body = (
      <>
        <p class="notice notice--pending">{t('scheme.pending')}</p>
        <ConfirmAction
          label={t('scheme.withdraw')}
          question={t('scheme.withdrawQuestion')}
          confirmLabel={t('scheme.withdrawYes')}
          danger
          onConfirm={() => act(() => api.leave(scheme.id), t('scheme.withdrawn'))}
        />
      </>
    );
  } else if (scheme.status === 'active') {
    body = (
      <form
        onSubmit={(event) => {
          event.preventDefault();
          act(() => api.join(scheme.id, message.trim()), t('scheme.requestSent', { name: scheme.name }));
        }}
      >
        {membership?.status === 'declined' && (
          <>
            <p>{t('scheme.declinedAskAgain')}</p>
            {membership.decline_reason && (
              <blockquote class="card__message">
                <p>
                  <span class="visually-hidden">{t('scheme.coordinatorsReason')}</span>
                  {membership.decline_reason}
                </p>
              </blockquote>
            )}
          </>
        )}
        <TextAreaField
          label={t('scheme.message')}
          hint={t('scheme.messageHint')}
          rows={3}
          value={message}
          onValue={setMessage}
          errors={error?.fields.message}
        />
        <button type="submit" class="button button--primary" aria-disabled={busy ? 'true' : undefined}>
          {t('scheme.requestToJoin')}
        </button>
      </form>
    );
  } else {
    return null;
  }

  return (
    <section class="panel" aria-labelledby="membership-heading">
      <h2 id="membership-heading" ref={headingRef} tabIndex={-1}>
        {membership && membership.status !== 'declined' ? t('scheme.yourMembership') : t('scheme.join')}
      </h2>
      <ErrorAlert messages={error ? error.otherMessages(['message']) : []} />
      <ActionResult result={done} />
      {body}
    </section>
  );
}

/** Coordinators send alerts for their scheme; its liaison, for the area round it: as the
 * server says who may issue alerts where. */
function alertLinkFor(scheme: Scheme, me: Me | null | undefined): string | null {
  if (!me) return null;
  if (me.actions.issue_alerts_for.includes(scheme.id)) {
    return `/alerts/new?scheme=${scheme.id}`;
  }
  if (scheme.status !== 'active') return null;
  if (scheme.actions.review && me.actions.issue_force_alerts && scheme.lat !== null && scheme.lon !== null) {
    return `/alerts/new?lat=${scheme.lat}&lon=${scheme.lon}&zoom=14`;
  }
  return null;
}

function ManageLinks({ scheme }: { scheme: Scheme }) {
  const { me } = useSession();
  const alertLink = alertLinkFor(scheme, me);
  return (
    <section class="panel" aria-labelledby="manage-heading">
      <h2 id="manage-heading">{t('scheme.manage')}</h2>
      <ul class="link-list">
        {scheme.actions.view_members && (
          <li>
            <a class="button button--secondary button--wide" href={`/schemes/${scheme.id}/members`}>
              {t('scheme.membersAndRequests')}
            </a>
          </li>
        )}
        {scheme.actions.edit && (
          <li>
            <a class="button button--secondary button--wide" href={`/schemes/${scheme.id}/edit`}>
              {t('scheme.editDetails')}
            </a>
          </li>
        )}
        {alertLink && (
          <li>
            <a class="button button--secondary button--wide" href={alertLink}>
              {t('scheme.sendAlert')}
            </a>
          </li>
        )}
      </ul>
    </section>
  );
}

interface StatusAction {
  label: string;
  to: SchemeDecision;
  /** Set when the action asks for a reason first; the hint says who reads it. */
  reasonHint?: string;
  done: string;
  primary?: boolean;
}

/** The lifecycle steps the server says this user may take (`actions.change_status`), each
 * worded for who takes it: the police liaison reviewing, a coordinator, the proposer. */
function statusActions(scheme: Scheme): StatusAction[] {
  const name = scheme.name;
  const review = scheme.actions.review;
  const close = (reasonHint: string): StatusAction => ({
    label: t('schemeStatusAction.close'),
    to: 'closed',
    reasonHint,
    done: t('schemeStatusAction.closed', { name }),
  });
  const coordinatorsSee = t('schemeStatusAction.coordinatorsSee');
  const worded: Record<SchemeStatus, StatusAction[]> = {
    proposed: [
      { label: t('schemeStatusAction.approve'), to: 'active', done: t('schemeStatusAction.approved', { name }), primary: true },
      review
        ? {
            label: t('schemeStatusAction.decline'),
            to: 'closed',
            reasonHint: t('schemeStatusAction.proposerSees'),
            done: t('schemeStatusAction.declined', { name }),
          }
        : {
            label: t('schemeStatusAction.withdraw'),
            to: 'closed',
            reasonHint: t('schemeStatusAction.liaisonSees'),
            done: t('schemeStatusAction.withdrawn'),
          },
    ],
    active: [
      {
        label: t('schemeStatusAction.suspend'),
        to: 'suspended',
        reasonHint: coordinatorsSee,
        done: t('schemeStatusAction.suspended', { name }),
      },
      close(review ? coordinatorsSee : t('schemeStatusAction.membersAndLiaisonSee')),
    ],
    suspended: [
      { label: t('schemeStatusAction.reinstate'), to: 'active', done: t('schemeStatusAction.reinstated', { name }), primary: true },
      close(coordinatorsSee),
    ],
    closed: [],
  };
  const allowed = new Set<string>(scheme.actions.change_status);
  return worded[scheme.status].filter((step) => allowed.has(step.to));
}

/** Approve or decline a proposal, suspend, reinstate or close a scheme. */
function StatusActions({ scheme, onChanged }: { scheme: Scheme; onChanged: (scheme: Scheme) => void }) {
  const [asking, setAsking] = useState<StatusAction | null>(null);
  const done = useActionResult();
  // Once a step is taken the panel stays, to say so where it was taken.
  const [acted, setActed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const actions = statusActions(scheme);

  if (!actions.length && !acted) return null;

  const run = async (action: StatusAction, reason: string) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    done.clear();
    try {
      const updated = await api.setSchemeStatus(scheme.id, action.to, reason);
      setAsking(null);
      setActed(true);
      onChanged({ ...scheme, ...updated });
      done.say(action.done);
      requestAnimationFrame(() => document.getElementById('status-actions-heading')?.focus());
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class={`panel${scheme.actions.review ? ' panel--review' : ''}`} aria-labelledby="status-actions-heading">
      <h2 id="status-actions-heading" tabIndex={-1}>
        {scheme.actions.review ? t('schemeStatusAction.policeReview') : t('schemeStatusAction.schemeStatus')}
      </h2>
      <ErrorAlert messages={error ? error.otherMessages(asking ? ['reason'] : []) : []} />
      <ActionResult result={done} />
      {asking ? (
        <ReasonForm
          submitLabel={asking.label}
          hint={asking.reasonHint ?? ''}
          errors={error?.fields.reason}
          onSubmit={(reason) => run(asking, reason)}
          onCancel={() => {
            setAsking(null);
            setError(null);
          }}
        />
      ) : (
        <>
          {scheme.actions.review && scheme.status === 'proposed' && <p>{t('schemeStatusAction.waitingForYou')}</p>}
          <div class="button-row">
            {actions.map((action) => (
              <button
                key={action.label}
                type="button"
                class={`button ${action.primary ? 'button--primary' : 'button--danger-outline'}`}
                aria-disabled={busy ? 'true' : undefined}
                onClick={() => (action.reasonHint !== undefined ? setAsking(action) : run(action, ''))}
              >
                {action.label}
              </button>
            ))}
          </div>
        </>
      )}
    </section>
  );
}

function StatusHistory({ schemeId, version }: { schemeId: number; version: string }) {
  const [open, setOpen] = useState(false);
  const [entries, setEntries] = useState<StatusChange[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    setEntries(null);
  }, [version]);

  useEffect(() => {
    if (!open || entries) return;
    api.statusHistory(schemeId).then(
      (page) => setEntries(page.results),
      (err) => setError(asApiError(err)),
    );
  }, [open, entries, schemeId]);

  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">{t('scheme.history')}</h2>
      <details onToggle={(event) => setOpen((event.currentTarget as HTMLDetailsElement).open)}>
        <summary>{t('scheme.showHistory')}</summary>
        {error ? (
          <ErrorAlert messages={error.general} />
        ) : !entries ? (
          <Loading what={t('scheme.historyNoun')} />
        ) : entries.length === 0 ? (
          <p>{t('scheme.noChanges')}</p>
        ) : (
          <ol class="history">
            {entries.map((entry, index) => (
              <li key={index}>
                <strong>{SHORT_STATUS_LABELS[entry.to_status] ?? entry.to_status}</strong>
                {entry.from_status ? t('scheme.was', { status: SHORT_STATUS_LABELS[entry.from_status] ?? entry.from_status }) : ''} —{' '}
                {formatDateTime(entry.at)}
                {entry.actor_name ? t('scheme.by', { name: entry.actor_name }) : ''}
                {entry.reason && <p class="history__reason">{t('scheme.reason', { reason: entry.reason })}</p>}
              </li>
            ))}
          </ol>
        )}
      </details>
    </section>
  );
}
