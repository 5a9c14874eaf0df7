// An update to a published alert: it goes to the same people, marked "Update", and the
// original is marked as replaced. Or its cancellation, with the reason. Both open in place
// of the buttons that opened them; what was sent is said there once they close.

import { useEffect, useState } from 'preact/hooks';
import { adviceOf, type AlertAdvice } from '../alertGuidance';
import { useDismiss } from '../dismiss';
import { api, ApiError } from '../api';
import { fromLocalInput, SEVERITIES, SEVERITY_HINTS, toLocalInput, URGENCIES, URGENCY_HINTS } from '../format';
import { useSubmission } from '../hooks';
import type { Alert, AlertChanges, Severity, Urgency } from '../api/schemas';
import { ErrorAlert, SelectField, SubmitButton, TextAreaField, TextField } from './FormField';

const SHOWN = ['title', 'body', 'instruction', 'severity', 'urgency', 'expires_at'] as const;

/** `onDone` is told what was sent, once it is, to say so in place of the form. */
export function AlertUpdateForm({
  alert,
  onClose,
  onDone,
}: {
  alert: Alert;
  onClose: () => void;
  onDone: (message: string) => Promise<void>;
}) {
  const submission = useSubmission();
  // Escape closes the form as Cancel does, and focus goes back to the button that opened it.
  const { ref: formRef, close, onKeyDown } = useDismiss<HTMLFormElement>(onClose);
  const originalExpiry = toLocalInput(new Date(alert.expires_at));
  const [title, setTitle] = useState(alert.title);
  const [body, setBody] = useState(alert.body);
  const originalInstruction = adviceOf(alert).instruction ?? '';
  const [instruction, setInstruction] = useState(originalInstruction);
  const [severity, setSeverity] = useState<string>(alert.severity);
  const [urgency, setUrgency] = useState<string>(alert.urgency);
  const [expires, setExpires] = useState(originalExpiry);

  useEffect(() => {
    formRef.current?.querySelector<HTMLElement>('input, textarea')?.focus();
  }, []);

  const onSubmit = (event: Event) => {
    event.preventDefault();
    submission.run(async () => {
      const changes: AlertChanges & Partial<Pick<AlertAdvice, 'instruction'>> = {};
      const problems: Record<string, string[]> = {};
      if (!title.trim()) problems.title = ['Give the update a title.'];
      if (!body.trim()) problems.body = ['Say what has changed.'];
      if (title.trim() !== alert.title) changes.title = title.trim();
      if (body.trim() !== alert.body) changes.body = body.trim();
      // Emptied, the instructions stay as they were: an update always says what to do.
      if (instruction.trim() && instruction.trim() !== originalInstruction) changes.instruction = instruction.trim();
      if (severity !== alert.severity) changes.severity = severity as Severity;
      if (urgency !== alert.urgency) changes.urgency = urgency as Urgency;
      if (expires !== originalExpiry) {
        const moment = fromLocalInput(expires);
        if (!moment) problems.expires_at = ['Give a date and time.'];
        else if (moment.getTime() <= Date.now()) problems.expires_at = ['The expiry must be in the future.'];
        else changes.expires_at = moment.toISOString();
      }
      if (!Object.keys(problems).length && !Object.keys(changes).length) {
        problems.body = ['Change something before publishing the update.'];
      }
      if (Object.keys(problems).length) throw new ApiError(400, problems, []);
      await api.updateAlert(alert.id, changes);
      await onDone('Update published to everyone who had the alert.');
    });
  };

  return (
    <form ref={formRef} class="panel" onSubmit={onSubmit} onKeyDown={onKeyDown} noValidate aria-labelledby="update-heading">
      <h3 id="update-heading">Update this alert</h3>
      <p>Everyone who had the alert gets the update, marked as such.</p>
      <ErrorAlert messages={submission.otherErrors(SHOWN)} />
      <TextField label="Title" required maxLength={120} value={title} onValue={setTitle} errors={submission.fieldErrors('title')} />
      <TextAreaField
        label="Message"
        hint="Say what has changed."
        required
        rows={5}
        maxLength={4000}
        value={body}
        onValue={setBody}
        errors={submission.fieldErrors('body')}
      />
      <TextAreaField
        label="Instructions"
        hint="What people should do now, if that has changed."
        rows={3}
        maxLength={1000}
        value={instruction}
        onValue={setInstruction}
        errors={submission.fieldErrors('instruction')}
      />
      <SelectField
        label="Severity"
        value={severity}
        onValue={setSeverity}
        choices={SEVERITIES.map((value) => ({ value, label: `${value}: ${SEVERITY_HINTS[value]}` }))}
        errors={submission.fieldErrors('severity')}
      />
      <SelectField
        label="Urgency"
        value={urgency}
        onValue={setUrgency}
        choices={URGENCIES.map((value) => ({ value, label: `${value}: ${URGENCY_HINTS[value]}` }))}
        errors={submission.fieldErrors('urgency')}
      />
      <TextField
        label="Expires"
        type="datetime-local"
        value={expires}
        onValue={setExpires}
        errors={submission.fieldErrors('expires_at')}
      />
      <div class="button-row">
        <SubmitButton busy={submission.busy} busyText="Publishing…">
          Publish update
        </SubmitButton>
        <button type="button" class="button button--secondary" onClick={close}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function AlertCancelForm({
  alert,
  onClose,
  onDone,
}: {
  alert: Alert;
  onClose: () => void;
  onDone: (message: string) => Promise<void>;
}) {
  const submission = useSubmission();
  const [reason, setReason] = useState('');
  const { ref: formRef, close, onKeyDown } = useDismiss<HTMLFormElement>(onClose);

  useEffect(() => {
    formRef.current?.querySelector<HTMLElement>('textarea')?.focus();
  }, []);

  const onSubmit = (event: Event) => {
    event.preventDefault();
    submission.run(async () => {
      if (!reason.trim()) throw new ApiError(400, { body: ['Say why the alert is cancelled.'] }, []);
      await api.cancelAlert(alert.id, { body: reason.trim() });
      await onDone('Alert cancelled. Everyone who had it is told why.');
    });
  };

  return (
    <form ref={formRef} class="panel panel--danger" onSubmit={onSubmit} onKeyDown={onKeyDown} noValidate aria-labelledby="cancel-heading">
      <h3 id="cancel-heading">Cancel this alert</h3>
      <ErrorAlert messages={submission.otherErrors(['body'])} />
      <TextAreaField
        label="Reason"
        hint="Sent to everyone who had the alert, for example: The callers were genuine water board staff."
        rows={3}
        maxLength={4000}
        value={reason}
        onValue={setReason}
        errors={submission.fieldErrors('body')}
      />
      {/* Keeping the alert comes first: the destructive button is never the first. */}
      <div class="button-row">
        <button type="button" class="button button--secondary" onClick={close}>
          Keep it
        </button>
        <SubmitButton busy={submission.busy} busyText="Cancelling…" class="button button--danger">
          Cancel the alert
        </SubmitButton>
      </div>
    </form>
  );
}
