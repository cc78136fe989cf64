// Chinese labels of the station area: types, the eight standards (八有), activities, opinions.
export const STATION_TYPE: Record<string, string> = { home: '代表之家', station: '代表联络站', point: '代表联络点' }

/** 八有, in the order offices list them. */
export const STANDARDS: { key: string; text: string }[] = [
  { key: 'site', text: '有场所' }, { key: 'sign', text: '有标牌' }, { key: 'staff', text: '有人员' },
  { key: 'rules', text: '有制度' }, { key: 'funds', text: '有经费' }, { key: 'activities', text: '有活动' },
  { key: 'records', text: '有台账' }, { key: 'results', text: '有成效' },
]

export const ACTIVITY_TYPE: Record<string, string> = {
  reception: '接待选民', research: '调研', inspection: '视察', training: '培训', visit: '走访',
}

export const OPINION_STATUS: Record<string, string> = {
  open: '待处理', resolved: '当场办结', forwarded: '转交办理', escalated: '转为代表建议',
}

export const CHANNEL: Record<string, string> = { staff: '站点登记', deputy: '代表登记', qr: '扫码提交' }

export const LEVEL: Record<string, string> = {
  national: '全国', provincial: '省', city: '市', county: '县（区）', township: '乡镇',
}

/** Today in the office's zone, YYYY-MM-DD (what date inputs and the API's dates use). */
export function today(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date())
}
