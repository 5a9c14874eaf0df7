// Picks a scheme's centre (or, with other wording, a speedwatch site): tap the map, use
// the phone's location, or (with a keyboard) pan the map with the arrow keys and use its centre.

import L from 'leaflet';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Config } from '../session';
import { createMap } from './mapLayers';
import { locateMe } from '../geolocation';
import { t } from '../i18n';

export interface PickedPoint {
  lat: number;
  lon: number;
}

export interface PickerWording {
  legend: string;
  hint: string;
  mapLabel: string;
  /** "Centre chosen" or "Site chosen". */
  chosen: string;
  nothingChosen: string;
}

const areaWording = (): PickerWording => ({
  legend: t('scheme.area'),
  hint: t('areaPicker.hint'),
  mapLabel: t('areaPicker.mapLabel'),
  chosen: t('areaPicker.chosen'),
  nothingChosen: t('areaPicker.nothingChosen'),
});

export function AreaPicker({
  config,
  point,
  radius,
  onPick,
  errors,
  wording: givenWording,
  startAt,
}: {
  config: Config;
  point: PickedPoint | null;
  /** Metres; 0 draws the point alone. */
  radius: number;
  onPick: (point: PickedPoint) => void;
  errors?: string[];
  wording?: PickerWording;
  /** Where the map opens when nothing is chosen yet (a scheme's own area, say). */
  startAt?: { lat: number; lon: number; zoom: number } | null;
}) {
  const element = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const circle = useRef<L.Circle | null>(null);
  const centre = useRef<L.CircleMarker | null>(null);
  const wording = givenWording ?? areaWording();
  const pick = useRef(onPick);
  pick.current = onPick;
  const [locating, setLocating] = useState(false);
  const [locateError, setLocateError] = useState('');

  useEffect(() => {
    if (!element.current) return;
    const created = createMap(element.current, config);
    created.on('click', (event: L.LeafletMouseEvent) => {
      pick.current({ lat: round(event.latlng.lat), lon: round(event.latlng.lng) });
    });
    map.current = created;
    return () => {
      created.remove();
      map.current = null;
    };
  }, [config]);

  useEffect(() => {
    if (map.current && startAt && !point) map.current.setView([startAt.lat, startAt.lon], startAt.zoom, { animate: false });
  }, [startAt?.lat, startAt?.lon, startAt?.zoom]);

  useEffect(() => {
    if (!map.current) return;
    circle.current?.remove();
    centre.current?.remove();
    if (!point) return;
    const radiusOk = Number.isFinite(radius) && radius > 0;
    circle.current = radiusOk
      ? L.circle([point.lat, point.lon], { radius, color: '#1d4ed8', weight: 3, fillOpacity: 0.15, interactive: false }).addTo(
          map.current,
        )
      : null;
    centre.current = L.circleMarker([point.lat, point.lon], {
      radius: 7,
      color: '#111111',
      fillColor: '#ffffff',
      fillOpacity: 1,
      weight: 3,
      interactive: false,
    }).addTo(map.current);
    // Zoom in when the area would be too small to see, so the centre can be tapped again more precisely.
    const area = circle.current?.getBounds();
    if (area && map.current.getZoom() < map.current.getBoundsZoom(area) - 2) {
      map.current.fitBounds(area, { padding: [24, 24], maxZoom: 17, animate: false });
    } else if (!map.current.getBounds().contains([point.lat, point.lon])) {
      map.current.setView([point.lat, point.lon], undefined, { animate: false });
    }
  }, [point?.lat, point?.lon, radius]);

  const useMyLocation = async () => {
    setLocateError('');
    setLocating(true);
    try {
      const found = await locateMe();
      const picked = { lat: round(found.lat), lon: round(found.lon) };
      onPick(picked);
      map.current?.setView([picked.lat, picked.lon], 15);
    } catch (error) {
      setLocateError(error instanceof Error ? error.message : String(error));
    } finally {
      setLocating(false);
    }
  };

  const useMapCentre = () => {
    if (!map.current) return;
    const c = map.current.getCenter();
    onPick({ lat: round(c.lat), lon: round(c.lng) });
  };

  return (
    <fieldset class={`area-picker${errors?.length ? ' field--invalid' : ''}`} aria-describedby="area-picker-status">
      <legend>{wording.legend}</legend>
      <p class="field-hint">{wording.hint}</p>
      {errors && errors.length > 0 && (
        <p class="field-error">
          <span class="visually-hidden">{t('form.errorPrefix')}</span>
          {errors.join(' ')}
        </p>
      )}
      <div ref={element} class="map map--picker" role="region" aria-label={wording.mapLabel} />
      <p id="area-picker-status" class="area-picker__status" aria-live="polite">
        {point
          ? `${wording.chosen}: ${point.lat.toFixed(5)}, ${point.lon.toFixed(5)}.`
          : wording.nothingChosen}
      </p>
      {locateError && <p class="field-error">{locateError}</p>}
      <div class="button-row">
        <button type="button" class="button button--secondary" onClick={useMyLocation} aria-disabled={locating ? 'true' : undefined}>
          {locating ? t('areaPicker.finding') : t('directory.useMyLocation')}
        </button>
        <button type="button" class="button button--secondary" onClick={useMapCentre}>
          {t('areaPicker.useMapCentre')}
        </button>
      </div>
    </fieldset>
  );
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
