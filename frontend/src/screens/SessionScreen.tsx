// "/speedwatch/sessions/:id" — one session. While it is a draft, its coordinator logs
// offences and the vehicle count here, on the phone first and uploaded as the signal
// allows, then submits it. Once submitted it is read-only: members see it (registrations
// masked for volunteers), liaisons settle disputes, coordinators record corrections.

import { useEffect, useRef, useState } from 'preact/hooks';
import { useActionResult } from '../actionResult';
import { api, isOfflineCopy, type ApiError } from '../api';
import { ActionResult } from '../components/ActionResult';
import { AmendmentHistory } from '../components/AmendmentHistory';
import { BackLink } from '../components/BackLink';
import { ConfirmAction } from '../components/ConfirmAction';
import { DisputeForm } from '../components/DisputeForm';
import { ErrorAlert, SubmitButton, TextAreaField, TextField } from '../components/FormField';
import { LoggedOffences } from '../components/LoggedOffences';
import { Loading } from '../components/Loading';
import { OffenceCard } from '../components/OffenceCard';
import { OffenceEntryForm } from '../components/OffenceEntryForm';
import { RequireSignIn } from '../components/RequireSignIn';
import { StatusTag } from '../components/StatusTag';
import { UploadBanner } from '../components/UploadBanner';
import { VehicleCounter } from '../components/VehicleCounter';
import {
  formatDate,
  formatDateTime,
  formatHours,
  formatSessionTimes,
  formatTime,
  formatNumber,
  fromLocalInput,
  SESSION_STATUS_LABELS,
  toLocalInput,
} from '../format';
import { useOnline } from '../connection';
import { asApiError, useTitle } from '../hooks';
import { useSession } from '../session';
import {
  addOffence,
  adoptServerDraft,
  changeDetails,
  discardDraft,
  draftSiteOf,
  endsLater,
  getDraft,
  mergeServerOffences,
  removeOffence,
  requestSubmit,
  uploadDraft,
  uploadStatus,
  useDraftChanges,
  type DraftSession,
  type UploadOutcome,
} from '../sessionDrafts';
import { isWholeOffence, type Me, type Offence, type SessionWithOffences } from '../api/schemas';
import { languageTag, t } from '../i18n';

export function SessionScreen({ id }: { id: string }) {
  return <RequireSignIn>{(me) => <SessionLoader me={me} id={id} />}</RequireSignIn>;
}

