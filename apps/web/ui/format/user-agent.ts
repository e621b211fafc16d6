// What people recognise a session by: "Firefox 133 on Windows" rather than a 120-character user agent,
// and an IPv4 address without the IPv6 mapping prefix. The full user agent stays available as a tooltip.

const MAX_OTHER = 40;

/** Browser families in the order they must be tested: most user agents also claim Chrome or Safari. */
const BROWSERS: readonly (readonly [RegExp, string])[] = [
  [/\bEdg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
  [/\bOPR\/(\d+)/, 'Opera'],
  [/\bSamsungBrowser\/(\d+)/, 'Samsung Internet'],
  [/\b(?:Firefox|FxiOS)\/(\d+)/, 'Firefox'],
  [/\bHeadlessChrome\/(\d+)/, 'Headless Chrome'],
  [/\b(?:Chrome|CriOS|Chromium)\/(\d+)/, 'Chrome'],
  [/\bVersion\/(\d+)[.\d]* (?:Mobile\/\S+ )?Safari\//, 'Safari'],
];

/** Checked in order: iPhones and Androids also say "Mac OS X" or "Linux". */
const SYSTEMS: readonly (readonly [RegExp, string])[] = [
  [/\biPhone\b/, 'iPhone'],
  [/\biPad\b/, 'iPad'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
];

/** A short, readable name for the device a session was opened from. */
export function deviceName(userAgent: string | null): string {
  const ua = (userAgent ?? '').trim();
  if (ua === '') return 'Unknown device';
  const system = SYSTEMS.find(([re]) => re.test(ua))?.[1];
  for (const [re, name] of BROWSERS) {
    const m = re.exec(ua);
    if (m !== null) return `${name} ${m[1]}${system === undefined ? '' : ` on ${system}`}`;
  }
  // Not a browser: a script or tool ("curl/8.5.0", "python-requests/2.32.3").
  const tool = /^([\w.-]+)\/(\d[\w.-]*)/.exec(ua);
  if (tool !== null) return `${tool[1]} ${tool[2]}`;
  return ua.length > MAX_OTHER ? `${ua.slice(0, MAX_OTHER - 1)}…` : ua;
}

/** "::ffff:10.0.0.7" → "10.0.0.7"; a missing address → "—". */
export function ipAddress(ip: string | null): string {
  if (ip === null || ip === '') return '—';
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice('::ffff:'.length) : ip;
}
