// Browser tests of the default theme: accessibility (axe-core), layout from
// 320 px, the text-size and contrast switches, keyboard use, print, no-JS.
// Builds tests/fixtures/theme with the yishi binary and serves it under
// /yshsl/ like a deployment under a sub-path.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildAndServe, launch, repoRoot, seriousViolations } from './helpers.mjs';

const FIXTURE = path.join(repoRoot, 'tests', 'fixtures', 'theme');
const CASE = 'cases/hongwu-yanglao/';
const CASE_COVER = 'cases/fuzimiao-home/';

let site; // { url, output, close }
let browser;

before(async () => {
  site = await buildAndServe(FIXTURE, '/yshsl/');
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await site?.close();
});

/** A new page at `width`, optionally with settings stored before load. */
async function open(rel, { width = 1280, height = 900, size, contrast, js = true, init } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, javaScriptEnabled: js });
  if (size || contrast) {
    await context.addInitScript(
      ([s, c]) => {
        if (s) localStorage.setItem('yishi-size', s);
        if (c) localStorage.setItem('yishi-contrast', 'hc');
      },
      [size, contrast],
    );
  }
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  const outside = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['127.0.0.1', 'localhost'].includes(u.hostname) && u.protocol !== 'data:') outside.push(r.url());
  });
  const response = await page.goto(site.url + rel, { waitUntil: 'load' });
  return { page, context, response, outside };
}

const AXE_PAGES = ['', CASE, CASE_COVER, 'streets/', 'streets/fuzimiao/', 'stats/', 'search/'];

describe('axe-core: no serious or critical violations', () => {
  for (const rel of AXE_PAGES) {
    for (const width of [390, 1280]) {
      for (const contrast of [false, true]) {
        const name = `/${rel} at ${width}px${contrast ? ', high contrast' : ''}`;
        test(name, async () => {
          const { page, context, response } = await open(rel, { width, contrast });
          try {
            assert.equal(response.status(), 200);
            if (contrast) assert.ok(await page.evaluate(() => document.documentElement.classList.contains('hc')));
            const v = await seriousViolations(page);
            assert.deepEqual(v, [], v.join('\n'));
          } finally {
            await context.close();
          }
        });
      }
    }
  }
});

