// The area an alert covers, on a small map on its page.

import L from 'leaflet';
import { useEffect, useRef } from 'preact/hooks';
import { formatRadius } from '../format';
import type { Alert } from '../api/schemas';
import type { Config } from '../session';
import { createMap, fitTo } from './mapLayers';
import { t } from '../i18n';

const STYLE = { color: '#a3160d', weight: 3, fillColor: '#a3160d', fillOpacity: 0.15 };

export function AlertMap({ config, alert }: { config: Config; alert: Alert }) {
  const element = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!element.current) return;
    // One-finger dragging would trap the page scroll on a phone.
    const map = createMap(element.current, config, { dragging: !L.Browser.mobile });
    const group = L.featureGroup().addTo(map);
    if (alert.boundary) L.geoJSON(alert.boundary as GeoJSON.Polygon, { style: () => STYLE }).addTo(group);
    else if (alert.radius_m) L.circle([alert.lat, alert.lon], { ...STYLE, radius: alert.radius_m }).addTo(group);
    fitTo(map, group, 16);
    return () => map.remove();
  }, [config, alert.id]);

  return <div ref={element} class="map map--small" role="region" aria-label={t('maps.alertArea')} />;
}

/** The alert's area in words: the text alternative to the map. */
export function areaText(alert: Alert): string {
  if (alert.radius_m) {
    return t('alertArea.within', { radius: formatRadius(alert.radius_m), where: `${alert.lat.toFixed(4)}, ${alert.lon.toFixed(4)}` });
  }
  const corners = Math.max(0, (alert.boundary?.coordinates[0]?.length ?? 1) - 1);
  return t('alertArea.drawn', { corners, where: `${alert.lat.toFixed(4)}, ${alert.lon.toFixed(4)}` });
}

/** A circle round the alert's area, for the feed of alerts near it. */
export function areaCircle(alert: Alert): { lat: number; lon: number; radius: number } {
  if (alert.radius_m) return { lat: alert.lat, lon: alert.lon, radius: alert.radius_m };
  const ring = alert.boundary?.coordinates[0] ?? [];
  let furthest = 0;
  for (const [lon, lat] of ring) {
    furthest = Math.max(furthest, L.latLng(lat, lon).distanceTo([alert.lat, alert.lon]));
  }
  return { lat: alert.lat, lon: alert.lon, radius: Math.max(100, Math.ceil(furthest)) };
}
