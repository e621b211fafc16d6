// How the sessions list names a device: browser, major version and system from real user agents,
// scripts by their tool name, anything else shortened; IPv4 addresses without the IPv6 mapping.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deviceName, ipAddress } from '../ui/format/user-agent.ts';

test('browsers are named by family, major version and system', () => {
  const cases: [string, string][] = [
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      'Chrome 131 on Windows',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86',
      'Edge 131 on Windows',
    ],
    [
      'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
      'Firefox 133 on Linux',
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
      'Safari 17 on macOS',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
      'Safari 17 on iPhone',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1',
      'Chrome 131 on iPhone',
    ],
    [
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36',
      'Chrome 131 on Android',
    ],
    [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/138.0.7204.49 Safari/537.36',
      'Headless Chrome 138 on Linux',
    ],
    [
      'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      'Chrome 131 on ChromeOS',
    ],
  ];
  for (const [ua, name] of cases) assert.equal(deviceName(ua), name, ua);
});

test('scripts are named by their tool; unknown or missing agents stay short', () => {
  assert.equal(deviceName('curl/8.5.0'), 'curl 8.5.0');
  assert.equal(deviceName('python-requests/2.32.3'), 'python-requests 2.32.3');
  assert.equal(deviceName(null), 'Unknown device');
  assert.equal(deviceName('  '), 'Unknown device');
  const odd = deviceName('a very long and entirely unrecognisable agent string of some sort');
  assert.equal(odd.length, 40);
  assert.ok(odd.endsWith('…'));
});

test('IPv4-mapped addresses are shown as IPv4, a missing one as a dash', () => {
  assert.equal(ipAddress('::ffff:10.0.0.7'), '10.0.0.7');
  assert.equal(ipAddress('2001:db8::1'), '2001:db8::1');
  assert.equal(ipAddress('127.0.0.1'), '127.0.0.1');
  assert.equal(ipAddress(null), '—');
});
