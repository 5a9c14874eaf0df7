// Shared Leaflet set-up. Schemes are drawn as vectors (circles and polygons)
// so the maps need no marker images and still show their overlays when the
// tile server cannot be reached.

import L from 'leaflet';
import type { SchemeKind, SchemeSummary } from '../api/schemas';
import type { Config } from '../session';

export const KIND_COLOURS: Record<SchemeKind, string> = {
  neighbourhood: '#1d4ed8',
  speedwatch: '#b45309',
  countryside: '#15803d',
};

const reducedMotion = () => window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;

export function createMap(element: HTMLElement, config: Config, options: L.MapOptions = {}): L.Map {
  const still = reducedMotion();
  const map = L.map(element, {
    center: [config.default_centre.lat, config.default_centre.lon],
    zoom: config.default_zoom,
    scrollWheelZoom: false,
    zoomAnimation: !still,
    fadeAnimation: !still,
    markerZoomAnimation: !still,
    ...options,
  });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  L.tileLayer(config.tile_url, {
    attribution: config.tile_attribution,
    maxZoom: 19,
  }).addTo(map);
  return map;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The shape of one scheme's area: its boundary polygon, or a circle round its centre.
 * `restyle` overrides the colours by kind (an outline drawn only for reference, say).
 */
export function schemeLayer(scheme: SchemeSummary, withPopup: boolean, restyle?: L.PathOptions): L.Layer | null {
  const colour = KIND_COLOURS[scheme.kind] ?? '#333333';
  const style: L.PathOptions = { color: colour, weight: 3, fillColor: colour, fillOpacity: 0.15, ...restyle };
  let layer: L.Path | L.GeoJSON | null = null;
  if (scheme.boundary) {
    layer = L.geoJSON(scheme.boundary as GeoJSON.Polygon, { style: () => style });
  } else if (scheme.lat !== null && scheme.lon !== null) {
    layer = scheme.radius_m
      ? L.circle([scheme.lat, scheme.lon], { ...style, radius: scheme.radius_m })
      : L.circleMarker([scheme.lat, scheme.lon], { ...style, radius: 10, fillOpacity: 0.6 });
  }
  if (layer && withPopup) {
    layer.bindPopup(
      `<a href="/schemes/${scheme.id}">${escapeHtml(scheme.name)}</a><br>${escapeHtml(scheme.kind_display || scheme.kind)}`,
    );
  }
  return layer;
}

/** Fits the view to the layers, or leaves it alone when there is nothing to show. */
export function fitTo(map: L.Map, group: L.FeatureGroup, maxZoom = 15): void {
  const bounds = group.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16], maxZoom, animate: false });
}
