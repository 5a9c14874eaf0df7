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
import { formatTime, fromLocalInput, plural, toLocalDate, toLocalInput } from '../format';
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
  useTitle('Start a session');
  return (
    <>
      <BackLink href="/speedwatch/sessions" label="Sessions" />
      <h1 tabIndex={-1}>Start a session</h1>
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
    return <p>Only the coordinators of a Community Speedwatch scheme log sessions.</p>;
  }
  if (error) return <ErrorAlert messages={error.general.length ? error.general : [error.message]} />;
  if (!sites) return <Loading what="approved sites" />;
  if (!sites.length) {
    return (
      <p class="notice">
        Your scheme has no approved site yet. <a href="/speedwatch/sites/new">Propose a site</a>; once the police
        liaison approves it you can hold sessions there.
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
      () => live && setPeopleError('The members of this scheme could not be loaded. Reload the page to try again.'),
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
        offline: `No signal: the session at ${draft.site.name} is kept on this phone and will upload when the signal returns.`,
        failed: `Patchwatch had a problem on its side: the session at ${draft.site.name} is kept on this phone and will upload shortly.`,
        scheduled: `Session started at ${draft.site.name}. Entries are kept on this phone and upload when it ends at ${formatTime(draft.ended_at)}.`,
      };
      goWithMessage(
        `/speedwatch/sessions/${draft.id}`,
        messages[outcome] ?? `Session started at ${draft.site.name}. Enter each offence as you go.`,
      );
    });
  };

  function checkForm(): Record<string, string[]> {
    const problems: Record<string, string[]> = {};
    if (!site) problems.site = ['Choose the site.'];
    if (minimumPresent !== null && present.size < minimumPresent) {
      problems.present = [`Tick at least ${plural(minimumPresent, 'member')} present; ${present.size} ticked.`];
    }
    const startAt = fromLocalInput(start);
    const endAt = fromLocalInput(end);
    if (!startAt) problems.started_at = ['Enter the date and time the session started.'];
    if (!endAt) problems.ended_at = ['Enter the date and time the session ended.'];
    if (startAt && endAt) {
      if (endAt <= startAt) problems.ended_at = ['The session must end after it starts.'];
      else if (maxHours !== null && endAt.getTime() - startAt.getTime() > maxHours * 3600_000) {
        problems.ended_at = [`A session lasts at most ${plural(maxHours, 'hour')}.`];
      } else if (startAt.getTime() > Date.now() + 5 * 60_000) {
        problems.started_at = ['The session cannot start in the future.'];
      }
    }
    if (!deviceName.trim()) problems.device_name = ['Enter the name of the speed device.'];
    if (!deviceSerial.trim()) problems.device_serial = ['Enter the serial number of the speed device.'];
    if (!/^\d{4}-\d{2}-\d{2}$/.test(checkedOn)) {
      problems.device_checked_on = ['Enter the date of the device’s last accuracy check.'];
    } else if (startAt) {
      const sessionDay = toLocalDate(startAt);
      const ageDays = (new Date(sessionDay).getTime() - new Date(checkedOn).getTime()) / 86_400_000;
      if (checkedOn > sessionDay) problems.device_checked_on = ['The check date is after the session.'];
      else if (deviceCheckMaxDays !== null && ageDays > deviceCheckMaxDays) {
        problems.device_checked_on = [
          `The last accuracy check is older than ${plural(deviceCheckMaxDays, 'day')}: have the device checked first.`,
        ];
      }
    }
    return problems;
  }

  const siteChoices = sites.map((item) => ({
    value: String(item.id),
    label: `${item.name} (${item.speed_limit_mph} mph)`,
  }));

  return (
    <form onSubmit={onSubmit} noValidate>
      <ErrorAlert messages={submission.otherErrors(SHOWN_FIELDS)} />
      <SelectField
        label="Site"
        hint="Only sites the police liaison has approved."
        value={siteId}
        onValue={setSiteId}
        placeholder="Choose a site"
        choices={siteChoices}
        errors={submission.fieldErrors('site')}
      />
      {site && peopleError && <ErrorAlert messages={[peopleError]} />}
      {site && !people && !peopleError && <Loading what="members" />}
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
        <legend>When</legend>
        <p class="field-hint">
          {maxHours !== null ? `In daylight, for at most ${plural(maxHours, 'hour')}.` : 'In daylight.'} Filled in as the
          last hour: change it to when you were at the roadside. Still under way? Enter when you plan to finish; entries
          upload once it ends.
        </p>
        <TextField
          label="Start"
          type="datetime-local"
          required
          value={start}
          onValue={setStart}
          errors={submission.fieldErrors('started_at')}
        />
        <TextField
          label="End"
          type="datetime-local"
          required
          value={end}
          onValue={setEnd}
          errors={submission.fieldErrors('ended_at')}
        />
      </fieldset>
      <fieldset>
        <legend>Speed device</legend>
        <TextField
          label="Device name"
          hint="For example the make and model of the radar gun."
          required
          maxLength={100}
          value={deviceName}
          onValue={setDeviceName}
          errors={submission.fieldErrors('device_name')}
        />
        <TextField
          label="Serial number"
          required
          maxLength={50}
          autoComplete="off"
          spellcheck={false}
          value={deviceSerial}
          onValue={setDeviceSerial}
          errors={submission.fieldErrors('device_serial')}
        />
        <TextField
          label="Last accuracy check"
          hint={deviceCheckMaxDays !== null ? `Within the last ${plural(deviceCheckMaxDays, 'day')}.` : undefined}
          type="date"
          required
          value={checkedOn}
          onValue={setCheckedOn}
          errors={submission.fieldErrors('device_checked_on')}
        />
      </fieldset>
      <TextAreaField
        label="Notes (optional)"
        rows={3}
        maxLength={2000}
        value={notes}
        onValue={setNotes}
        errors={submission.fieldErrors('notes')}
      />
      <SubmitButton busy={submission.busy} busyText="Starting…" class="button button--primary button--wide">
        Start session
      </SubmitButton>
    </form>
  );
}
