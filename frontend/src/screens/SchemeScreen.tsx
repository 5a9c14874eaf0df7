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
import { formatDate, formatDateTime, formatRadius, plural, ROLE_LABELS, SHORT_STATUS_LABELS, STATUS_LABELS } from '../format';
import { asApiError, useTitle } from '../hooks';
import { useSession } from '../session';
import type { Me, Scheme, SchemeDecision, SchemeStatus, StatusChange } from '../api/schemas';

export function SchemeScreen({ id }: { id: string }) {
  const { config } = useSession();
  const [scheme, setScheme] = useState<Scheme | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useTitle(scheme?.name ?? 'Scheme');

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
        <h1 tabIndex={-1}>{error.status === 404 ? 'Scheme not found' : 'This scheme could not be shown'}</h1>
        <ErrorAlert messages={error.general.length ? error.general : [error.message]} />
        <p>
          <a href="/">Back to the directory</a>
        </p>
      </>
    );
  }
  if (!scheme) {
    return (
      <>
        <h1 tabIndex={-1}>Scheme</h1>
        <Loading what="scheme" />
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
        <h2 id="about-heading">About this scheme</h2>
        {scheme.description ? <p class="description">{scheme.description}</p> : <p>No description yet.</p>}
        <dl class="facts">
          <div>
            <dt>Members</dt>
            <dd>{plural(scheme.member_count, 'member')}</dd>
          </div>
          <div>
            <dt>Police force</dt>
            <dd>{scheme.force_name || scheme.force}</dd>
          </div>
          <div>
            <dt>Status</dt>
            <dd>{STATUS_LABELS[scheme.status]}</dd>
          </div>
          {scheme.approved_at && (
            <div>
              <dt>Approved</dt>
              <dd>{formatDate(scheme.approved_at)}</dd>
            </div>
          )}
        </dl>
      </section>

      <section aria-labelledby="area-heading">
        <h2 id="area-heading">Area</h2>
        <p>{areaText(scheme)}</p>
        {config && <AreaMap config={config} scheme={scheme} />}
        {scheme.status === 'active' && (
          <p>
            <a href={api.schemeFeedUrl(scheme.id)}>Public alerts for this scheme (Atom feed)</a>
          </p>
        )}
      </section>

      <ContactDetails scheme={scheme} />
      {scheme.actions.see_history && <StatusHistory schemeId={scheme.id} version={scheme.status} />}
    </article>
  );
}

function statusExplanation(status: SchemeStatus): string {
  switch (status) {
    case 'proposed':
      return 'This scheme has been proposed and is waiting for the police liaison to review it. It is not in the directory yet.';
    case 'suspended':
      return 'This scheme is suspended and is not taking new members.';
    case 'closed':
      return 'This scheme is closed.';
    default:
      return '';
  }
}

function areaText(scheme: Scheme): string {
  if (scheme.boundary) return 'The area is shown on the map below.';
  if (scheme.radius_m) return `Within ${formatRadius(scheme.radius_m)} of the point shown on the map below.`;
  return 'Around the point shown on the map below.';
}