function SessionLoader({ me, id }: { me: Me; id: string }) {
  useDraftChanges();
  const local = getDraft(me.id, id);
  const [server, setServer] = useState<SessionWithOffences | null>(null);
  // Whether that copy was fetched while this phone had a draft of it: such a copy is soon
  // out of date (the draft goes on changing, then is submitted) and is never picked up.
  const [fetchedBesideDraft, setFetchedBesideDraft] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [version, setVersion] = useState(0);
  const hasLocal = local !== null;
  const localCreated = local?.created ?? false;
  const { announce } = useSession();
  const hadLocal = useRef(hasLocal);

  // Submitted (now, or queued without a signal and gone through in the background): the
  // draft's screen gives way to the session's record, read-only, as if moving to another
  // screen, so it is said in the banner at its top, scrolled to, with focus on the heading.
  const [justSubmitted, setJustSubmitted] = useState(false);
  useEffect(() => {
    if (hadLocal.current && !hasLocal && uploadStatus(id).last === 'submitted') {
      announce(submitMessage('submitted')!);
      window.scrollTo(0, 0);
      setJustSubmitted(true);
    }
    hadLocal.current = hasLocal;
  }, [hasLocal]);
  useTitle(
    local
      ? t('sessionScreen.sessionAt', { site: local.site.name })
      : server
        ? t('sessionScreen.sessionAt', { site: server.site.name })
        : t('sessionScreen.speedwatchSession'),
  );

  useEffect(() => {
    // A draft that never reached the server has nothing to fetch.
    if (hasLocal && !localCreated) return;
    const abort = new AbortController();
    api.session(id, abort.signal).then(
      (session) => {
        if (abort.signal.aborted) return;
        setServer(session);
        setFetchedBesideDraft(hasLocal);
        setError(null);
        // A copy saved on this phone (offline) may be older than the draft: never merged.
        if (hasLocal && !isOfflineCopy(session)) {
          // Submitted from another phone: nothing is left to do here.
          if (session.status === 'submitted') discardDraft(me.id, id);
          else mergeServerOffences(me.id, session);
        }
      },
      (err) => {
        if (!abort.signal.aborted && !hasLocal) setError(asApiError(err));
      },
    );
    return () => abort.abort();
  }, [id, me.id, hasLocal, localCreated, version]);

  // A draft on the server that this phone has not seen: pick it up to go on logging.
  const adoptable =
    !local &&
    !fetchedBesideDraft &&
    server?.status === 'draft' &&
    !isOfflineCopy(server) &&
    !!server.actions?.change;
  useEffect(() => {
    if (adoptable && server) {
      adoptServerDraft(me.id, server, draftSiteOf(server.site, server.scheme));
    }
  }, [adoptable]);

  const showsRecord = !local && !error && !!server && !adoptable && !fetchedBesideDraft;
  useEffect(() => {
    if (!justSubmitted || !showsRecord) return;
    setJustSubmitted(false);
    document.querySelector<HTMLElement>('main h1')?.focus({ preventScroll: true });
  }, [justSubmitted, showsRecord]);

  if (local) return <DraftSessionView me={me} draft={local} />;
  if (error) {
    return (
      <>
        <BackLink href="/speedwatch/sessions" label={t('sessionList.title')} />
        <h1 tabIndex={-1}>{error.status === 404 ? t('sessionScreen.notFound') : t('sessionScreen.notShown')}</h1>
        <ErrorAlert messages={error.general.length ? error.general : [error.message]} />
      </>
    );
  }
  if (!server || adoptable || fetchedBesideDraft) {
    return (
      <>
        <BackLink href="/speedwatch/sessions" label={t('sessionList.title')} />
        <h1 tabIndex={-1}>{t('sessionScreen.speedwatchSession')}</h1>
        <Loading what={t('sessionScreen.noun')} />
      </>
    );
  }
  return (
    <SessionView
      session={server}
      mayChange={!!server.actions?.change}
      maySettleDisputes={!!server.actions?.settle_disputes}
      onChanged={() => setVersion((v) => v + 1)}
      onOffenceChanged={(offence) =>
        setServer((old) =>
          old ? { ...old, offences: old.offences.map((item) => (item.id === offence.id ? { ...item, ...offence } : item)) } : old,
        )
      }
    />
  );
}

// --- A draft being logged -------------------------------------------------------------------

// Catalogue keys, read when said: the words follow the language of the moment.
const SUBMIT_MESSAGES: Partial<Record<UploadOutcome, string>> = {
  submitted: 'sessionScreen.submitted',
  offline: 'sessionScreen.submitOffline',
  scheduled: 'sessionScreen.submitScheduled',
  done: 'sessionScreen.submitDone',
  failed: 'sessionScreen.submitFailed',
};

function submitMessage(outcome: UploadOutcome): string | undefined {
  const key = SUBMIT_MESSAGES[outcome];
  return key ? t(key) : undefined;
}