describe('layout', () => {
  const pages = ['', CASE, CASE_COVER, 'cases/', 'cases/page/2/', 'streets/', 'streets/fuzimiao/', 'committees/', 'topics/', 'years/', 'typical/', 'about/', 'stats/', 'search/', 'no-such-page/'];
  for (const size of [undefined, 'xl']) {
    test(`no horizontal scrolling at 320px${size ? ' with 特大 text' : ''}`, async () => {
      const { page, context } = await open('', { width: 320, height: 640, size });
      try {
        const wide = [];
        for (const rel of pages) {
          await page.goto(site.url + rel);
          const w = await page.evaluate(() => document.documentElement.scrollWidth);
          if (w > 320) wide.push(`/${rel}: ${w}px`);
        }
        assert.deepEqual(wide, []);
      } finally {
        await context.close();
      }
    });
  }

  test('every page: zh-CN, one h1, headings in order, landmarks, date, footer, nothing from other hosts', async () => {
    const { page, context, outside } = await open('');
    try {
      const problems = [];
      for (const rel of pages.filter((p) => p !== 'no-such-page/')) {
        await page.goto(site.url + rel);
        const r = await page.evaluate(() => {
          const hs = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map((h) => +h.tagName[1]);
          let skip = null;
          for (let i = 1; i < hs.length; i++) if (hs[i] > hs[i - 1] + 1) skip = `h${hs[i - 1]} → h${hs[i]}`;
          const foot = document.querySelector('footer')?.innerText || '';
          return {
            lang: document.documentElement.lang,
            h1: document.querySelectorAll('h1').length,
            first: hs[0],
            skip,
            landmarks: ['header', 'nav', 'main#main', 'footer'].filter((s) => !document.querySelector(s)),
            date: /更新日期\s*\d{4}年\d{1,2}月\d{1,2}日/.test(document.body.innerText),
            footer: ['主办单位', '网站标识码'].filter((w) => !foot.includes(w)),
            icp: !!document.querySelector('footer a[href="https://beian.miit.gov.cn/"]'),
            title: document.title,
          };
        });
        const bad = [];
        if (r.lang !== 'zh-CN') bad.push(`lang=${r.lang}`);
        if (r.h1 !== 1) bad.push(`${r.h1} h1`);
        if (r.first !== 1) bad.push(`first heading h${r.first}`);
        if (r.skip) bad.push(`heading skip ${r.skip}`);
        if (r.landmarks.length) bad.push(`missing ${r.landmarks}`);
        if (!r.date) bad.push('no 更新日期');
        if (r.footer.length) bad.push(`footer lacks ${r.footer}`);
        if (!r.icp) bad.push('no ICP link');
        if (!r.title) bad.push('no title');
        if (bad.length) problems.push(`/${rel}: ${bad.join(', ')}`);
      }
      assert.deepEqual(problems, []);
      assert.deepEqual(outside, [], 'requests to other hosts');
    } finally {
      await context.close();
    }
  });

  test('main navigation marks the current section', async () => {
    const { page, context } = await open('streets/fuzimiao/');
    try {
      const current = await page.$$eval('nav[aria-label="主导航"] [aria-current="page"]', (as) => as.map((a) => a.textContent.trim()));
      assert.deepEqual(current, ['按街道']);
      const items = await page.$$eval('nav[aria-label="主导航"] a', (as) => as.map((a) => a.textContent.trim()));
      assert.deepEqual(items, ['首页', '按街道', '按专委会', '按主题', '按年份', '典型案例', '统计', '搜索']);
      const crumbs = await page.$$eval('nav[aria-label="面包屑"] a', (as) => as.map((a) => a.textContent.trim()));
      assert.equal(crumbs[0], '首页');
    } finally {
      await context.close();
    }
  });

  test('touch targets of navigation, switches and buttons are at least 44px tall', async () => {
    const { page, context } = await open(CASE, { width: 390 });
    try {
      const small = await page.$$eval('.site-nav a, .switches button, .tools button:not([hidden]), .share button, .pagination a, .breadcrumbs a, .case-title a, .facts dd a', (els) =>
        els
          .filter((e) => e.getClientRects().length)
          .map((e) => [e.textContent.trim(), Math.round(e.getBoundingClientRect().height)])
          .filter(([, h]) => h < 44),
      );
      assert.deepEqual(small, []);
    } finally {
      await context.close();
    }
  });

  test('body text is at least 18px with line-height at least 1.5', async () => {
    const { page, context } = await open(CASE, { width: 390 });
    try {
      const { size, lh } = await page.$eval('.prose p', (p) => {
        const cs = getComputedStyle(p);
        return { size: parseFloat(cs.fontSize), lh: parseFloat(cs.lineHeight) / parseFloat(cs.fontSize) };
      });
      assert.ok(size >= 18, `font-size ${size}`);
      assert.ok(lh >= 1.5, `line-height ${lh}`);
    } finally {
      await context.close();
    }
  });
});

