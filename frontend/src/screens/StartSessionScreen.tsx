// "/speedwatch/sessions/new" — a coordinator starts a session at an approved site: who is
// there, the device, and when. The session is kept on the phone first and uploaded at once
// when there is a signal, later when there is not.

import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError, newUuid } from '../api';
import { BackLink } from '../components/BackLink';
import { ErrorAlert, SelectField, SubmitButton, TextAreaField, TextField } from '../components/FormField';
import { Loading } from '../components/Loading';
import { PresentList } from '../components/PresentList';
import { RequireSignIn } from '../components/RequireSignIn';
import { formatNumber, formatTime, fromLocalInput, toLocalDate, toLocalInput } from '../format';
import { asApiError, useSubmission, useTitle } from '../hooks';
import { withOfflineCopy } from '../offlineCache';
import { useLocation } from '../router';
import { useSession } from '../session';
import {
  discardDraft,
  draftSiteOf,
  getDraft,
  rememberDevice,
  rememberedDevice,
  saveDraft,
  uploadDraft,
  type DraftSession,
  type UploadOutcome,
} from '../sessionDrafts';
import { useSpeedwatchAccess } from '../speedwatchAccess';
import type { Me, Person, Site } from '../api/schemas';
import { t } from '../i18n';

const START_WAIT_MS = 10_000;

const SHOWN_FIELDS = [
  'site',
  'present',
  'started_at',
  'ended_at',
  'device_name',
  'device_serial',
  'device_checked_on',
  'notes',
] as const;

export function StartSessionScreen() {
  useTitle(t('speedwatchHub.startSession'));
  return (
    <>
      <BackLink href="/speedwatch/sessions" label={t('sessionList.title')} />
      <h1 tabIndex={-1}>{t('speedwatchHub.startSession')}</h1>
      <RequireSignIn>{(me) => <StartSession me={me} />}</RequireSignIn>
    </>
  );
}

