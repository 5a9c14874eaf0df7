// "/schemes/:id/edit" — coordinators and liaisons change a scheme's details.

import { useEffect, useState } from 'preact/hooks';
import { api, type ApiError } from '../api';
import { ErrorAlert } from '../components/FormField';
import { Loading } from '../components/Loading';
import { RequireSignIn } from '../components/RequireSignIn';
import { SchemeForm, toSchemeInput, type SchemeFormValues } from '../components/SchemeForm';
import { asApiError, useTitle } from '../hooks';
import { useSession } from '../session';
import type { Scheme, SchemeInput } from '../api/schemas';
import { t } from '../i18n';

export function EditSchemeScreen({ id }: { id: string }) {
  useTitle(t('editScheme.title'));
  return (
    <section class="narrow">
      <h1 tabIndex={-1}>{t('editScheme.title')}</h1>
      <RequireSignIn>{() => <EditLoader id={id} />}</RequireSignIn>
    </section>
  );
}

function valuesFrom(scheme: Scheme): SchemeFormValues {
  // Managers are sent the full contact details and the two "show publicly" choices.
  const extra = scheme as Scheme & Partial<Record<'contact_name' | 'contact_email' | 'contact_phone', string>>;
  return {
    name: scheme.name,
    kind: scheme.kind,
    force: scheme.force,
    description: scheme.description ?? '',
    point: scheme.lat !== null && scheme.lon !== null ? { lat: scheme.lat, lon: scheme.lon } : null,
    radius: scheme.radius_m ? String(scheme.radius_m) : '',
    contact_name: extra.contact_name ?? scheme.contact?.name ?? '',
    contact_email: extra.contact_email ?? scheme.contact?.email ?? '',
    contact_phone: extra.contact_phone ?? scheme.contact?.phone ?? '',
    show_contact_email: scheme.show_contact_email ?? !!scheme.contact?.email,
    show_contact_phone: scheme.show_contact_phone ?? !!scheme.contact?.phone,
  };
}

function EditLoader({ id }: { id: string }) {
  const { config, goWithMessage } = useSession();
  const [scheme, setScheme] = useState<Scheme | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    api.scheme(Number(id)).then(setScheme, (err) => setError(asApiError(err)));
  }, [id]);

  if (error) return <ErrorAlert messages={error.general.length ? error.general : [error.message]} />;
  if (!scheme || !config) return <Loading what={t('editScheme.loadingWhat')} />;
  if (!scheme.actions.edit) {
    return (
      <p>
        {t('editScheme.onlyCoordinators', { name: scheme.name })}{' '}
        <a href={`/schemes/${scheme.id}`}>{t('editScheme.backToScheme')}</a>
      </p>
    );
  }

  const initial = valuesFrom(scheme);
  return (
    <>
      <p>
        <a href={`/schemes/${scheme.id}`}>{t('editScheme.backTo', { name: scheme.name })}</a>
      </p>
      <SchemeForm
        config={config}
        initial={initial}
        submitLabel={t('editScheme.submit')}
        areaNote={
          scheme.boundary
            ? t('editScheme.boundaryNote')
            : undefined
        }
        onSubmit={async (values) => {
          // Only send what changed, so fields this form cannot show are left as they are.
          const before = toSchemeInput(initial);
          const after = toSchemeInput(values);
          const changes: Partial<SchemeInput> = {};
          for (const key of Object.keys(after) as (keyof SchemeInput)[]) {
            if (after[key] !== before[key]) (changes as Record<string, unknown>)[key] = after[key];
          }
          if ('lat' in changes || 'lon' in changes || 'radius_m' in changes) {
            changes.lat = after.lat;
            changes.lon = after.lon;
            changes.radius_m = after.radius_m;
          }
          if (Object.keys(changes).length) await api.updateScheme(scheme.id, changes);
          goWithMessage(`/schemes/${scheme.id}`, t('editScheme.saved'));
        }}
      />
    </>
  );
}
