// Chinese labels of the registries' codes.
export const LEVEL: Record<string, string> = {
  national: '全国', provincial: '省级', city: '市级', county: '县级', township: '乡镇',
}
export const STATION_TYPE: Record<string, string> = { home: '代表之家', station: '代表联络站', point: '联络点' }
