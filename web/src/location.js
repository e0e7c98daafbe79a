// "Send my location": the browser's geolocation becomes the share_location
// intent the domain expects. Coordinates are rounded to 3 decimals (about
// 100 m): enough to find the nearest office, less precise than a home address.

const DECIMALS = 3;

export const LOCATION_MESSAGES = {
  unsupported:
    "เบราว์เซอร์นี้ส่งตำแหน่งไม่ได้ค่ะ พิมพ์ชื่ออำเภอหรือจังหวัดแทนได้เลย เช่น \"อำเภอเมืองเชียงใหม่\"",
  denied:
    "ไม่ได้รับอนุญาตให้ใช้ตำแหน่งค่ะ ไม่เป็นไรนะคะ พิมพ์ชื่ออำเภอหรือจังหวัดแทนได้เลย เช่น \"อำเภอเมืองเชียงใหม่\"",
  failed:
    "ยังหาตำแหน่งของคุณไม่ได้ค่ะ ลองใหม่อีกครั้ง หรือพิมพ์ชื่ออำเภอหรือจังหวัดแทนได้เลย",
};

export function locationPayload(latitude, longitude) {
  const lat = Number(latitude.toFixed(DECIMALS));
  const lon = Number(longitude.toFixed(DECIMALS));
  return `/share_location${JSON.stringify({ latitude: lat, longitude: lon })}`;
}

/** Resolves to a payload string, or rejects with a key of LOCATION_MESSAGES. */
export function requestLocationPayload() {
  return new Promise((resolve, reject) => {
    if (!("geolocation" in navigator)) {
      reject("unsupported");
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (position) => resolve(locationPayload(position.coords.latitude, position.coords.longitude)),
      (error) => reject(error && error.code === 1 ? "denied" : "failed"),
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 },
    );
  });
}
