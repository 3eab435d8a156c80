// Drives the support console as a support engineer would, in Debian's chromium (puppeteer-core), against a live
// Tollgate (ConsoleBrowserTests sets it up). Prints one JSON line of what it saw; screenshots go to SCREENSHOTS.
import puppeteer from 'puppeteer-core';
import { mkdirSync } from 'node:fs';

const base = process.env.BASE_URL;
const shots = process.env.SCREENSHOTS;
mkdirSync(shots, { recursive: true });
const seen = {};
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const shot = (page, name) => page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
const verdict = (page, request) => page.$eval(`#verdicts tr[data-request="${request}"] td[data-status]`, (td) => Number(td.dataset.status));

try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 900 });

  // Signed out, the console sends you to sign in.
  await page.goto(`${base}/console`, { waitUntil: 'networkidle0' });
  seen.redirectedTo = new URL(page.url()).pathname;
  await shot(page, '1-login');
  await page.type('#email', process.env.ADMIN_EMAIL);
  await page.type('#password', process.env.PASSWORD);
  await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }), page.click('button[type=submit]')]);
  seen.afterSignIn = new URL(page.url()).pathname;

  // Find the user by email, open the explain view for the agent: 402, and the unapplied event is named.
  await page.type('#query', process.env.USER_EMAIL);
  await page.type('#agent', process.env.AGENT_ID);
  await page.click('#find button');
  await page.waitForSelector('.open-user');
  await shot(page, '2-found');
  await page.click('.open-user');
  await page.waitForSelector('#verdicts tr[data-request="consume"]');
  seen.consumeBefore = await verdict(page, 'consume');
  seen.reasonBefore = await page.$eval('#verdicts tr[data-request="consume"] td:last-child', (td) => td.textContent);
  await shot(page, '3-explain-402');

  // Replay the failed event: the verdict turns to 200.
  await page.click(`button.replay[data-event="${process.env.STUCK_EVENT}"]`);
  await page.waitForFunction(() => document.querySelector('#verdicts tr[data-request="consume"] td[data-status]')?.dataset.status === '200');
  seen.consumeAfter = await verdict(page, 'consume');
  await shot(page, '4-replayed-200');

  // Revoke all of the user's sessions: their next request is 401.
  await page.click('#revoke-sessions');
  await page.waitForFunction(() => document.querySelector('#verdicts tr[data-request="signed-in requests"] td[data-status]')?.dataset.status === '401');
  seen.signedInAfterRevoke = await verdict(page, 'signed-in requests');
  const next = await fetch(`${base}/api/auth/list-sessions`, { headers: { authorization: `Bearer ${process.env.USER_TOKEN}` } });
  seen.userNextRequest = next.status;
  await shot(page, '5-revoked');

  // The dashboard is linked and opens for the admin.
  const dashboard = await page.goto(`${base}/dashboard/`, { waitUntil: 'domcontentloaded' });
  seen.dashboardForAdmin = dashboard.status();
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await shot(page, '6-dashboard');

  // Someone who is not a platform admin gets 403 on the console and the dashboard.
  const other = await browser.createBrowserContext();
  const visitor = await other.newPage();
  await visitor.goto(`${base}/console/login`, { waitUntil: 'networkidle0' });
  await visitor.type('#email', process.env.MEMBER_EMAIL);
  await visitor.type('#password', process.env.PASSWORD);
  await Promise.all([visitor.waitForNavigation({ waitUntil: 'networkidle0' }), visitor.click('button[type=submit]')]);
  seen.memberConsole = (await visitor.goto(`${base}/console`)).status();
  await shot(visitor, '7-member-403');
  seen.memberConsoleScript = (await visitor.goto(`${base}/console/console.js`)).status();
  seen.memberDashboard = (await visitor.goto(`${base}/dashboard/`)).status();
  await other.close();
} finally {
  await browser.close();
}

console.log(JSON.stringify(seen));