function StartSession({ me }: { me: Me }) {
  const { config } = useSession();
  const access = useSpeedwatchAccess();
  const [sites, setSites] = useState<Site[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const coordinates = !!access?.coordinated.length;

  useEffect(() => {
    if (!coordinates) return;
    // The sites where the server lets this person log a session.
    withOfflineCopy('approved-sites', () => api.sites({ status: 'approved' })).then(
      // (A copy saved by an earlier version of the app has no actions: none of its sites.)
      (page) => setSites(page.results.filter((site) => site.actions?.run_sessions)),
      (err) => setError(asApiError(err)),
    );
  }, [coordinates]);

  if (!access || !config) return <Loading />;
  if (!access.coordinated.length) {
    return <p>{t('startSession.onlyCoordinators')}</p>;
  }
  if (error) return <ErrorAlert messages={error.general.length ? error.general : [error.message]} />;
  if (!sites) return <Loading what={t('startSession.approvedSites')} />;
  if (!sites.length) {
    return (
      <p class="notice">
        {t('startSession.noSite')} <a href="/speedwatch/sites/new">{t('speedwatchHub.proposeSite')}</a>
        {t('startSession.noSiteThen')}
      </p>
    );
  }
  return <SessionForm me={me} sites={sites} />;
}

function lastHour(): { start: string; end: string } {
  const end = new Date();
  end.setSeconds(0, 0);
  const start = new Date(end.getTime() - 60 * 60 * 1000);
  return { start: toLocalInput(start), end: toLocalInput(end) };
}

function SessionForm({ me, sites }: { me: Me; sites: Site[] }) {
  const { config, goWithMessage } = useSession();
  // The server's rules for a session, which it has the final word on. Null when unknown (no
  // signal and no copy kept): the form then leaves that check to the server.
  const minimumPresent = config?.speedwatch_min_members_present ?? null;
  const maxHours = config?.speedwatch_session_max_hours ?? null;
  const deviceCheckMaxDays = config?.speedwatch_device_check_max_age_days ?? null;
  const { query } = useLocation();
  const submission = useSubmission();
  const wanted = query.get('site');
  const [siteId, setSiteId] = useState(
    sites.some((site) => String(site.id) === wanted) ? String(wanted) : sites.length === 1 ? String(sites[0].id) : '',
  );
  const site = sites.find((item) => String(item.id) === siteId) ?? null;
  const [people, setPeople] = useState<Person[] | null>(null);
  const [peopleError, setPeopleError] = useState('');
  const [present, setPresent] = useState<Set<number>>(() => new Set([me.id]));
  const initialTimes = useMemo(lastHour, []);
  const [start, setStart] = useState(initialTimes.start);
  const [end, setEnd] = useState(initialTimes.end);
  const device = useMemo(rememberedDevice, []);
  const [deviceName, setDeviceName] = useState(device?.device_name ?? '');
  const [deviceSerial, setDeviceSerial] = useState(device?.device_serial ?? '');
  const [checkedOn, setCheckedOn] = useState(device?.device_checked_on ?? '');
  const [notes, setNotes] = useState('');
  // Kept across attempts: a retry after a refusal is the same session to the server.
  const [sessionId] = useState(newUuid);

  const schemeId = site?.scheme.id;
  useEffect(() => {
    if (!schemeId) {
      setPeople(null);
      return;
    }
    let live = true;
    setPeople(null);
    setPeopleError('');
    withOfflineCopy(`members-${schemeId}`, () => api.activeMembers(schemeId)).then(
      (page) => {
        if (!live) return;
        const members = page.results.map((member) => ({ id: member.user.id, name: member.user.name || member.user.email }));
        setPeople(members);
        setPresent((old) => new Set([...old].filter((id) => members.some((member) => member.id === id))));
      },
      () => live && setPeopleError(t('startSession.membersNotLoaded')),
    );
    return () => {
      live = false;
    };
  }, [schemeId]);

  const onSubmit = (event: Event) => {
    event.preventDefault();
    submission.run(async () => {
      const problems = checkForm();
      if (Object.keys(problems).length) throw new ApiError(400, problems, []);
      const draft: DraftSession = {
        id: sessionId,
        site: draftSiteOf(site!, site!.scheme),
        started_at: fromLocalInput(start)!.toISOString(),
        ended_at: fromLocalInput(end)!.toISOString(),
        vehicles_counted: 0,
        device_name: deviceName.trim(),
        device_serial: deviceSerial.trim(),
        device_checked_on: checkedOn,
        notes: notes.trim(),
        present: (people ?? []).filter((person) => present.has(person.id)),
        created: false,
        changed: false,
        offences: [],
        removals: [],
        submitRequested: false,
        problem: null,
      };
      saveDraft(me.id, draft);
      rememberDevice({ device_name: draft.device_name, device_serial: draft.device_serial, device_checked_on: checkedOn });
      // On a weak signal the upload may take long: after a while go on to logging, and
      // let it finish (or be tried again) in the background.
      const outcome = await Promise.race([
        uploadDraft(me.id, draft.id),
        new Promise<UploadOutcome>((resolve) => window.setTimeout(() => resolve('offline'), START_WAIT_MS)),
      ]);
      if (outcome === 'refused') {
        const problem = getDraft(me.id, draft.id)?.problem;
        discardDraft(me.id, draft.id);
        throw new ApiError(400, problem?.fields ?? {}, problem?.general ?? []);
      }
      const messages: Partial<Record<UploadOutcome, string>> = {
        offline: t('startSession.keptOffline', { site: draft.site.name }),
        failed: t('startSession.keptFailed', { site: draft.site.name }),
        scheduled: t('startSession.keptScheduled', { site: draft.site.name, time: formatTime(draft.ended_at) }),
      };
      goWithMessage(
        `/speedwatch/sessions/${draft.id}`,
        messages[outcome] ?? t('startSession.started', { site: draft.site.name }),
      );
    });
  };

  function checkForm(): Record<string, string[]> {
    const problems: Record<string, string[]> = {};
    if (!site) problems.site = [t('startSession.chooseSite')];
    if (minimumPresent !== null && present.size < minimumPresent) {
      problems.present = [
        t('startSession.tickAtLeast', {
          members: t('startSession.memberCount', { count: minimumPresent, n: formatNumber(minimumPresent) }),
          ticked: formatNumber(present.size),
        }),
      ];
    }
    const startAt = fromLocalInput(start);
    const endAt = fromLocalInput(end);
    if (!startAt) problems.started_at = [t('sessionForm.enterStart')];
    if (!endAt) problems.ended_at = [t('sessionForm.enterEnd')];
    if (startAt && endAt) {
      if (endAt <= startAt) problems.ended_at = [t('sessionForm.endAfterStart')];
      else if (maxHours !== null && endAt.getTime() - startAt.getTime() > maxHours * 3600_000) {
        problems.ended_at = [t('startSession.atMostHours', { count: maxHours, n: formatNumber(maxHours) })];
      } else if (startAt.getTime() > Date.now() + 5 * 60_000) {
        problems.started_at = [t('startSession.notInFuture')];
      }
    }
    if (!deviceName.trim()) problems.device_name = [t('sessionForm.enterDeviceName')];
    if (!deviceSerial.trim()) problems.device_serial = [t('sessionForm.enterDeviceSerial')];
    if (!/^\d{4}-\d{2}-\d{2}$/.test(checkedOn)) {
      problems.device_checked_on = [t('startSession.enterCheckDate')];
    } else if (startAt) {
      const sessionDay = toLocalDate(startAt);
      const ageDays = (new Date(sessionDay).getTime() - new Date(checkedOn).getTime()) / 86_400_000;
      if (checkedOn > sessionDay) problems.device_checked_on = [t('startSession.checkAfterSession')];
      else if (deviceCheckMaxDays !== null && ageDays > deviceCheckMaxDays) {
        problems.device_checked_on = [
          t('startSession.checkTooOld', { count: deviceCheckMaxDays, n: formatNumber(deviceCheckMaxDays) }),
        ];
      }
    }
    return problems;
  }

  const siteChoices = sites.map((item) => ({
    value: String(item.id),
    label: t('startSession.siteChoice', { site: item.name, limit: item.speed_limit_mph }),
  }));

  return (
    <form onSubmit={onSubmit} noValidate>
      <ErrorAlert messages={submission.otherErrors(SHOWN_FIELDS)} />
      <SelectField
        label={t('sessionScreen.site')}
        hint={t('startSession.siteHint')}
        value={siteId}
        onValue={setSiteId}
        placeholder={t('startSession.chooseASite')}
        choices={siteChoices}
        errors={submission.fieldErrors('site')}
      />
      {site && peopleError && <ErrorAlert messages={[peopleError]} />}
      {site && !people && !peopleError && <Loading what={t('startSession.members')} />}
      {site && people && (
        <PresentList
          people={people}
          present={present}
          onChange={setPresent}
          minimum={minimumPresent}
          errors={submission.fieldErrors('present')}
        />
      )}
      <fieldset>
        <legend>{t('sessionScreen.when')}</legend>
        <p class="field-hint">
          {maxHours !== null
            ? t('startSession.inDaylightFor', { count: maxHours, n: formatNumber(maxHours) })
            : t('startSession.inDaylight')}{' '}
          {t('startSession.whenHint')}
        </p>
        <TextField
          label={t('sessionForm.start')}
          type="datetime-local"
          required
          value={start}
          onValue={setStart}
          errors={submission.fieldErrors('started_at')}
        />
        <TextField
          label={t('sessionForm.end')}
          type="datetime-local"
          required
          value={end}
          onValue={setEnd}
          errors={submission.fieldErrors('ended_at')}
        />
      </fieldset>
      <fieldset>
        <legend>{t('startSession.speedDevice')}</legend>
        <TextField
          label={t('sessionForm.deviceName')}
          hint={t('startSession.deviceHint')}
          required
          maxLength={100}
          value={deviceName}
          onValue={setDeviceName}
          errors={submission.fieldErrors('device_name')}
        />
        <TextField
          label={t('sessionForm.serialNumber')}
          required
          maxLength={50}
          autoComplete="off"
          spellcheck={false}
          value={deviceSerial}
          onValue={setDeviceSerial}
          errors={submission.fieldErrors('device_serial')}
        />
        <TextField
          label={t('sessionForm.lastCheck')}
          hint={
            deviceCheckMaxDays !== null
              ? t('startSession.withinDays', { count: deviceCheckMaxDays, n: formatNumber(deviceCheckMaxDays) })
              : undefined
          }
          type="date"
          required
          value={checkedOn}
          onValue={setCheckedOn}
          errors={submission.fieldErrors('device_checked_on')}
        />
      </fieldset>
      <TextAreaField
        label={t('sessionForm.notes')}
        rows={3}
        maxLength={2000}
        value={notes}
        onValue={setNotes}
        errors={submission.fieldErrors('notes')}
      />
      <SubmitButton busy={submission.busy} busyText={t('startSession.starting')} class="button button--primary button--wide">
        {t('startSession.startSession')}
      </SubmitButton>
    </form>
  );
}