describe('reading settings', () => {
  test('text size switch changes the size and is remembered after reload', async () => {
    const { page, context } = await open('');
    try {
      const px = () => page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
      assert.equal(await px(), 18);
      await page.getByRole('button', { name: '大', exact: true }).click();
      assert.equal(await px(), 21);
      await page.getByRole('button', { name: '特大' }).click();
      assert.equal(await px(), 24);
      assert.equal(await page.getByRole('button', { name: '特大' }).getAttribute('aria-pressed'), 'true');
      await page.reload();
      assert.equal(await px(), 24);
      assert.equal(await page.getByRole('button', { name: '特大' }).getAttribute('aria-pressed'), 'true');
      assert.equal(await page.getByRole('button', { name: '标准' }).getAttribute('aria-pressed'), 'false');
      // Remembered across pages too.
      await page.goto(site.url + CASE);
      assert.equal(await px(), 24);
      await page.getByRole('button', { name: '标准' }).click();
      assert.equal(await px(), 18);
      await page.reload();
      assert.equal(await px(), 18);
    } finally {
      await context.close();
    }
  });

  test('high contrast switch changes the colours and is remembered after reload', async () => {
    const { page, context } = await open(CASE);
    try {
      const colours = () =>
        page.evaluate(() => ({
          bg: getComputedStyle(document.body).backgroundColor,
          fg: getComputedStyle(document.body).color,
          link: getComputedStyle(document.querySelector('.facts a')).color,
        }));
      const normal = await colours();
      const sw = page.getByRole('button', { name: '高对比度' });
      assert.equal(await sw.getAttribute('aria-pressed'), 'false');
      await sw.click();
      const hc = await colours();
      assert.notEqual(hc.bg, normal.bg);
      assert.notEqual(hc.fg, normal.fg);
      assert.notEqual(hc.link, normal.link);
      assert.equal(hc.bg, 'rgb(0, 0, 0)');
      await page.reload();
      assert.deepEqual(await colours(), hc);
      assert.equal(await sw.getAttribute('aria-pressed'), 'true');
      await sw.click();
      assert.deepEqual(await colours(), normal);
      await page.reload();
      assert.deepEqual(await colours(), normal);
    } finally {
      await context.close();
    }
  });

  test('the settings apply before first paint (class set by the inline head script)', async () => {
    const { page, context } = await open('', { size: 'l', contrast: true, init: () => {
      document.addEventListener('DOMContentLoaded', () => { window.__early = document.documentElement.className; }, { once: true });
    } });
    try {
      const cls = await page.evaluate(() => window.__early);
      assert.match(cls, /\bsize-l\b/);
      assert.match(cls, /\bhc\b/);
      assert.doesNotMatch(cls, /\bno-js\b/);
    } finally {
      await context.close();
    }
  });
});

describe('keyboard', () => {
  test('the first Tab focuses the skip link, which moves focus to the main content', async () => {
    const { page, context } = await open(CASE);
    try {
      await page.keyboard.press('Tab');
      const f = await page.evaluate(() => {
        const a = document.activeElement;
        const r = a.getBoundingClientRect();
        const cs = getComputedStyle(a);
        return { text: a.textContent.trim(), href: a.getAttribute('href'), top: r.top, h: r.height, outline: cs.outlineStyle, ow: parseFloat(cs.outlineWidth) };
      });
      assert.equal(f.text, '跳到正文');
      assert.equal(f.href, '#main');
      assert.ok(f.top >= 0 && f.h > 0, 'skip link visible when focused');
      assert.ok(f.outline !== 'none' && f.ow >= 2, `focus ring ${f.outline} ${f.ow}`);
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
    } finally {
      await context.close();
    }
  });
});

