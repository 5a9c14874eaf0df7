// Corrections to a submitted session: each one keeps what the session said before, who
// changed it and why. Coordinators record new ones here. Voiding an offence cannot be
// undone, so it asks first, and Enter in a field never does it.

import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { formatDateTime, formatRegistration, formatTime, plural } from '../format';
import { clearFieldErrors, usePagedList, useSubmission } from '../hooks';
import type { Amendment, Offence } from '../api/schemas';
import { ActionResult } from './ActionResult';
import { ConfirmAction } from './ConfirmAction';
import { ErrorAlert, SelectField, SubmitButton, TextAreaField, TextField } from './FormField';
import { Loading } from './Loading';

const FIELD_LABELS: Record<string, string> = {
  vehicles_counted: 'Vehicles counted',
  notes: 'Notes',
  device_name: 'Device name',
  device_serial: 'Device serial number',
};

const VOID = 'void_offences';

function describeChange(field: string, change: unknown): string {
  // Voided offences are recorded as the list of their ids, not as before and after.
  if (field === VOID && Array.isArray(change)) return `${plural(change.length, 'offence')} voided as recorded in error`;
  const [before, after] = Array.isArray(change) ? change : [undefined, change];
  return `${FIELD_LABELS[field] ?? field}: ${describe(before)} → ${describe(after)}`;
}

// The schema leaves `changes` untyped: it is an object of [before, after] for each field.
function changesOf(amendment: Amendment): [string, unknown][] {
  const changes = amendment.changes;
  return changes && typeof changes === 'object' ? Object.entries(changes) : [];
}

function describeOffence(offence: Offence): string {
  return `${formatRegistration(offence.registration)}, ${offence.speed_mph} mph at ${formatTime(offence.observed_at)}`;
}

function describe(value: unknown): string {
  return value === '' || value === null || value === undefined ? '(blank)' : String(value);
}

export function AmendmentHistory({
  sessionId,
  offences,
  canAmend,
  onAmended,
}: {
  sessionId: string;
  offences: Offence[];
  canAmend: boolean;
  onAmended: () => void;
}) {
  const fetchPage = useCallback(() => api.amendments(sessionId), [sessionId]);
  const list = usePagedList<Amendment>(fetchPage);
  if (!canAmend && !list.loading && list.items.length === 0) return null;
  return (
    <section aria-labelledby="amendments-heading">
      <h2 id="amendments-heading">Corrections</h2>
      {list.loading ? (
        <Loading what="corrections" />
      ) : list.items.length === 0 ? (
        <p>No corrections.</p>
      ) : (
        <ol class="history">
          {list.items.map((amendment) => (
            <li key={amendment.id}>
              <p class="history__reason">
                {changesOf(amendment)
                  .map(([field, change]) => describeChange(field, change))
                  .join('; ')}
              </p>
              <p class="history__reason">
                {formatDateTime(amendment.at)}
                {amendment.actor_name && ` by ${amendment.actor_name}`}. Reason: {amendment.reason}
              </p>
            </li>
          ))}
        </ol>
      )}
      {canAmend && (
        <AmendmentForm
          sessionId={sessionId}
          offences={offences.filter((offence) => !offence.voided)}
          onAmended={() => {
            list.reload();
            onAmended();
          }}
        />
      )}
    </section>
  );
}

function AmendmentForm({
  sessionId,
  offences,
  onAmended,
}: {
  sessionId: string;
  offences: Offence[];
  onAmended: () => void;
}) {
  const submission = useSubmission();
  const [field, setField] = useState('vehicles_counted');
  const [value, setValue] = useState('');
  const [offenceId, setOffenceId] = useState('');
  const [reason, setReason] = useState('');
  const choices = [
    ...Object.entries(FIELD_LABELS).map(([choice, label]) => ({ value: choice, label })),
    ...(offences.length ? [{ value: VOID, label: 'An offence recorded in error' }] : []),
  ];
  const voiding = field === VOID;
  const chosenOffence = offences.find((offence) => offence.id === offenceId);
  // The last offence voided, there is none left to void.
  useEffect(() => {
    if (voiding && !offences.length) setField('vehicles_counted');
  }, [voiding, offences.length]);

  const record = () =>
    submission.run(async () => {
      let said: string;
      if (voiding) {
        await api.amendSession(sessionId, reason.trim(), { [VOID]: offenceId ? [offenceId] : [] });
        said = 'Correction recorded: the offence is voided and no letter goes out for it.';
        if (offences.length <= 1) setField('vehicles_counted');
      } else {
        const newValue = field === 'vehicles_counted' && /^\d+$/.test(value.trim()) ? Number(value) : value.trim();
        await api.amendSession(sessionId, reason.trim(), { [field]: newValue });
        said = `Correction recorded: ${FIELD_LABELS[field].toLowerCase()} is now ${describe(newValue)}.`;
      }
      setValue('');
      setOffenceId('');
      setReason('');
      onAmended();
      return said;
    });

  return (
    <details class="amend">
      <summary>Correct this session</summary>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          // Enter in a field records a correction, but never voids an offence: that asks first.
          if (!voiding) record();
        }}
      >
        <p class="field-hint">A submitted session is not edited: each correction is recorded with its reason.</p>
        <ErrorAlert messages={submission.otherErrors(['reason', 'changes', `changes.${field}`])} />
        <SelectField label="What to correct" value={field} onValue={setField} choices={choices} />
        {field === VOID ? (
          <SelectField
            label="Offence"
            hint="For example a misread plate. It leaves the letters and the escalation."
            value={offenceId}
            onValue={(value) => {
              setOffenceId(value);
              if (value) clearFieldErrors(submission, `changes.${VOID}`, 'changes');
            }}
            placeholder="Choose the offence"
            choices={offences.map((offence) => ({
              value: offence.id,
              label: describeOffence(offence),
            }))}
            errors={submission.fieldErrors(`changes.${VOID}`) ?? submission.fieldErrors('changes')}
          />
        ) : (
          <TextField
            label="New value"
            inputMode={field === 'vehicles_counted' ? 'numeric' : undefined}
            value={value}
            onValue={setValue}
            errors={submission.fieldErrors(`changes.${field}`) ?? submission.fieldErrors('changes')}
          />
        )}
        <TextAreaField
          label="Reason"
          rows={2}
          maxLength={1000}
          value={reason}
          onValue={(text) => {
            setReason(text);
            if (text.trim()) clearFieldErrors(submission, 'reason');
          }}
          errors={submission.fieldErrors('reason')}
        />
        {voiding ? (
          <ConfirmAction
            label="Void the offence"
            question={`Void ${chosenOffence ? describeOffence(chosenOffence) : 'this offence'}? It leaves the letters and the escalation, and this cannot be undone.`}
            confirmLabel="Yes, void it"
            danger
            result={submission.result}
            onAsk={async () => {
              const problems: Record<string, string[]> = {};
              if (!offenceId) problems[`changes.${VOID}`] = ['Choose the offence recorded in error.'];
              if (!reason.trim()) problems.reason = ['Say why the offence is voided.'];
              if (!Object.keys(problems).length) return true;
              await submission.run(async () => {
                throw new ApiError(400, problems, []);
              });
              return false;
            }}
            onConfirm={record}
          />
        ) : (
          <SubmitButton busy={submission.busy} busyText="Saving…">
            Record correction
          </SubmitButton>
        )}
        <ActionResult result={submission.result} />
      </form>
    </details>
  );
}
