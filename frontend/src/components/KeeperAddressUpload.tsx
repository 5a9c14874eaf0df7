// The letters CSV back from the force's keeper lookup: each filled-in row's name and address
// is stored against its letter, which the PDF and the CSV then carry.

import { useState } from 'preact/hooks';
import { api } from '../api';
import { formatNumber } from '../format';
import { useSubmission } from '../hooks';
import { t } from '../i18n';
import { ActionResult } from './ActionResult';
import { ErrorAlert } from './FormField';

// The server's names for a row's fields, in the words of the file's columns.
const COLUMN_NAMES: Record<string, () => string> = {
  reference: () => t('keeperUpload.column.reference'),
  registration: () => t('keeperUpload.column.registration'),
  name: () => t('keeperUpload.column.name'),
  address_lines: () => t('keeperUpload.column.address_lines'),
  postcode: () => t('keeperUpload.column.postcode'),
};

/** "row 3.postcode" → "Row 3, postcode: …": every refused row of the file, by its number. */
function rowMessages(fields: Record<string, string[]>): string[] {
  return Object.entries(fields).flatMap(([field, messages]) => {
    const [, row, column] = /^addresses\.row (\d+)\.?(.*)$/.exec(field) ?? [];
    if (!row) return messages;
    const name = column.replace(/\.\d+$/, '');
    const where = name
      ? t('keeperUpload.rowColumn', { row, column: COLUMN_NAMES[name]?.() ?? name.replace(/_/g, ' ') })
      : t('keeperUpload.row', { row });
    return messages.map((message) => t('keeperUpload.rowMessage', { where, message }));
  });
}

export function KeeperAddressUpload({ onStored }: { onStored?: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const submission = useSubmission();
  return (
    <form
      class="keeper-upload"
      aria-labelledby="keeper-upload-heading"
      onSubmit={(event) => {
        event.preventDefault();
        const form = event.currentTarget as HTMLFormElement;
        void submission.run(async () => {
          if (!file) throw new Error(t('keeperUpload.chooseFirst'));
          // Chosen again for the next try: a file corrected and saved under the same name is
          // then read afresh, not the copy the browser took when it was first chosen.
          setFile(null);
          form.reset();
          const result = await api.uploadKeeperAddresses(file);
          onStored?.();
          return t('keeperUpload.stored', {
            letters: t('keeperUpload.letters', { count: result.stored, n: formatNumber(result.stored) }),
            days: t('keeperUpload.days', { count: result.kept_days, n: formatNumber(result.kept_days) }),
          });
        });
      }}
    >
      <h3 id="keeper-upload-heading">{t('keeperUpload.heading')}</h3>
      <p>{t('keeperUpload.intro')}</p>
      <label class="field__label" for="keeper-file">
        {t('keeperUpload.fileLabel')}
      </label>
      <input
        id="keeper-file"
        class="field__input"
        type="file"
        accept=".csv,text/csv"
        onChange={(event) => setFile((event.currentTarget as HTMLInputElement).files?.[0] ?? null)}
      />
      <ErrorAlert messages={submission.error ? rowMessages({ ...submission.error.fields, '': submission.error.general }) : []} />
      <ActionResult result={submission.result} />
      <button type="submit" class="button button--secondary" aria-disabled={submission.busy ? 'true' : undefined}>
        {submission.busy ? t('keeperUpload.uploading') : t('keeperUpload.upload')}
      </button>
    </form>
  );
}