describe('case page', () => {
  test('facts, follow-ups, previous/next, share block and QR code', async () => {
    const { page, context } = await open(CASE);
    try {
      const dts = await page.$$eval('.facts dt', (els) => els.map((e) => e.textContent.trim()));
      for (const want of ['日期', '街道', '社区', '专委会', '主题', '协商地点', '参与单位', '协商结果']) assert.ok(dts.includes(want), `facts lack ${want}`);
      assert.equal(await page.locator('.facts a', { hasText: '洪武路街道' }).getAttribute('href'), '/yshsl/streets/hongwulu/');
      assert.ok(await page.getByRole('heading', { name: '成果转化与落实跟踪' }).isVisible());
      assert.equal(await page.locator('ol.timeline > li').count(), 2);
      assert.ok((await page.locator('.badge', { hasText: '推进中' }).count()) >= 1);
      const pn = await page.$$eval('nav.prevnext a', (as) => as.map((a) => a.textContent.trim()));
      assert.ok(pn.some((t) => t.startsWith('上一篇：夫子庙街道“委员之家”')), pn.join(' | '));
      assert.ok(pn.some((t) => t.startsWith('下一篇：老旧小区加装电梯')), pn.join(' | '));
      assert.equal(await page.locator('#permalink').inputValue(), site.url + CASE);
      assert.ok(await page.locator('.qr-code svg').isVisible());
      assert.ok(await page.getByText('手机扫码阅读').isVisible());
      assert.ok(await page.getByRole('button', { name: '复制链接' }).isVisible());
      assert.ok(await page.getByRole('button', { name: '打印本页' }).isVisible());
    } finally {
      await context.close();
    }
  });

  test('复制链接 copies the address', async () => {
    const { page, context } = await open(CASE);
    try {
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(site.url).origin });
      await page.getByRole('button', { name: '复制链接' }).click();
      await page.waitForFunction(() => document.querySelector('.copy-status').textContent.length > 0);
      assert.match(await page.locator('.copy-status').textContent(), /已复制/);
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), site.url + CASE);
    } finally {
      await context.close();
    }
  });

  test('朗读 shows where speech synthesis exists, toggles to 停止, and hides where it does not', async () => {
    let { page, context } = await open(CASE, {
      init: () => {
        // A silent stand-in, so the test does not depend on a speech engine.
        const spoken = [];
        window.__spoken = spoken;
        Object.defineProperty(window, 'speechSynthesis', {
          configurable: true,
          value: { speak: (u) => spoken.push(u), cancel: () => spoken.splice(0), getVoices: () => [] },
        });
      },
    });
    try {
      const btn = page.locator('#speak');
      assert.ok(await btn.isVisible());
      assert.equal((await btn.textContent()).trim(), '朗读全文');
      await btn.click();
      assert.equal((await btn.textContent()).trim(), '停止朗读');
      const said = await page.evaluate(() => window.__spoken.map((u) => [u.lang, u.text]));
      assert.ok(said.length > 1);
      assert.ok(said.every(([lang]) => lang === 'zh-CN'));
      assert.ok(said.map(([, t]) => t).join('').includes('洪武路街道'));
      await btn.click();
      assert.equal((await btn.textContent()).trim(), '朗读全文');
    } finally {
      await context.close();
    }
    ({ page, context } = await open(CASE, { init: () => { delete window.speechSynthesis; delete Window.prototype.speechSynthesis; } }));
    try {
      assert.equal(await page.evaluate(() => 'speechSynthesis' in window), false);
      assert.equal(await page.locator('#speak').isVisible(), false);
    } finally {
      await context.close();
    }
  });

  test('print: no navigation, the address and the QR code are printed', async () => {
    const { page, context } = await open(CASE, { contrast: true });
    try {
      await page.emulateMedia({ media: 'print' });
      const r = await page.evaluate(() => {
        const shown = (s) => [...document.querySelectorAll(s)].some((e) => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden');
        return {
          nav: shown('.site-nav'),
          switches: shown('.switches'),
          crumbs: shown('.breadcrumbs'),
          buttons: shown('main button'),
          footerNav: shown('.footer-nav'),
          title: shown('.site-title'),
          url: [...document.querySelectorAll('.print-only')].filter((e) => e.getClientRects().length).map((e) => e.innerText).join(' '),
          qr: document.querySelector('.qr-code svg')?.getBoundingClientRect().width || 0,
          bg: getComputedStyle(document.body).backgroundColor,
          fg: getComputedStyle(document.querySelector('h1')).color,
        };
      });
      assert.equal(r.nav, false, 'nav hidden');
      assert.equal(r.switches, false, 'switches hidden');
      assert.equal(r.crumbs, false, 'breadcrumbs hidden');
      assert.equal(r.buttons, false, 'buttons hidden');
      assert.equal(r.footerNav, false, 'footer nav hidden');
      assert.equal(r.title, true, 'site title printed');
      assert.ok(r.url.includes(site.url + CASE), `permalink printed: ${r.url}`);
      assert.ok(r.qr > 50, 'QR code printed');
      assert.equal(r.bg, 'rgb(255, 255, 255)');
      assert.equal(r.fg, 'rgb(0, 0, 0)');
      const pdf = await page.pdf({ format: 'A4' });
      assert.ok(pdf.length > 1000);
    } finally {
      await context.close();
    }
  });

  test('without JavaScript the page reads fully and JS-only controls are hidden', async () => {
    const { page, context } = await open(CASE, { js: false });
    try {
      assert.ok(await page.locator('h1').isVisible());
      assert.ok(await page.locator('.prose').isVisible());
      assert.ok(await page.locator('#permalink').isVisible());
      assert.ok(await page.locator('.qr-code svg').isVisible());
      for (const s of ['.switches', '#speak', '[data-print]', '[data-copy]']) assert.equal(await page.locator(s).isVisible(), false, s);
    } finally {
      await context.close();
    }
  });
});

