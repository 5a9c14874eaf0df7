/** The phone's position, with messages a person can act on when it fails. */
export function locateMe(): Promise<{ lat: number; lon: number }> {
  return new Promise((resolve, reject) => {
    if (!('geolocation' in navigator)) {
      reject(new Error('This browser cannot share your location. Type a place instead.'));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (position) => resolve({ lat: position.coords.latitude, lon: position.coords.longitude }),
      (error) => {
        if (error.code === error.PERMISSION_DENIED) {
          reject(new Error('Location permission was refused. Allow it in your browser settings, or search another way.'));
        } else if (error.code === error.TIMEOUT) {
          reject(new Error('Finding your location took too long. Try again outdoors, or search another way.'));
        } else {
          reject(new Error('Your location could not be found. Try again, or search another way.'));
        }
      },
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 60000 },
    );
  });
}
