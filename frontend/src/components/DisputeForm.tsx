// A liaison records what came of a keeper's dispute: upheld voids the offence (and the
// vehicle's later letters are worked out again without it), rejected lets it stand.

import { useState } from 'preact/hooks';
import { api } from '../api';
import { DISPUTE_LABELS, formatRegistration } from '../format';
import { useSubmission } from '../hooks';
import type { DisputeOutcome, Offence } from '../api/schemas';
import { ActionResult } from './ActionResult';
import { ErrorAlert, SelectField, SubmitButton, TextAreaField } from './FormField';
import { t } from '../i18n';

// Read when the form is drawn, so that they are in the language of the moment.
const OUTCOME_CHOICES = () =>
  (['pending', 'upheld', 'rejected'] as const).map((outcome) => ({
    value: outcome,
    label: DISPUTE_LABELS[outcome],
  }));

export function DisputeForm({ offence, onSettled }: { offence: Offence; onSettled: (offence: Offence) => void }) {
  const submission = useSubmission();
  const current = offence.dispute_outcome && offence.dispute_outcome !== 'none' ? offence.dispute_outcome : 'pending';
  const [outcome, setOutcome] = useState<string>(current);
  const [note, setNote] = useState(offence.dispute_note ?? '');

  return (
    <details class="dispute">
      <summary>{t('disputeForm.summary')}</summary>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          submission.run(async () => {
            const settled = await api.settleDispute(offence.id, outcome as Exclude<DisputeOutcome, 'none'>, note.trim());
            onSettled(settled);
            return t('disputeForm.recorded', {
              registration: formatRegistration(offence.registration),
              outcome: DISPUTE_LABELS[settled.dispute_outcome ?? 'none'].toLowerCase(),
            });
          });
        }}
      >
        <ErrorAlert messages={submission.otherErrors(['outcome', 'note'])} />
        <SelectField
          label={t('disputeForm.outcome')}
          value={outcome}
          onValue={setOutcome}
          choices={OUTCOME_CHOICES()}
          errors={submission.fieldErrors('outcome')}
        />
        <TextAreaField
          label={t('disputeForm.note')}
          hint={t('disputeForm.noteHint')}
          rows={3}
          maxLength={1000}
          value={note}
          onValue={setNote}
          errors={submission.fieldErrors('note')}
        />
        <SubmitButton busy={submission.busy} busyText={t('disputeForm.saving')}>
          {t('disputeForm.submit')}
        </SubmitButton>
        <ActionResult result={submission.result} />
      </form>
    </details>
  );
}
