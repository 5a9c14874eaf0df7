// Composing from one of the force's templates: a list of them and a button that fills the
// form with the chosen one's words, category and severity. Shown only to those with
// templates to use (the force's liaisons and the coordinators of its schemes).

import { useEffect, useState } from 'preact/hooks';
import { approvalApi } from '../api';
import type { AlertTemplate } from '../api/schemas';
import { t } from '../i18n';
import { SelectField } from './FormField';

export function TemplatePicker({ onApply }: { onApply: (template: AlertTemplate) => void }) {
  const [templates, setTemplates] = useState<AlertTemplate[]>([]);
  const [chosen, setChosen] = useState('');
  const [applied, setApplied] = useState('');
  useEffect(() => {
    const abort = new AbortController();
    approvalApi.templates({}, abort.signal).then(
      (page) => !abort.signal.aborted && setTemplates(page.results),
      // Without templates the form is filled in by hand, as ever.
      () => undefined,
    );
    return () => abort.abort();
  }, []);
  if (!templates.length) return null;
  const template = templates.find((item) => String(item.id) === chosen);
  return (
    <section class="template-picker" aria-labelledby="template-picker-heading">
      <h2 id="template-picker-heading">{t('approval.picker.heading')}</h2>
      <SelectField
        label={t('approval.picker.label')}
        hint={t('approval.picker.hint')}
        value={chosen}
        onValue={(value) => {
          setChosen(value);
          setApplied('');
        }}
        placeholder={t('approval.picker.none')}
        choices={templates.map((item) => ({ value: String(item.id), label: item.name }))}
      />
      <p class="button-row">
        <button
          type="button"
          class="button button--secondary"
          aria-disabled={template ? undefined : 'true'}
          onClick={() => {
            if (!template) return;
            onApply(template);
            setApplied(template.name);
          }}
        >
          {t('approval.picker.use')}
        </button>
      </p>
      <p role="status" class="field-hint">
        {applied && t('approval.picker.applied', { name: applied })}
      </p>
    </section>
  );
}
