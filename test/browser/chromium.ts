// Headless Chromium for the browser tests: Debian's /usr/bin/chromium (apt-get install chromium,
// done by .ci/run), driven by playwright-core, which never downloads a browser of its own. The
// background-networking flags keep it from calling out of this machine's closed network.
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium. */
const CHROMIUM = '/usr/bin/chromium';

/** Starts headless Chromium with the flags every browser test uses. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