function DraftSessionView({ me, draft }: { me: Me; draft: DraftSession }) {
  const { goWithMessage, config } = useSession();
  // What ending or submitting did, said in the Submit section where it was done.
  const submitted = useActionResult();
  const online = useOnline();
  const status = uploadStatus(draft.id);

  // Whatever is waiting goes up when the screen opens (after a reload, say).
  useEffect(() => {
    uploadDraft(me.id, draft.id);
  }, [draft.id]);

  // The vehicle count changes with every tap: send it once the tapping pauses.
  useEffect(() => {
    if (!draft.changed) return;
    const timer = window.setTimeout(() => uploadDraft(me.id, draft.id), 1500);
    return () => window.clearTimeout(timer);
  }, [draft.changed, draft.vehicles_counted, draft.notes]);

  const offenceCount = draft.offences.length;
  // The server's deadline; unknown without a signal and no copy kept.
  const submitWithin = config?.speedwatch_submit_within_hours ?? null;

  const threshold = draft.site.threshold_mph;
  const problems = draft.problem ? [...draft.problem.general, ...Object.values(draft.problem.fields).flat()] : [];

  const submit = async () => {
    requestSubmit(me.id, draft.id);
    const outcome = await uploadDraft(me.id, draft.id);
    // Submitted, the session's record replaces this screen and says so at its top.
    if (outcome === 'submitted') return;
    return submitMessage(outcome);
  };

  return (
    <>
      <BackLink href="/speedwatch/sessions" label={t('sessionList.title')} />
      <h1 tabIndex={-1}>{t('sessionScreen.sessionAt', { site: draft.site.name })}</h1>
      <p class="card__meta">
        <StatusTag tone="draft">{t('sessionScreen.draft')}</StatusTag>
        <span>{draft.site.scheme.name}</span>
      </p>
      <p class="session-summary">
        {threshold !== undefined
          ? t('sessionScreen.summaryWithThreshold', {
              times: formatSessionTimes(draft.started_at, draft.ended_at),
              limit: draft.site.speed_limit_mph,
              threshold,
            })
          : t('sessionScreen.summary', {
              times: formatSessionTimes(draft.started_at, draft.ended_at),
              limit: draft.site.speed_limit_mph,
            })}
      </p>
      <UploadBanner draft={draft} online={online} status={status} onRetry={() => uploadDraft(me.id, draft.id)} />
      {problems.length > 0 && (
        <div class="error-alert" role="alert">
          <p class="error-alert__title">{t('sessionScreen.notAccepted')}</p>
          <ul>
            {problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
          <p>{t('sessionScreen.correctDetails')}</p>
        </div>
      )}
      {draft.submitRequested && (
        <p class="notice notice--pending">{t('sessionScreen.submitting')}</p>
      )}

      <div class="tally" aria-label={t('sessionScreen.runningCount')} role="group">
        <p class="tally__item">
          <span class="tally__number">{formatNumber(offenceCount)}</span>{' '}
          {t('sessionScreen.tallyOffences', { count: offenceCount })}
        </p>
        <p class="tally__item">
          <span class="tally__number">{formatNumber(draft.vehicles_counted)}</span>{' '}
          {t('sessionScreen.tallyVehicles', { count: draft.vehicles_counted })}
        </p>
      </div>

      <OffenceEntryForm
        startedAt={draft.started_at}
        endedAt={draft.ended_at}
        speedLimit={draft.site.speed_limit_mph}
        threshold={threshold}
        schemeId={draft.site.scheme.id}
        logged={draft.offences.map((offence) => offence.registration)}
        onAdd={(offence) => {
          addOffence(me.id, draft.id, offence);
          uploadDraft(me.id, draft.id);
        }}
      />

      <VehicleCounter
        count={draft.vehicles_counted}
        onCount={(count) => changeDetails(me.id, draft.id, { vehicles_counted: count })}
      />

      <LoggedOffences
        offences={draft.offences}
        onRemove={(offence) => {
          removeOffence(me.id, draft.id, offence.id);
          uploadDraft(me.id, draft.id);
        }}
      />

      <DraftDetails me={me} draft={draft} />

      <section aria-labelledby="submit-heading">
        <h2 id="submit-heading">{t('sessionScreen.submitHeading')}</h2>
        <p>
          {submitWithin !== null
            ? t('sessionScreen.submitWithin', { count: submitWithin, n: formatNumber(submitWithin) })
            : t('sessionScreen.submitSoon')}{' '}
          {t('sessionScreen.submitThen')}
        </p>
        {endsLater(draft) && !draft.created && (
          <p>
            <button
              type="button"
              class="button button--secondary button--wide"
              onClick={() => {
                const now = new Date();
                now.setSeconds(0, 0);
                changeDetails(me.id, draft.id, { ended_at: now.toISOString() });
                uploadDraft(me.id, draft.id);
                submitted.say(t('sessionScreen.endedAt', { time: formatTime(now.toISOString()) }));
              }}
            >
              {t('sessionScreen.endNow')}
            </button>
          </p>
        )}
        {!draft.submitRequested && (
          <ConfirmAction
            label={t('sessionScreen.submitSession')}
            question={t('sessionScreen.submitQuestion', {
              offences: t('sessionScreen.offenceCount', { count: offenceCount, n: formatNumber(offenceCount) }),
              vehicles: t('sessionScreen.vehicleCount', {
                count: draft.vehicles_counted,
                n: formatNumber(draft.vehicles_counted),
              }),
            })}
            confirmLabel={t('sessionScreen.submitConfirm')}
            primary
            result={submitted}
            onConfirm={submit}
          />
        )}
        <ActionResult result={submitted} />
        {!draft.created && (
          <div class="discard">
            <ConfirmAction
              label={t('sessionScreen.discard')}
              question={t('sessionScreen.discardQuestion')}
              confirmLabel={t('sessionScreen.discardConfirm')}
              danger
              onConfirm={() => {
                discardDraft(me.id, draft.id);
                // Nothing of it is left to show here.
                goWithMessage('/speedwatch/sessions', t('sessionScreen.discarded'));
              }}
            />
          </div>
        )}
      </section>
    </>
  );
}

function DraftDetails({ me, draft }: { me: Me; draft: DraftSession }) {
  const saved = useActionResult();
  const [start, setStart] = useState(toLocalInput(new Date(draft.started_at)));
  const [end, setEnd] = useState(toLocalInput(new Date(draft.ended_at)));
  const [deviceName, setDeviceName] = useState(draft.device_name);
  const [deviceSerial, setDeviceSerial] = useState(draft.device_serial);
  const [checkedOn, setCheckedOn] = useState(draft.device_checked_on);
  const [notes, setNotes] = useState(draft.notes);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const fields = draft.problem?.fields ?? {};

  // The times change here and from "End the session now".
  useEffect(() => setEnd(toLocalInput(new Date(draft.ended_at))), [draft.ended_at]);
  useEffect(() => setStart(toLocalInput(new Date(draft.started_at))), [draft.started_at]);

  return (
    <details class="session-details" open={draft.problem ? true : undefined}>
      <summary>{t('sessionScreen.details')}</summary>
      <dl class="facts">
        <div>
          <dt>{t('sessionScreen.present')}</dt>
          <dd>{draft.present.map((person) => person.name).join(', ')}</dd>
        </div>
        <div>
          <dt>{t('sessionScreen.site')}</dt>
          <dd>
            {draft.site.name}, {draft.site.road_name}
          </dd>
        </div>
      </dl>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          saved.clear();
          const startAt = fromLocalInput(start);
          const endAt = fromLocalInput(end);
          const problems: Record<string, string[]> = {};
          if (!startAt) problems.started_at = [t('sessionForm.enterStart')];
          if (!endAt) problems.ended_at = [t('sessionForm.enterEnd')];
          else if (startAt && endAt <= startAt) problems.ended_at = [t('sessionForm.endAfterStart')];
          if (!deviceName.trim()) problems.device_name = [t('sessionForm.enterDeviceName')];
          if (!deviceSerial.trim()) problems.device_serial = [t('sessionForm.enterDeviceSerial')];
          if (!/^\d{4}-\d{2}-\d{2}$/.test(checkedOn)) problems.device_checked_on = [t('sessionScreen.enterCheckDate')];
          setErrors(problems);
          if (Object.keys(problems).length) return;
          changeDetails(me.id, draft.id, {
            started_at: startAt!.toISOString(),
            ended_at: endAt!.toISOString(),
            device_name: deviceName.trim(),
            device_serial: deviceSerial.trim(),
            device_checked_on: checkedOn,
            notes: notes.trim(),
          });
          uploadDraft(me.id, draft.id);
          saved.say(t('sessionScreen.detailsSaved'));
        }}
      >
        <TextField
          label={t('sessionForm.start')}
          type="datetime-local"
          value={start}
          onValue={setStart}
          errors={errors.started_at ?? fields.started_at}
        />
        <TextField
          label={t('sessionForm.end')}
          type="datetime-local"
          value={end}
          onValue={setEnd}
          errors={errors.ended_at ?? fields.ended_at}
        />
        <TextField label={t('sessionForm.deviceName')} value={deviceName} onValue={setDeviceName} maxLength={100} errors={errors.device_name ?? fields.device_name} />
        <TextField
          label={t('sessionForm.serialNumber')}
          value={deviceSerial}
          onValue={setDeviceSerial}
          maxLength={50}
          errors={errors.device_serial ?? fields.device_serial}
        />
        <TextField
          label={t('sessionForm.lastCheck')}
          type="date"
          value={checkedOn}
          onValue={setCheckedOn}
          errors={errors.device_checked_on ?? fields.device_checked_on}
        />
        <TextAreaField
          label={t('sessionForm.notes')}
          rows={3}
          maxLength={2000}
          value={notes}
          onValue={setNotes}
          errors={fields.notes}
        />
        <SubmitButton busy={false}>{t('sessionScreen.saveDetails')}</SubmitButton>
        <ActionResult result={saved} />
      </form>
    </details>
  );
}

