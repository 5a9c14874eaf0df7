// Where an alert applies: a circle (tap the centre, choose a radius) or a polygon (tap its
// corners, then close the shape). Without a pointer: pan the map with the arrow keys and
// use the cross at its centre, or type the centre's coordinates. A place search (postcode or
// town, through the server's geocoder) moves the map there.

import L from 'leaflet';
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatRadius } from '../format';
import { t } from '../i18n';
import { locateMe } from '../geolocation';
import type { AlertArea, GeocodedPlace, SchemeSummary } from '../api/schemas';
import type { Config } from '../session';
import { createMap, fitTo, schemeLayer } from './mapLayers';
import { RadioGroupField, SelectField } from './FormField';
import { PlaceSearch } from './PlaceSearch';

export interface LatLon {
  lat: number;
  lon: number;
}

export type AreaShape = 'circle' | 'polygon';

/** Both shapes are kept, so switching between them loses nothing. */
export interface DrawnArea {
  shape: AreaShape;
  centre: LatLon | null;
  radius: number;
  points: LatLon[];
  closed: boolean;
}

export const EMPTY_AREA: DrawnArea = { shape: 'circle', centre: null, radius: 1000, points: [], closed: false };

const RADII = [100, 250, 500, 1000, 2000, 3000, 5000, 10000, 15000, 20000];

const SHAPE_CHOICES = () => [
  { value: 'circle', label: t('areaDrawer.circle') },
  { value: 'polygon', label: t('areaDrawer.polygon') },
];

const REFERENCE_STYLE: L.PathOptions = {
  color: '#30363a',
  fillColor: '#30363a',
  weight: 2,
  dashArray: '6 5',
  fillOpacity: 0.05,
  interactive: false,
};

// A tap this close to the first corner (in screen pixels) closes the shape.
const CLOSE_DISTANCE_PX = 24;

/** The area as the API takes it, or null while it is not complete. */
export function areaInput(area: DrawnArea): AlertArea | null {
  if (area.shape === 'circle') {
    return area.centre ? { lat: area.centre.lat, lon: area.centre.lon, radius_m: area.radius } : null;
  }
  if (!area.closed || area.points.length < 3) return null;
  const ring = [...area.points, area.points[0]].map((point) => [point.lon, point.lat]);
  return { boundary: { type: 'Polygon', coordinates: [ring] } };
}

export interface MapView {
  lat: number;
  lon: number;
  zoom: number;
}

