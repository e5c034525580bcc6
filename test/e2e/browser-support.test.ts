import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { chromiumPath, DEFAULT_CHROMIUM, launchBrowser, newPage, screenshot, SCREENSHOT_DIR } from '../support/browser';

describe('browser test support', () => {
  it('names both places it looked when Chromium is missing', () => {
    expect(() => chromiumPath({ SIIRTO_CHROMIUM: '/nowhere/chromium' })).toThrow('Chromium not found at SIIRTO_CHROMIUM=/nowhere/chromium');
    expect(() => chromiumPath({ SIIRTO_CHROMIUM: '/nowhere/chromium' })).toThrow(DEFAULT_CHROMIUM);
  });

  describe('with Chromium', () => {
    let browser: Browser;
    let server: http.Server;
    let url: string;
    beforeAll(async () => {
      server = http.createServer((req, res) => {
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.end(`<!doctype html><html lang="fi"><title>Siirto</title><h1>${req.headers['accept-language']?.split(',')[0] ?? ''}</h1>`);
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await new Promise((r) => server.close(r));
    });

    it('loads a page in the asked language and saves its screenshot under the screenshot folder', async () => {
      const page = await newPage(browser, { locale: 'fi-FI' });
      await page.goto(url);
      expect(await page.title()).toBe('Siirto');
      expect(await page.textContent('h1')).toBe('fi-FI');
      const file = await screenshot(page, 'browser-support-smoke');
      expect(file.startsWith(SCREENSHOT_DIR)).toBe(true);
      // A PNG file: the signature bytes.
      expect(fs.readFileSync(file).subarray(1, 4).toString('latin1')).toBe('PNG');
      await page.context().close();
    });
  });
});