function ContactDetails({ scheme }: { scheme: Scheme }) {
  const contact = scheme.contact ?? { name: '' };
  return (
    <section aria-labelledby="contact-heading">
      <h2 id="contact-heading">Contact</h2>
      {!contact.name && !contact.email && !contact.phone ? (
        <p>This scheme has not published contact details. Request to join and the coordinator will be in touch.</p>
      ) : (
        <dl class="facts">
          {contact.name && (
            <div>
              <dt>Name</dt>
              <dd>{contact.name}</dd>
            </div>
          )}
          {contact.email && (
            <div>
              <dt>Email</dt>
              <dd>
                <a href={`mailto:${contact.email}`}>{contact.email}</a>
              </dd>
            </div>
          )}
          {contact.phone && (
            <div>
              <dt>Phone</dt>
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
        <h2 id="membership-heading">Join this scheme</h2>
        <p>
          <a href={`/signin?next=${encodeURIComponent(`/schemes/${scheme.id}`)}`}>Sign in</a> or{' '}
          <a href={`/signup?next=${encodeURIComponent(`/schemes/${scheme.id}`)}`}>create an account</a> to request to join.
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
          You are a {ROLE_LABELS[membership.role].toLowerCase()} in this scheme.
        </p>
        <ConfirmAction
          label="Leave scheme"
          question={`Leave ${scheme.name}? To come back you would need to ask again.`}
          confirmLabel="Yes, leave"
          danger
          onConfirm={() => act(() => api.leave(scheme.id), `You have left ${scheme.name}.`)}
        />
      </>
    );
  } else if (membership?.status === 'pending') {
    body = (
      <>
        <p class="notice notice--pending">Your request is waiting for the coordinator.</p>
        <ConfirmAction
          label="Withdraw request"
          question="Withdraw your request to join?"
          confirmLabel="Yes, withdraw"
          danger
          onConfirm={() => act(() => api.leave(scheme.id), 'Your request has been withdrawn.')}
        />
      </>
    );
  } else if (scheme.status === 'active') {
    body = (
      <form
        onSubmit={(event) => {
          event.preventDefault();
          act(() => api.join(scheme.id, message.trim()), `Your request to join ${scheme.name} has been sent.`);
        }}
      >
        {membership?.status === 'declined' && (
          <>
            <p>Your last request was declined. You can ask again.</p>
            {membership.decline_reason && (
              <blockquote class="card__message">
                <p>
                  <span class="visually-hidden">The coordinator's reason: </span>
                  {membership.decline_reason}
                </p>
              </blockquote>
            )}
          </>
        )}
        <TextAreaField
          label="Message to the coordinator (optional)"
          hint="For example, which street you live on."
          rows={3}
          value={message}
          onValue={setMessage}
          errors={error?.fields.message}
        />
        <button type="submit" class="button button--primary" aria-disabled={busy ? 'true' : undefined}>
          Request to join
        </button>
      </form>
    );
  } else {
    return null;
  }

  return (
    <section class="panel" aria-labelledby="membership-heading">
      <h2 id="membership-heading" ref={headingRef} tabIndex={-1}>
        {membership && membership.status !== 'declined' ? 'Your membership' : 'Join this scheme'}
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
      <h2 id="manage-heading">Manage this scheme</h2>
      <ul class="link-list">
        {scheme.actions.view_members && (
          <li>
            <a class="button button--secondary button--wide" href={`/schemes/${scheme.id}/members`}>
              Members and join requests
            </a>
          </li>
        )}
        {scheme.actions.edit && (
          <li>
            <a class="button button--secondary button--wide" href={`/schemes/${scheme.id}/edit`}>
              Edit details
            </a>
          </li>
        )}
        {alertLink && (
          <li>
            <a class="button button--secondary button--wide" href={alertLink}>
              Send an alert
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
  const close = (reasonHint: string): StatusAction => ({ label: 'Close scheme', to: 'closed', reasonHint, done: `${name} has been closed.` });
  const worded: Record<SchemeStatus, StatusAction[]> = {
    proposed: [
      { label: 'Approve', to: 'active', done: `${name} is approved and now appears in the directory.`, primary: true },
      review
        ? { label: 'Decline', to: 'closed', reasonHint: 'The proposer will see this reason.', done: `The proposal for ${name} has been declined.` }
        : { label: 'Withdraw proposal', to: 'closed', reasonHint: 'The police liaison will see this reason.', done: 'Your proposal has been withdrawn.' },
    ],
    active: [
      { label: 'Suspend', to: 'suspended', reasonHint: 'The coordinators will see this reason.', done: `${name} has been suspended.` },
      close(review ? 'The coordinators will see this reason.' : 'Your members and the police liaison will see this reason.'),
    ],
    suspended: [
      { label: 'Reinstate', to: 'active', done: `${name} is active again.`, primary: true },
      close('The coordinators will see this reason.'),
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
        {scheme.actions.review ? 'Police review' : 'Scheme status'}
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
          {scheme.actions.review && scheme.status === 'proposed' && <p>This proposal is waiting for your decision.</p>}
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
      <h2 id="history-heading">Status history</h2>
      <details onToggle={(event) => setOpen((event.currentTarget as HTMLDetailsElement).open)}>
        <summary>Show status changes</summary>
        {error ? (
          <ErrorAlert messages={error.general} />
        ) : !entries ? (
          <Loading what="history" />
        ) : entries.length === 0 ? (
          <p>No changes yet.</p>
        ) : (
          <ol class="history">
            {entries.map((entry, index) => (
              <li key={index}>
                <strong>{SHORT_STATUS_LABELS[entry.to_status] ?? entry.to_status}</strong>
                {entry.from_status ? ` (was ${SHORT_STATUS_LABELS[entry.from_status] ?? entry.from_status})` : ''} —{' '}
                {formatDateTime(entry.at)}
                {entry.actor_name ? `, by ${entry.actor_name}` : ''}
                {entry.reason && <p class="history__reason">Reason: {entry.reason}</p>}
              </li>
            ))}
          </ol>
        )}
      </details>
    </section>
  );
}
