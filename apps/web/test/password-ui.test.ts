// Changing one's password in a real browser: on the account page a wrong current password is refused in
// words; the right one changes it and signs out the user's other browser; afterwards the old password
// no longer logs in and the new one does. With self sign-up enabled, a visitor creates an account (of
// the operator's role) from the login page and is logged in; without it the form is not offered.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, launch, logIn, newUserPage, screenshotPages } from './support/browser.ts';
import { PASSWORD, startWebExchange, type WebExchange } from './support/web-exchange.ts';

const skip = chromiumMissing();
const NEW_PASSWORD = 'a-new-and-longer-password';

describe('changing a password', { skip }, () => {
  let ex: WebExchange;
  let browser: Browser;
  let laptop: Page;
  let phone: Page;

  before(async () => {
    ex = await startWebExchange();
    browser = await launch();
    laptop = (await newUserPage(browser, ex.baseUrl)).page;
    phone = (await newUserPage(browser, ex.baseUrl, { width: 390, height: 844 })).page;
    await logIn(laptop, 'alice', PASSWORD);
    await logIn(phone, 'alice', PASSWORD);
  });

  afterEach((t) => screenshotPages(t.name, { laptop, phone }));

  after(async () => {
    await browser?.close();
    await ex?.close();
  });

  test('without self sign-up the login page offers none', async () => {
    const visitor = (await newUserPage(browser, ex.baseUrl)).page;
    const asked = visitor.waitForResponse((r) => r.url().endsWith('/api/v1/auth/signup'));
    await visitor.goto('/login');
    await visitor.getByRole('button', { name: 'Log in' }).waitFor();
    assert.deepEqual(await (await asked).json(), { enabled: false });
    assert.equal(await visitor.getByRole('form', { name: 'Create an account' }).count(), 0);
    await visitor.close();
  });

  test('a wrong current password is refused in words', async () => {
    await laptop.goto('/account');
    const form = laptop.getByRole('form', { name: 'Change password' });
    await form.getByLabel('Current password').fill('not-my-password');
    await form.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await form.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByRole('alert').filter({ hasText: 'The current password is wrong.' }).waitFor();
  });

  test('the right one changes it and signs the other browser out', async () => {
    const form = laptop.getByRole('form', { name: 'Change password' });
    await form.getByLabel('Current password').fill(PASSWORD);
    await form.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await form.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    await form
      .getByRole('status')
      .filter({ hasText: /Password changed; 1 other session/ })
      .waitFor();
    // The phone's session is gone: its next page load asks it to log in.
    await phone.goto('/account');
    await phone.getByRole('button', { name: 'Log in' }).waitFor();
  });

  test('the old password no longer logs in; the new one does', async () => {
    await phone.getByLabel('Username').fill('alice');
    await phone.getByLabel('Password').fill(PASSWORD);
    await phone.getByRole('button', { name: 'Log in' }).click();
    await phone.getByText('Wrong username or password.').waitFor();
    await logIn(phone, 'alice', NEW_PASSWORD);
    const me = await phone.evaluate(async () => (await fetch('/api/v1/account')).status);
    assert.equal(me, 200);
  });
});

describe('self sign-up', { skip }, () => {
  let ex: WebExchange;
  let browser: Browser;
  let page: Page;

  before(async () => {
    ex = await startWebExchange({ signupRole: 'trader' });
    browser = await launch();
    page = (await newUserPage(browser, ex.baseUrl)).page;
  });

  afterEach((t) => screenshotPages(t.name, { page }));

  after(async () => {
    await browser?.close();
    await ex?.close();
  });

  test('when the operator enables it, a visitor creates an account and is logged in', async () => {
    await page.goto('/login');
    const form = page.getByRole('form', { name: 'Create an account' });
    await form.getByLabel('Choose a username').fill('newcomer');
    await form.getByLabel('Choose a password').fill('newcomers-password');
    await form.getByLabel('Repeat the password').fill('newcomers-password');
    await form.getByRole('button', { name: 'Create account' }).click();
    await page.getByTestId('user').filter({ hasText: 'newcomer' }).waitFor();
    const role = await page.evaluate(
      async () => ((await (await fetch('/api/v1/account')).json()) as { role: string }).role,
    );
    assert.equal(role, 'trader');
  });
});