describe('lists, terms and 404', () => {
  test('home: typical shelf, latest cases with dates, ways in with counts', async () => {
    const { page, context } = await open('');
    try {
      assert.ok(await page.getByRole('heading', { name: '典型案例', level: 2 }).isVisible());
      assert.ok(await page.getByRole('heading', { name: '最新案例', level: 2 }).isVisible());
      assert.ok(await page.getByText('本站案例为示例').isVisible());
      const links = await page.$$eval('.browse a', (as) => as.map((a) => a.textContent.replace(/\s+/g, '')));
      for (const want of ['夫子庙街道（2）', '洪武路街道（1）', '红花街道（0）', '经济科技委员会（2）', '加装电梯（2）', '2020年（2）']) assert.ok(links.includes(want), `home lacks ${want}: ${links}`);
      assert.ok((await page.locator('.latest time').count()) >= 4);
    } finally {
      await context.close();
    }
  });

  test('street page: title, count, communities, cases with outcome in words', async () => {
    const { page, context } = await open('streets/fuzimiao/');
    try {
      assert.equal((await page.locator('h1').textContent()).trim(), '夫子庙街道的协商案例');
      assert.match(await page.locator('main').innerText(), /共 2 个案例/);
      assert.ok(await page.getByText('钞库街社区').first().isVisible());
      assert.equal(await page.locator('.case-item').count(), 2);
      assert.ok(await page.locator('.case-item .badge', { hasText: '已落实' }).isVisible());
    } finally {
      await context.close();
    }
  });

  test('paginated list: 分页 navigation with 上一页 / 下一页 and the current page', async () => {
    const { page, context } = await open('cases/');
    try {
      const nav = page.getByRole('navigation', { name: '分页' });
      assert.ok(await nav.isVisible());
      assert.ok(await nav.getByRole('link', { name: '下一页' }).isVisible());
      assert.equal(await nav.locator('[aria-current="page"]').count(), 1);
      await nav.getByRole('link', { name: '下一页' }).click();
      await page.waitForURL(/\/cases\/page\/2\/$/);
      assert.ok(await page.getByRole('navigation', { name: '分页' }).getByRole('link', { name: '上一页' }).isVisible());
    } finally {
      await context.close();
    }
  });

  test('terms index: zero counts shown as （0） and 暂无案例', async () => {
    const { page, context } = await open('streets/');
    try {
      const text = (await page.locator('main').innerText()).replace(/\s+/g, '');
      assert.ok(text.includes('红花街道（0）'));
      assert.ok(text.includes('暂无案例'));
      assert.ok(text.includes('夫子庙街道（2）'));
      const names = await page.$$eval('.term-grid .term-name', (els) => els.map((e) => e.textContent));
      assert.deepEqual(names, ['夫子庙街道', '洪武路街道', '红花街道']);
    } finally {
      await context.close();
    }
  });

  test('404 page: status 404, links to 首页 and 搜索 that work at any depth', async () => {
    const { page, context, response } = await open('a/b/c/missing/');
    try {
      assert.equal(response.status(), 404);
      assert.equal(await page.locator('h1').count(), 1);
      await page.getByRole('link', { name: '返回首页' }).click();
      await page.waitForURL(site.url);
      assert.equal(page.url(), site.url);
      await page.goto(site.url + 'x/y/');
      assert.equal(await page.getByRole('link', { name: '搜索案例' }).getAttribute('href'), '/yshsl/search/');
    } finally {
      await context.close();
    }
  });
});
