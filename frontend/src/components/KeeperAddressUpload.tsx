// The letters CSV back from the force's keeper lookup: each filled-in row's name and address
// is stored against its letter, which the PDF and the CSV then carry.

import { useState } from 'preact/hooks';
import { api } from '../api';
import { plural } from '../format';
import { useSubmission } from '../hooks';
import { ActionResult } from './ActionResult';
import { ErrorAlert } from './FormField';

/** "row 3.postcode" → "Row 3, postcode: …": every refused row of the file, by its number. */
function rowMessages(fields: Record<string, string[]>): string[] {
  return Object.entries(fields).flatMap(([field, messages]) => {
    const [, row, column] = /^addresses\.row (\d+)\.?(.*)$/.exec(field) ?? [];
    if (!row) return messages;
    const where = column ? `Row ${row}, ${column.replace(/\.\d+$/, '').replace(/_/g, ' ')}` : `Row ${row}`;
    return messages.map((message) => `${where}: ${message}`);
  });
}

export function KeeperAddressUpload() {
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
          if (!file) throw new Error('Choose the letters CSV with the keepers’ names and addresses filled in.');
          // Chosen again for the next try: a file corrected and saved under the same name is
          // then read afresh, not the copy the browser took when it was first chosen.
          setFile(null);
          form.reset();
          const result = await api.uploadKeeperAddresses(file);
          return `Keepers’ names and addresses stored for ${plural(result.stored, 'letter')}, and kept for ${plural(result.kept_days, 'day')}: the PDF and the CSV now carry them.`;
        });
      }}
    >
      <h3 id="keeper-upload-heading">Add the keepers’ names and addresses</h3>
      <p>
        Fill in the keeper columns of the CSV from your lookup and upload it here: those letters are then addressed to
        the keeper by name. Rows left blank stay addressed to the registered keeper.
        The names and addresses are deleted once the letters have had time to go out.
      </p>
      <label class="field__label" for="keeper-file">
        Letters CSV with keepers filled in
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
        {submission.busy ? 'Uploading…' : 'Upload addresses'}
      </button>
    </form>
  );
}
