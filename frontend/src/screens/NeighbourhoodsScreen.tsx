// "/neighbourhoods" — a liaison (or staff) uploads their force's policing neighbourhood
// boundaries, sees every bad feature of a refused file by its line, and the current set with
// the active schemes in each.

import { useEffect, useState } from 'preact/hooks';
import { api, areasApi } from '../api';
import { ActionResult } from '../components/ActionResult';
import { ErrorAlert, SelectField } from '../components/FormField';
import { Loading } from '../components/Loading';
import { RequireSignIn } from '../components/RequireSignIn';
import { formatNumber } from '../format';
import { useSubmission, useTitle } from '../hooks';
import { liaisonForce, type Force, type ForceCode, type Me, type Neighbourhood } from '../api/schemas';
import { t } from '../i18n';

export function NeighbourhoodsScreen() {
  useTitle(t('neighbourhoods.title'));
  return (
    <>
      <h1 tabIndex={-1}>{t('neighbourhoods.title')}</h1>
      <p>{t('neighbourhoods.intro')}</p>
      <RequireSignIn>{(me) => <Neighbourhoods me={me} />}</RequireSignIn>
    </>
  );
}

function Neighbourhoods({ me }: { me: Me }) {
  const own = liaisonForce(me);
  const [forces, setForces] = useState<Force[]>([]);
  const [force, setForce] = useState<string>(own ?? '');
  const [file, setFile] = useState<File | null>(null);
  const [set, setSet] = useState<Neighbourhood[] | null>(null);
  const [loaded, setLoaded] = useState(0);
  const submission = useSubmission();

  // Staff choose the force; a liaison's is their own.
  useEffect(() => {
    if (own) return;
    void api.forces().then((page) => {
      setForces(page.results);
      setForce((chosen) => chosen || page.results[0]?.code || '');
    });
  }, [own]);

  useEffect(() => {
    if (!force) return;
    const abort = new AbortController();
    setSet(null);
    areasApi
      .neighbourhoods({ force: force as ForceCode }, abort.signal)
      .then((page) => setSet(page.results))
      .catch(() => {
        if (!abort.signal.aborted) setSet([]);
      });
    return () => abort.abort();
  }, [force, loaded]);

  const forceName = own ? (me.liaison?.force_name ?? '') : (forces.find((f) => f.code === force)?.name ?? force);
  return (
    <>
      <form
        class="neighbourhood-upload"
        onSubmit={(event) => {
          event.preventDefault();
          const form = event.currentTarget as HTMLFormElement;
          void submission.run(async () => {
            if (!file) throw new Error(t('neighbourhoods.chooseFirst'));
            setFile(null);
            form.reset();
            const result = await areasApi.importNeighbourhoods(file, own ? undefined : (force as ForceCode));
            setLoaded((count) => count + 1);
            return t('neighbourhoods.imported', {
              force: forceName,
              total: t('neighbourhoods.count', { count: result.neighbourhoods, n: formatNumber(result.neighbourhoods) }),
              added: formatNumber(result.added),
              changed: formatNumber(result.changed),
              removed: formatNumber(result.removed),
            });
          });
        }}
      >
        {!own && (
          <SelectField
            label={t('neighbourhoods.forceLabel')}
            value={force}
            onValue={setForce}
            choices={forces.map((f) => ({ value: f.code, label: f.name }))}
            errors={submission.fieldErrors('force')}
          />
        )}
        <label class="field__label" for="neighbourhood-file">
          {t('neighbourhoods.fileLabel')}
        </label>
        <input
          id="neighbourhood-file"
          class="field__input"
          type="file"
          accept=".geojson,.json,.kml,application/geo+json,application/vnd.google-earth.kml+xml"
          onChange={(event) => setFile((event.currentTarget as HTMLInputElement).files?.[0] ?? null)}
        />
        {submission.error && (
          <ErrorAlert
            title={submission.error.fields.file ? t('neighbourhoods.problems') : undefined}
            messages={[...(submission.error.fields.file ?? []), ...submission.error.otherMessages(['file', 'force'])]}
          />
        )}
        <ActionResult result={submission.result} />
        <button type="submit" class="button button--primary" aria-disabled={submission.busy ? 'true' : undefined}>
          {submission.busy ? t('neighbourhoods.uploading') : t('neighbourhoods.upload')}
        </button>
      </form>
      <section aria-labelledby="neighbourhood-set-heading">
        <h2 id="neighbourhood-set-heading">{t('neighbourhoods.current')}</h2>
        {set === null ? (
          <Loading />
        ) : set.length === 0 ? (
          <p>{t('neighbourhoods.none')}</p>
        ) : (
          <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col">{t('neighbourhoods.columnName')}</th>
                <th scope="col">{t('neighbourhoods.columnRef')}</th>
                <th scope="col">{t('neighbourhoods.columnSchemes')}</th>
              </tr>
            </thead>
            <tbody>
              {set.map((neighbourhood) => (
                <tr key={neighbourhood.id}>
                  <th scope="row">
                    <a href={`/?neighbourhood=${neighbourhood.id}`}>{neighbourhood.name}</a>
                  </th>
                  <td>{neighbourhood.ref}</td>
                  <td>{formatNumber(neighbourhood.active_schemes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          </div>
        )}
      </section>
    </>
  );
}
