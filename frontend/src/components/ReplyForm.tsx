// A recipient answers an alert ("I saw the van on Hooper Street at ten"); the reply goes to
// whoever sent it and the force's liaisons, not to the other recipients.

import { useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { useSubmission } from '../hooks';
import { ActionResult } from './ActionResult';
import { ErrorAlert, SubmitButton, TextAreaField } from './FormField';
import { t } from '../i18n';

export function ReplyForm({ alertId, onSent }: { alertId: number; onSent?: () => void }) {
  const submission = useSubmission();
  const [body, setBody] = useState('');
  const [sent, setSent] = useState(0);

  const onSubmit = (event: Event) => {
    event.preventDefault();
    submission.run(async () => {
      const text = body.trim();
      if (!text) throw new ApiError(400, { body: [t('replyForm.empty')] }, []);
      await api.reply(alertId, text);
      setBody('');
      setSent((count) => count + 1);
      onSent?.();
      return t('replyForm.sent');
    });
  };

  return (
    <form onSubmit={onSubmit} noValidate>
      <ErrorAlert messages={submission.otherErrors(['body'])} />
      <TextAreaField
        label={t('replyForm.label')}
        hint={t('replyForm.hint')}
        rows={3}
        maxLength={2000}
        value={body}
        onValue={(value) => {
          setBody(value);
          if (value.trim() && submission.fieldErrors('body')) submission.setError(null);
        }}
        errors={submission.fieldErrors('body')}
      />
      <SubmitButton busy={submission.busy} busyText={t('replyForm.sending')}>
        {sent ? t('replyForm.sendAnother') : t('replyForm.send')}
      </SubmitButton>
      <ActionResult result={submission.result} />
    </form>
  );
}