// --- A session on the server ----------------------------------------------------------------

function SessionView({
  session,
  mayChange,
  maySettleDisputes,
  onChanged,
  onOffenceChanged,
}: {
  session: SessionWithOffences;
  /** The server says: the viewer amends it (its coordinators). */
  mayChange: boolean;
  /** The server says: the viewer settles disputes of its offences (the covering liaisons). */
  maySettleDisputes: boolean;
  onChanged: () => void;
  onOffenceChanged: (offence: Offence) => void;
}) {
  const masked = session.offences.some((offence) => offence.registration.includes('*'));
  const counted = session.offences.filter((offence) => !offence.voided).length;
  return (
    <>
      <BackLink href="/speedwatch/sessions" label={t('sessionList.title')} />
      <h1 tabIndex={-1}>{t('sessionScreen.sessionAt', { site: session.site.name })}</h1>
      <p class="card__meta">
        <StatusTag tone={session.status}>{SESSION_STATUS_LABELS[session.status]}</StatusTag>
        <span>{session.scheme.name}</span>
      </p>
      {session.status === 'draft' && <p class="notice">{t('sessionScreen.stillLogged')}</p>}
      <dl class="facts">
        <div>
          <dt>{t('sessionScreen.when')}</dt>
          <dd>{formatSessionTimes(session.started_at, session.ended_at)}</dd>
        </div>
        <div>
          <dt>{t('sessionScreen.site')}</dt>
          <dd>
            {t('sessionScreen.siteLimit', {
              road: session.site.road_name,
              limit: session.site.speed_limit_mph,
              threshold: session.site.threshold_mph,
            })}
          </dd>
        </div>
        <div>
          <dt>{t('sessionScreen.vehiclesCounted')}</dt>
          <dd>{formatNumber(session.vehicles_counted)}</dd>
        </div>
        <div>
          <dt>{t('sessionScreen.offences')}</dt>
          <dd>
            {formatNumber(counted)}
            {session.vehicles_counted > 0 &&
              t('sessionScreen.shareOfVehicles', {
                percent: ((100 * counted) / session.vehicles_counted).toLocaleString(languageTag(), {
                  minimumFractionDigits: 1,
                  maximumFractionDigits: 1,
                }),
              })}
          </dd>
        </div>
        <div>
          <dt>{t('sessionScreen.present')}</dt>
          <dd>{session.present.map((person) => person.name).join(', ')}</dd>
        </div>
        <div>
          <dt>{t('sessionScreen.volunteerTime')}</dt>
          <dd>{formatHours(session.volunteer_minutes)}</dd>
        </div>
        <div>
          <dt>{t('sessionScreen.device')}</dt>
          <dd>
            {t('sessionScreen.deviceDetail', {
              name: session.device_name,
              serial: session.device_serial,
              checked: formatDate(session.device_checked_on),
            })}
          </dd>
        </div>
        {session.notes && (
          <div>
            <dt>{t('sessionScreen.notes')}</dt>
            <dd>{session.notes}</dd>
          </div>
        )}
        {session.submitted_at && (
          <div>
            <dt>{t('sessionScreen.submittedAt')}</dt>
            <dd>{formatDateTime(session.submitted_at)}</dd>
          </div>
        )}
      </dl>

      <section aria-labelledby="offences-heading">
        <h2 id="offences-heading">
          {t('sessionScreen.offencesHeading', { n: formatNumber(session.offences.length) })}
        </h2>
        {masked && <p class="field-hint">{t('sessionScreen.masked')}</p>}
        {session.offences.length === 0 ? (
          <p>{t('sessionScreen.noOffences')}</p>
        ) : (
          <ul class="card-list">
            {session.offences.map((offence) => (
              <li key={offence.id}>
                <OffenceCard offence={offence}>
                  {maySettleDisputes && session.status === 'submitted' && isWholeOffence(offence) && offence.registration && (
                    <DisputeForm offence={offence} onSettled={onOffenceChanged} />
                  )}
                </OffenceCard>
              </li>
            ))}
          </ul>
        )}
      </section>

      {session.status === 'submitted' && (mayChange || maySettleDisputes) && (
        <AmendmentHistory sessionId={session.id} offences={session.offences.filter(isWholeOffence)} canAmend={mayChange} onAmended={onChanged} />
      )}
    </>
  );
}
