// Corrections to a submitted session: each one keeps what the session said before, who
// changed it and why. Coordinators record new ones here. Voiding an offence cannot be
// undone, so it asks first, and Enter in a field never does it.

import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { formatDateTime, formatNumber, formatRegistration, formatTime } from '../format';
import { clearFieldErrors, usePagedList, useSubmission } from '../hooks';
import type { Amendment, Offence } from '../api/schemas';
import { languageTag, t } from '../i18n';
import { ActionResult } from './ActionResult';
import { ConfirmAction } from './ConfirmAction';
import { ErrorAlert, SelectField, SubmitButton, TextAreaField, TextField } from './FormField';
import { Loading } from './Loading';

// Catalogue keys, read at each render: the words follow the language of the moment.
const FIELD_LABELS: Record<string, string> = {
  vehicles_counted: 'amendments.vehiclesCounted',
  notes: 'amendments.notes',
  device_name: 'amendments.deviceName',
  device_serial: 'amendments.deviceSerial',
  // Corrections of an offence's vehicle after the DVLA check (vehicles.json).
  registration: 'vehicles.amendment.registration',
  make: 'vehicles.amendment.make',
  colour: 'vehicles.amendment.colour',
};

function fieldLabel(field: string): string {
  return field in FIELD_LABELS ? t(FIELD_LABELS[field]) : field;
}

const VOID = 'void_offences';

function describeChange(field: string, change: unknown): string {
  // Voided offences are recorded as the list of their ids, not as before and after.
  if (field === VOID && Array.isArray(change)) {
    return t('amendments.voided', { count: change.length, n: formatNumber(change.length) });
  }
  // An offence's vehicle confirmed as recorded after the DVLA's record differed.
  if (field === 'vehicle_check') return t('vehicles.amendment.confirmed');
  const [before, after] = Array.isArray(change) ? change : [undefined, change];
  return t('amendments.change', { field: fieldLabel(field), before: describe(before), after: describe(after) });
}

// The schema leaves `changes` untyped: it is an object of [before, after] for each field.
function changesOf(amendment: Amendment): [string, unknown][] {
  const changes = amendment.changes;
  return changes && typeof changes === 'object' ? Object.entries(changes) : [];
}

function describeOffence(offence: Offence): string {
  return t('amendments.offence', {
    registration: formatRegistration(offence.registration),
    speed: offence.speed_mph,
    time: formatTime(offence.observed_at),
  });
}

function describe(value: unknown): string {
  return value === '' || value === null || value === undefined ? t('amendments.blank') : String(value);
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
      <h2 id="amendments-heading">{t('amendments.heading')}</h2>
      {list.loading ? (
        <Loading what={t('amendments.noun')} />
      ) : list.items.length === 0 ? (
        <p>{t('amendments.none')}</p>
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
                {amendment.actor_name && t('amendments.by', { name: amendment.actor_name })}.{' '}
                {t('historyList.reason', { reason: amendment.reason })}
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
    ...Object.keys(FIELD_LABELS).map((choice) => ({ value: choice, label: fieldLabel(choice) })),
    ...(offences.length ? [{ value: VOID, label: t('amendments.voidChoice') }] : []),
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
        said = t('amendments.recordedVoid');
        if (offences.length <= 1) setField('vehicles_counted');
      } else {
        const newValue = field === 'vehicles_counted' && /^\d+$/.test(value.trim()) ? Number(value) : value.trim();
        await api.amendSession(sessionId, reason.trim(), { [field]: newValue });
        said = t('amendments.recorded', {
          field: fieldLabel(field).toLocaleLowerCase(languageTag()),
          value: describe(newValue),
        });
      }
      setValue('');
      setOffenceId('');
      setReason('');
      onAmended();
      return said;
    });

  return (
    <details class="amend">
      <summary>{t('amendments.correct')}</summary>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          // Enter in a field records a correction, but never voids an offence: that asks first.
          if (!voiding) record();
        }}
      >
        <p class="field-hint">{t('amendments.hint')}</p>
        <ErrorAlert messages={submission.otherErrors(['reason', 'changes', `changes.${field}`])} />
        <SelectField label={t('amendments.what')} value={field} onValue={setField} choices={choices} />
        {field === VOID ? (
          <SelectField
            label={t('amendments.offenceLabel')}
            hint={t('amendments.offenceHint')}
            value={offenceId}
            onValue={(value) => {
              setOffenceId(value);
              if (value) clearFieldErrors(submission, `changes.${VOID}`, 'changes');
            }}
            placeholder={t('amendments.chooseOffence')}
            choices={offences.map((offence) => ({
              value: offence.id,
              label: describeOffence(offence),
            }))}
            errors={submission.fieldErrors(`changes.${VOID}`) ?? submission.fieldErrors('changes')}
          />
        ) : (
          <TextField
            label={t('amendments.newValue')}
            inputMode={field === 'vehicles_counted' ? 'numeric' : undefined}
            value={value}
            onValue={setValue}
            errors={submission.fieldErrors(`changes.${field}`) ?? submission.fieldErrors('changes')}
          />
        )}
        <TextAreaField
          label={t('amendments.reason')}
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
            label={t('amendments.void')}
            question={t('amendments.voidQuestion', {
              offence: chosenOffence ? describeOffence(chosenOffence) : t('amendments.thisOffence'),
            })}
            confirmLabel={t('amendments.voidConfirm')}
            danger
            result={submission.result}
            onAsk={async () => {
              const problems: Record<string, string[]> = {};
              if (!offenceId) problems[`changes.${VOID}`] = [t('amendments.chooseVoided')];
              if (!reason.trim()) problems.reason = [t('amendments.sayWhy')];
              if (!Object.keys(problems).length) return true;
              await submission.run(async () => {
                throw new ApiError(400, problems, []);
              });
              return false;
            }}
            onConfirm={record}
          />
        ) : (
          <SubmitButton busy={submission.busy} busyText={t('amendments.saving')}>
            {t('amendments.record')}
          </SubmitButton>
        )}
        <ActionResult result={submission.result} />
      </form>
    </details>
  );
}
