import { t } from './i18n';

/** The phone's position, with messages a person can act on when it fails. */
export function locateMe(): Promise<{ lat: number; lon: number }> {
  return new Promise((resolve, reject) => {
    if (!('geolocation' in navigator)) {
      reject(new Error(t('locate.unsupported')));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (position) => resolve({ lat: position.coords.latitude, lon: position.coords.longitude }),
      (error) => {
        if (error.code === error.PERMISSION_DENIED) {
          reject(new Error(t('locate.refused')));
        } else if (error.code === error.TIMEOUT) {
          reject(new Error(t('locate.timeout')));
        } else {
          reject(new Error(t('locate.failed')));
        }
      },
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 60000 },
    );
  });
}
