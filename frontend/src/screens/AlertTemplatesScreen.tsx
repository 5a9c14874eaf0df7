// "/alerts/templates" — a force's alert templates: its liaisons write, change and delete them;
// coordinators of its schemes read them here and use them when composing. Words in braces
// ({place}, {date}...) are placeholders the sender fills in; the list of them is shown.

import { useEffect, useState } from 'preact/hooks';
import { ApiError, approvalApi } from '../api';
import { otherLanguage } from '../alertText';
import { BackLink } from '../components/BackLink';
import { ConfirmAction } from '../components/ConfirmAction';
import { EmptyState } from '../components/EmptyState';
import { ErrorAlert, SelectField, TextAreaField, TextField } from '../components/FormField';
import { Loading } from '../components/Loading';
import { RequireSignIn } from '../components/RequireSignIn';
import { CATEGORY_LABELS, SEVERITIES, SEVERITY_LABELS } from '../format';
import { asApiError, clearFieldErrors, useSubmission, useTitle } from '../hooks';
import { LANGUAGE_NAMES, languageTag, t, type Language } from '../i18n';
import { usePlaceholderGuide } from '../approval';
import { useSession } from '../session';
import type { AlertCategory, AlertTemplate, AlertTemplateInput, Me, Severity } from '../api/schemas';

export function AlertTemplatesScreen() {
  const title = t('approval.templates.title');
  useTitle(title);
  return (
    <>
      <BackLink href="/alerts/issued" label={t('inbox.forceAlerts')} />
      <h1 tabIndex={-1}>{title}</h1>
      <RequireSignIn>{(me) => <Templates me={me} />}</RequireSignIn>
    </>
  );
}

function Templates({ me }: { me: Me }) {
  const { announce } = useSession();
  const [templates, setTemplates] = useState<AlertTemplate[] | null>(null);
  const [error, setError] = useState<string[]>([]);
  // The template being written: a new one, one being changed, or none.
  const [editing, setEditing] = useState<AlertTemplate | 'new' | null>(null);
  const guide = usePlaceholderGuide(true);
  const load = () =>
    approvalApi.templates({}).then(
      (page) => setTemplates(page.results),
      (problem) => setError([asApiError(problem).message]),
    );
  useEffect(() => {
    void load();
  }, [me.id]);
  if (!me.actions.issue_alerts) return <p>{t('approval.templates.notAnIssuer')}</p>;
  if (!templates) return error.length ? <ErrorAlert messages={error} /> : <Loading />;
  const keeper = me.actions.keep_alert_templates;
  return (
    <>
      <p>{keeper ? t('approval.templates.introLiaison') : t('approval.templates.introCoordinator')}</p>
      <section aria-labelledby="placeholders-heading">
        <h2 id="placeholders-heading">{t('approval.templates.placeholders')}</h2>
        <ul>
          {guide.map((item) => (
            <li key={item.placeholder}>
              <code>{item.placeholder}</code>: {item.meaning}
            </li>
          ))}
        </ul>
      </section>
      <ErrorAlert messages={error} />
      {keeper && editing === null && (
        <p>
          <button type="button" class="button button--primary button--wide" onClick={() => setEditing('new')}>
            {t('approval.templates.add')}
          </button>
        </p>
      )}
      {editing !== null && (
        <TemplateForm
          template={editing === 'new' ? null : editing}
          onDone={async (saved) => {
            setEditing(null);
            if (saved) {
              await load();
              announce(t('approval.templates.saved', { name: saved }));
            }
          }}
        />
      )}
      <h2>{t('approval.templates.listHeading')}</h2>
      {templates.length === 0 ? (
        <EmptyState>{t('approval.templates.empty')}</EmptyState>
      ) : (
        templates.map((template) => (
          <article class="card" key={template.id} aria-labelledby={`template-${template.id}`}>
            <h3 class="card__title" id={`template-${template.id}`}>
              {template.name}
            </h3>
            <p class="card__meta">
              {CATEGORY_LABELS[template.category]} · {SEVERITY_LABELS[template.severity]}
            </p>
            <p lang={languageTag(template.language as Language)}>
              <strong>{template.title}</strong>
            </p>
            <p lang={languageTag(template.language as Language)}>{template.body}</p>
            {template.can_change && editing === null && (
              <div class="button-row">
                <button type="button" class="button button--secondary" onClick={() => setEditing(template)}>
                  {t('approval.templates.change')}
                </button>
                <ConfirmAction
                  label={t('approval.templates.delete')}
                  danger
                  question={t('approval.templates.deleteQuestion', { name: template.name })}
                  confirmLabel={t('approval.templates.deleteYes')}
                  onConfirm={async () => {
                    setError([]);
                    try {
                      await approvalApi.deleteTemplate(template.id);
                    } catch (problem) {
                      setError([asApiError(problem).message]);
                      return;
                    }
                    setTemplates((old) => (old ?? []).filter((item) => item.id !== template.id));
                    announce(t('approval.templates.deleted', { name: template.name }));
                  }}
                />
              </div>
            )}
          </article>
        ))
      )}
    </>
  );
}