export function AreaDrawer({
  config,
  area,
  onChange,
  errors,
  startAt,
  schemes,
  fitSchemes,
  schemesHint,
  maxRadius,
  onPlaceFound,
}: {
  config: Config;
  area: DrawnArea;
  onChange: (area: DrawnArea) => void;
  errors?: string[];
  /** Where the map opens (a shared link's view). */
  startAt?: MapView | null;
  /** Scheme areas drawn for reference (a coordinator's own scheme, or a force's schemes). */
  schemes: SchemeSummary[];
  /** Whether to move the map to show those schemes. */
  fitSchemes: boolean;
  schemesHint?: string;
  /** The widest radius worth offering (a coordinator's scheme's own). */
  maxRadius?: number;
  /** A place was found with the search (the alert may be named after it). */
  onPlaceFound?: (place: GeocodedPlace) => void;
}) {
  const element = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const drawing = useRef<L.FeatureGroup | null>(null);
  const reference = useRef<L.FeatureGroup | null>(null);
  const current = useRef({ area, onChange });
  current.current = { area, onChange };
  const [locating, setLocating] = useState(false);
  const [locateError, setLocateError] = useState('');

  useEffect(() => {
    if (!element.current) return;
    // A double tap is two corners here, not a zoom.
    const created = createMap(element.current, config, { doubleClickZoom: false });
    if (startAt) created.setView([startAt.lat, startAt.lon], startAt.zoom, { animate: false });
    reference.current = L.featureGroup().addTo(created);
    drawing.current = L.featureGroup().addTo(created);
    created.on('click', (event: L.LeafletMouseEvent) => {
      const { area: now, onChange: change } = current.current;
      const point = { lat: round(event.latlng.lat), lon: round(event.latlng.lng) };
      if (now.shape === 'circle') {
        change({ ...now, centre: point });
        return;
      }
      if (now.closed) return;
      if (now.points.length >= 3) {
        const first = created.latLngToContainerPoint([now.points[0].lat, now.points[0].lon]);
        if (first.distanceTo(event.containerPoint) <= CLOSE_DISTANCE_PX) {
          change({ ...now, closed: true });
          return;
        }
      }
      change({ ...now, points: [...now.points, point] });
    });
    map.current = created;
    return () => {
      created.remove();
      map.current = null;
    };
  }, [config]);

  // The reference schemes: thin dashed outlines that taps go through.
  useEffect(() => {
    const group = reference.current;
    if (!map.current || !group) return;
    group.clearLayers();
    for (const scheme of schemes) {
      schemeLayer(scheme, false, REFERENCE_STYLE)?.addTo(group);
    }
    if (fitSchemes && !startAt) fitTo(map.current, group, 15);
  }, [schemes, fitSchemes]);

  // The area being drawn.
  useEffect(() => {
    const group = drawing.current;
    if (!map.current || !group) return;
    group.clearLayers();
    const style = { color: '#a3160d', weight: 3, fillColor: '#a3160d', fillOpacity: 0.18, interactive: false };
    const corner = (point: LatLon, first: boolean) =>
      L.circleMarker([point.lat, point.lon], {
        radius: first ? 9 : 6,
        color: '#111111',
        weight: 3,
        fillColor: first ? '#ffdd00' : '#ffffff',
        fillOpacity: 1,
        interactive: false,
      }).addTo(group);
    if (area.shape === 'circle') {
      if (!area.centre) return;
      L.circle([area.centre.lat, area.centre.lon], { ...style, radius: area.radius }).addTo(group);
      corner(area.centre, false);
      const bounds = group.getBounds();
      if (!map.current.getBounds().contains(bounds)) {
        map.current.fitBounds(bounds, { padding: [24, 24], maxZoom: 16, animate: false });
      }
      return;
    }
    const latLngs = area.points.map((point) => L.latLng(point.lat, point.lon));
    if (area.closed) {
      L.polygon(latLngs, style).addTo(group);
      // A finished shape (a draft's, say) is brought into view; one being drawn already is.
      const bounds = group.getBounds();
      if (bounds.isValid() && !map.current.getBounds().contains(bounds)) {
        map.current.fitBounds(bounds, { padding: [24, 24], maxZoom: 16, animate: false });
      }
    }
    else if (latLngs.length > 1) L.polyline(latLngs, { ...style, dashArray: '8 6' }).addTo(group);
    area.points.forEach((point, index) => corner(point, index === 0 && !area.closed));
  }, [area]);

  const mapCentre = (): LatLon | null => {
    if (!map.current) return null;
    const c = map.current.getCenter();
    return { lat: round(c.lat), lon: round(c.lng) };
  };

  const useMyLocation = async () => {
    setLocateError('');
    setLocating(true);
    try {
      const found = await locateMe();
      const point = { lat: round(found.lat), lon: round(found.lon) };
      map.current?.setView([point.lat, point.lon], 15);
      if (area.shape === 'circle') onChange({ ...area, centre: point });
    } catch (error) {
      setLocateError(error instanceof Error ? error.message : String(error));
    } finally {
      setLocating(false);
    }
  };

  const addAtCross = () => {
    const point = mapCentre();
    if (!point) return;
    if (area.shape === 'circle') onChange({ ...area, centre: point });
    else if (!area.closed) onChange({ ...area, points: [...area.points, point] });
  };

  const undo = () => {
    if (area.closed) onChange({ ...area, closed: false });
    else onChange({ ...area, points: area.points.slice(0, -1) });
  };

  const invalid = !!errors?.length;
  return (
    <fieldset class={`area-drawer${invalid ? ' field--invalid' : ''}`} aria-describedby="area-drawer-status">
      <legend>{t('scheme.area')}</legend>
      <p class="field-hint">{t('areaDrawer.hint')}</p>
      {invalid && (
        <p class="field-error">
          <span class="visually-hidden">{t('form.errorPrefix')}</span>
          {errors!.join(' ')}
        </p>
      )}
      <RadioGroupField
        legend={t('areaDrawer.shape')}
        inline
        value={area.shape}
        onValue={(shape) => onChange({ ...area, shape: shape as AreaShape })}
        choices={SHAPE_CHOICES()}
      />
      <p class="field-hint">
        {area.shape === 'circle' ? t('areaDrawer.howCircle') : t('areaDrawer.howPolygon')}{' '}
        {t('areaDrawer.withKeyboard')}
        {schemesHint ? ` ${schemesHint}` : ''}
      </p>
      {config.geocoder_enabled && (
        <PlaceSearch
          onFound={(place) => {
            map.current?.setView([place.lat, place.lon], 14, { animate: false });
            onPlaceFound?.(place);
          }}
          found={(place) =>
            `${t('areaDrawer.mapShows', { place: place.query })} ${
              area.shape === 'circle' ? t('areaDrawer.foundCircle') : t('areaDrawer.foundPolygon')
            }`
          }
        />
      )}
      <div class="map-draw">
        <div
          ref={element}
          class="map map--draw"
          role="region"
          aria-label={area.shape === 'circle' ? t('areaDrawer.mapCircle') : t('areaDrawer.mapPolygon')}
        />
        <span class="map-draw__cross" aria-hidden="true" />
      </div>
      <p id="area-drawer-status" class="area-picker__status" aria-live="polite">
        {describe(area)}
      </p>
      {locateError && <p class="field-error">{locateError}</p>}
      {area.shape === 'circle' ? (
        <>
          <SelectField
            label={t('directory.radius')}
            value={String(area.radius)}
            onValue={(value) => onChange({ ...area, radius: Number(value) })}
            choices={radiusChoices(area.radius, maxRadius).map((radius) => ({
              value: String(radius),
              label: formatRadius(radius),
            }))}
          />
          <div class="button-row">
            <button type="button" class="button button--secondary" onClick={addAtCross}>
              {t('areaDrawer.centreAtCross')}
            </button>
            <button
              type="button"
              class="button button--secondary"
              onClick={useMyLocation}
              aria-disabled={locating ? 'true' : undefined}
            >
              {locating ? t('areaPicker.finding') : t('directory.useMyLocation')}
            </button>
            {area.centre && (
              <button type="button" class="button button--secondary" onClick={() => onChange({ ...area, centre: null })}>
                {t('areaDrawer.clear')}
              </button>
            )}
          </div>
          <TypedCentre onCentre={(point) => {
            onChange({ ...area, centre: point });
            map.current?.setView([point.lat, point.lon], undefined, { animate: false });
          }} />
        </>
      ) : (
        <div class="button-row">
          <button type="button" class="button button--secondary" onClick={addAtCross} disabled={area.closed}>
            {t('areaDrawer.cornerAtCross')}
          </button>
          <button
            type="button"
            class="button button--secondary"
            onClick={() => onChange({ ...area, closed: true })}
            disabled={area.closed || area.points.length < 3}
          >
            {t('areaDrawer.close')}
          </button>
          <button type="button" class="button button--secondary" onClick={undo} disabled={!area.points.length}>
            {t('areaDrawer.undo')}
          </button>
          <button
            type="button"
            class="button button--secondary"
            onClick={() => onChange({ ...area, points: [], closed: false })}
            disabled={!area.points.length}
          >
            {t('areaDrawer.clear')}
          </button>
        </div>
      )}
    </fieldset>
  );
}

/** For a centre given as coordinates (from a report or a grid reference converted elsewhere). */
function TypedCentre({ onCentre }: { onCentre: (point: LatLon) => void }) {
  const [lat, setLat] = useState('');
  const [lon, setLon] = useState('');
  const [error, setError] = useState('');
  const set = () => {
    const point = { lat: Number(lat.trim()), lon: Number(lon.trim()) };
    if (!lat.trim() || !lon.trim() || !Number.isFinite(point.lat) || !Number.isFinite(point.lon)) {
      setError(t('areaDrawer.typedBoth'));
      return;
    }
    if (Math.abs(point.lat) > 90 || Math.abs(point.lon) > 180) {
      setError(t('areaDrawer.typedRange'));
      return;
    }
    setError('');
    onCentre({ lat: round(point.lat), lon: round(point.lon) });
  };
  return (
    <details class="typed-centre">
      <summary>{t('areaDrawer.typeCentre')}</summary>
      {error && (
        <p class="field-error" id="typed-centre-error">
          {error}
        </p>
      )}
      <div class="filters__pair">
        <div class="field">
          <label for="typed-centre-lat">{t('areaDrawer.latitude')}</label>
          <input
            id="typed-centre-lat"
            type="text"
            inputMode="decimal"
            autoComplete="off"
            value={lat}
            onInput={(event) => setLat(event.currentTarget.value)}
            aria-describedby={error ? 'typed-centre-error' : undefined}
          />
        </div>
        <div class="field">
          <label for="typed-centre-lon">{t('areaDrawer.longitude')}</label>
          <input
            id="typed-centre-lon"
            type="text"
            inputMode="decimal"
            autoComplete="off"
            value={lon}
            onInput={(event) => setLon(event.currentTarget.value)}
            aria-describedby={error ? 'typed-centre-error' : undefined}
          />
        </div>
      </div>
      <button type="button" class="button button--secondary" onClick={set}>
        {t('areaDrawer.setCentre')}
      </button>
    </details>
  );
}

/** The radii offered: the usual ones (up to `max`, when given), and the one chosen now. */
function radiusChoices(current: number, max?: number): number[] {
  const usual = max ? RADII.filter((radius) => radius <= max) : RADII;
  return usual.includes(current) ? usual : [...usual, current].sort((a, b) => a - b);
}

function describe(area: DrawnArea): string {
  if (area.shape === 'circle') {
    return area.centre
      ? t('areaDrawer.circleRound', {
          radius: formatRadius(area.radius),
          where: `${area.centre.lat.toFixed(5)}, ${area.centre.lon.toFixed(5)}`,
        })
      : t('areaPicker.nothingChosen');
  }
  const count = area.points.length;
  if (area.closed) return t('areaDrawer.closed', { count, n: count });
  if (!count) return t('areaDrawer.noCorners');
  const last = area.points[count - 1];
  const corners = t('areaDrawer.corners', { count, n: count, where: `${last.lat.toFixed(5)}, ${last.lon.toFixed(5)}` });
  return count < 3
    ? `${corners} ${t('areaDrawer.addAtLeast', { count: 3 - count, n: 3 - count })}`
    : `${corners} ${t('areaDrawer.addMore')}`;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