const SHOWN = ['name', 'language', 'title', 'body', 'instruction', 'category', 'severity', 'translation', 'translation.title', 'translation.body', 'translation.instruction'];

function TemplateForm({ template, onDone }: { template: AlertTemplate | null; onDone: (saved: string | null) => void }) {
  const submission = useSubmission();
  const [name, setName] = useState(template?.name ?? '');
  const [language, setLanguage] = useState<Language>((template?.language as Language) ?? 'en');
  const [title, setTitle] = useState(template?.title ?? '');
  const [body, setBody] = useState(template?.body ?? '');
  const [instruction, setInstruction] = useState(template?.instruction ?? '');
  const [otherTitle, setOtherTitle] = useState(template?.translation?.title ?? '');
  const [otherBody, setOtherBody] = useState(template?.translation?.body ?? '');
  const [otherInstruction, setOtherInstruction] = useState(template?.translation?.instruction ?? '');
  const [category, setCategory] = useState<string>(template?.category ?? '');
  const [severity, setSeverity] = useState<string>(template?.severity ?? '');
  const other = otherLanguage(language);
  const errorsFor = submission.fieldErrors;
  const clear = (...fields: string[]) => clearFieldErrors(submission, ...fields);

  const save = () =>
    submission.run(async () => {
      const problems: Record<string, string[]> = {};
      if (!name.trim()) problems.name = [t('approval.templates.problem.name')];
      if (!title.trim()) problems.title = [t('composeAlert.problem.title')];
      if (!body.trim()) problems.body = [t('composeAlert.problem.body')];
      if (!category) problems.category = [t('composeAlert.problem.category')];
      if (!severity) problems.severity = [t('composeAlert.problem.severity')];
      const translated = !!(otherTitle.trim() || otherBody.trim());
      if (translated && !(otherTitle.trim() && otherBody.trim())) {
        problems.translation = [t('approval.templates.problem.translation')];
      }
      if (Object.keys(problems).length) throw new ApiError(400, problems, []);
      const input: AlertTemplateInput = {
        name: name.trim(),
        language,
        title: title.trim(),
        body: body.trim(),
        instruction: instruction.trim(),
        category: category as AlertCategory,
        severity: severity as Severity,
        translation: translated
          ? { title: otherTitle.trim(), body: otherBody.trim(), instruction: otherInstruction.trim() }
          : null,
      };
      const saved = template ? await approvalApi.changeTemplate(template.id, input) : await approvalApi.addTemplate(input);
      onDone(saved.name);
    });

  return (
    <form
      class="template-form"
      noValidate
      aria-label={template ? t('approval.templates.changeHeading', { name: template.name }) : t('approval.templates.add')}
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <h2>{template ? t('approval.templates.changeHeading', { name: template.name }) : t('approval.templates.add')}</h2>
      <ErrorAlert messages={submission.otherErrors(SHOWN)} />
      <TextField
        label={t('approval.templates.name')}
        hint={t('approval.templates.nameHint')}
        maxLength={100}
        value={name}
        onValue={(value) => {
          setName(value);
          clear('name');
        }}
        errors={errorsFor('name')}
      />
      <SelectField
        label={t('approval.templates.writtenIn')}
        value={language}
        onValue={(value) => setLanguage(value as Language)}
        choices={(['en', 'cy'] as Language[]).map((lang) => ({ value: lang, label: LANGUAGE_NAMES[lang] }))}
        errors={errorsFor('language')}
      />
      <TextField
        label={t('composeAlert.title')}
        lang={languageTag(language)}
        maxLength={120}
        value={title}
        onValue={(value) => {
          setTitle(value);
          clear('title');
        }}
        errors={errorsFor('title')}
      />
      <TextAreaField
        label={t('composeAlert.message')}
        hint={t('approval.templates.messageHint')}
        lang={languageTag(language)}
        rows={5}
        maxLength={4000}
        value={body}
        onValue={(value) => {
          setBody(value);
          clear('body');
        }}
        errors={errorsFor('body')}
      />
      <TextAreaField
        label={t('composeAlert.instructions')}
        lang={languageTag(language)}
        rows={3}
        maxLength={1000}
        value={instruction}
        onValue={(value) => {
          setInstruction(value);
          clear('instruction');
        }}
        errors={errorsFor('instruction')}
      />
      <fieldset>
        <legend>{t('approval.templates.otherLanguage', { language: LANGUAGE_NAMES[other] })}</legend>
        <p class="field-hint">{t('approval.templates.otherLanguageHint')}</p>
        {errorsFor('translation') && <ErrorAlert messages={errorsFor('translation') ?? []} />}
        <TextField
          label={t('composeAlert.title')}
          lang={languageTag(other)}
          maxLength={120}
          value={otherTitle}
          onValue={(value) => {
            setOtherTitle(value);
            clear('translation', 'translation.title');
          }}
          errors={errorsFor('translation.title')}
        />
        <TextAreaField
          label={t('composeAlert.message')}
          lang={languageTag(other)}
          rows={4}
          maxLength={4000}
          value={otherBody}
          onValue={(value) => {
            setOtherBody(value);
            clear('translation', 'translation.body');
          }}
          errors={errorsFor('translation.body')}
        />
        <TextAreaField
          label={t('composeAlert.instructions')}
          lang={languageTag(other)}
          rows={3}
          maxLength={1000}
          value={otherInstruction}
          onValue={(value) => {
            setOtherInstruction(value);
            clear('translation.instruction');
          }}
          errors={errorsFor('translation.instruction')}
        />
      </fieldset>
      <SelectField
        label={t('alert.category')}
        value={category}
        onValue={(value) => {
          setCategory(value);
          clear('category');
        }}
        placeholder={t('composeAlert.chooseCategory')}
        choices={(Object.keys(CATEGORY_LABELS) as AlertCategory[]).map((value) => ({ value, label: CATEGORY_LABELS[value] }))}
        errors={errorsFor('category')}
      />
      <SelectField
        label={t('alert.severity')}
        value={severity}
        onValue={(value) => {
          setSeverity(value);
          clear('severity');
        }}
        placeholder={t('approval.templates.chooseSeverity')}
        choices={SEVERITIES.map((value) => ({ value, label: SEVERITY_LABELS[value] }))}
        errors={errorsFor('severity')}
      />
      <div class="button-row">
        <button type="button" class="button button--secondary" onClick={() => onDone(null)}>
          {t('common.cancel')}
        </button>
        <button type="submit" class="button button--primary" aria-disabled={submission.busy ? 'true' : undefined}>
          {t('approval.templates.save')}
        </button>
      </div>
    </form>
  );
}
