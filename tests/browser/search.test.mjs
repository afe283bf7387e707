// Browser tests of /search/ (issue 5): the fixture tests/fixtures/search is
// built with yishi, served under /yshsl/ like a real deployment, and driven
// in Debian's Chromium through playwright-core.
//
//   cd tests/browser && npm install && node --test search.test.mjs
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { buildAndServe, launch, repoRoot, seriousViolations } from './helpers.mjs';

const fixture = path.join(repoRoot, 'tests', 'fixtures', 'search');

let site;
let browser;
let context;
const foreign = [];
const dialogs = [];
const errors = [];

before(async () => {
  site = await buildAndServe(fixture, '/yshsl/');
  browser = await launch();
  context = await browser.newContext();
  context.on('request', (r) => {
    if (!r.url().startsWith(site.url) && !r.url().startsWith('data:')) foreign.push(r.url());
  });
  context.on('page', (p) => {
    p.on('dialog', (d) => {
      dialogs.push(d.message());
      d.dismiss().catch(() => {});
    });
    p.on('pageerror', (e) => errors.push(String(e)));
  });
});

after(async () => {
  await context?.close();
  await browser?.close();
  await site?.close();
});

/** Waits until the search triggered by the last action has been rendered. */
async function settled(page) {
  await page.waitForFunction(() => {
    const r = document.querySelector('.search-output');
    return r && r.getAttribute('aria-busy') === 'false';
  });
}

async function open(query = '') {
  const page = await context.newPage();
  await page.goto(site.url + 'search/' + query);
  await settled(page);
  return page;
}

/** Types a query into the box and presses Enter. */
async function search(page, q) {
  await page.fill('#search-q', q);
  await page.press('#search-q', 'Enter');
  await settled(page);
}

async function results(page) {
  return page.$$eval('#search-results > li', (lis) =>
    lis.map((li) => ({
      title: li.querySelector('h2 a').textContent,
      href: li.querySelector('h2 a').getAttribute('href'),
      meta: li.querySelector('.case-meta').textContent,
      snippet: li.querySelector('.case-summary').textContent,
      marks: Array.from(li.querySelectorAll('mark'), (m) => m.textContent),
    })),
  );
}

const status = (page) => page.textContent('#search-status');
const slugs = (rs) => rs.map((r) => r.href.replace(/^\/yshsl\/cases\/|\/$/g, ''));

describe('search page', () => {
  test('a phrase query finds the phrase and not its scattered characters', async () => {
    const page = await open();
    await page.evaluate(() => {
      window.notReloaded = true;
    });
    await search(page, '嵌入式养老');
    assert.equal(await page.evaluate(() => window.notReloaded), true, 'Enter does not reload the page');
    const rs = await results(page);
    assert.deepEqual(slugs(rs), ['qianrushi-yanglao']);
    assert.match(await status(page), /^找到 1 个案例/);
    assert.ok(rs[0].marks.includes('嵌入式养老'), JSON.stringify(rs[0]));
    assert.match(rs[0].snippet, /建设嵌入式养老服务站/);
    // Its bigrams alone do find both.
    await search(page, '式养');
    assert.deepEqual(slugs(await results(page)), ['fangshi-yanglao', 'qianrushi-yanglao']);
    await page.close();
  });

  test('two-character queries, newest first, with date and street', async () => {
    const page = await open();
    await search(page, '停车');
    let rs = await results(page);
    assert.deepEqual(slugs(rs), ['fuzimiao-tingche']);
    assert.match(rs[0].meta, /2023年6月10日/);
    assert.match(rs[0].meta, /夫子庙街道 · 钞库街社区/);
    assert.deepEqual(rs[0].marks, ['停车', '停车', '停车', '停车']);
    await search(page, '养老');
    rs = await results(page);
    assert.deepEqual(slugs(rs), ['fangshi-yanglao', 'qianrushi-yanglao']);
    assert.match(await status(page), /^找到 2 个案例/);
    // Committees show by their short names.
    await search(page, '电梯');
    rs = await results(page);
    assert.deepEqual(slugs(rs), ['jiazhuang-dianti']);
    assert.match(rs[0].meta, /人口环境委、经科委/);
    await page.close();
  });

  test('one character, several words (AND) and full-width/half-width forms', async () => {
    const page = await open();
    await search(page, '梯');
    assert.deepEqual(slugs(await results(page)), ['jiazhuang-dianti']);
    await search(page, '养老 设备');
    assert.deepEqual(slugs(await results(page)), ['fangshi-yanglao']);
    await search(page, '养老　服务站'); // ideographic space
    assert.deepEqual(slugs(await results(page)), ['qianrushi-yanglao']);
    for (const q of ['abc', 'ＡＢＣ', 'Abc', 'ａｂｃ智慧']) {
      await search(page, q);
      assert.deepEqual(slugs(await results(page)), ['quanjiao-abc', 'banjiao-abc'], q);
    }
    const rs = await results(page);
    assert.deepEqual(rs[0].marks, ['ＡＢＣ智慧'], 'the text is shown as written');
    await page.close();
  });

  test('a query that matches nothing shows 0', async () => {
    const page = await open();
    await search(page, '量子计算机');
    assert.equal((await results(page)).length, 0);
    assert.match(await status(page), /^找到 0 个案例/);
    await search(page, '嵌入式养老院');
    assert.equal((await results(page)).length, 0);
    assert.match(await status(page), /^找到 0 个案例/);
    await page.close();
  });

  test('drafts are never found', async () => {
    const page = await open();
    for (const q of ['保密词语', '草稿', '未发布']) {
      await search(page, q);
      assert.equal((await results(page)).length, 0, q);
    }
    await page.close();
  });

  test('filters alone and combined with a query', async () => {
    const page = await open();
    await page.selectOption('#search-street', 'fuzimiao');
    await settled(page);
    assert.deepEqual(slugs(await results(page)), ['jianjiaohao-biaoti', 'fuzimiao-tingche']);
    assert.match(await status(page), /^找到 2 个案例/);
    assert.match(page.url(), /[?&]street=fuzimiao/);
    await search(page, '停车');
    assert.deepEqual(slugs(await results(page)), ['fuzimiao-tingche']);
    await page.selectOption('#search-street', 'qinhong');
    await search(page, '协商');
    assert.equal((await results(page)).length, 8);
    await page.selectOption('#search-year', '2019');
    await settled(page);
    assert.equal((await results(page)).length, 7);
    await page.selectOption('#search-year', '');
    await page.selectOption('#search-street', '');
    await page.selectOption('#search-committee', 'jingkewei');
    await settled(page);
    assert.deepEqual(slugs(await results(page)), ['jiazhuang-dianti', 'fangshi-yanglao']);
    await page.selectOption('#search-committee', '');
    await page.selectOption('#search-topic', 'jiazhuang-dianti');
    await search(page, '');
    assert.deepEqual(slugs(await results(page)), ['jiazhuang-dianti']);
    await page.close();
  });

  test('?q= in the address opens with results; typing updates the address', async () => {
    const page = await open('?q=' + encodeURIComponent('加装电梯'));
    assert.equal(await page.inputValue('#search-q'), '加装电梯');
    assert.deepEqual(slugs(await results(page)), ['jiazhuang-dianti']);
    assert.match(await page.title(), /加装电梯/);
    // Results as you type, no Enter.
    await page.fill('#search-q', '');
    await page.type('#search-q', '停车');
    await settled(page);
    assert.deepEqual(slugs(await results(page)), ['fuzimiao-tingche']);
    assert.equal(new URL(page.url()).searchParams.get('q'), '停车');
    assert.equal(new URL(page.url()).pathname, '/yshsl/search/');
    // Filters in the address too.
    const p2 = await open('?q=' + encodeURIComponent('协商') + '&street=qinhong&year=2021');
    assert.equal(await p2.inputValue('#search-street'), 'qinhong');
    assert.deepEqual(slugs(await results(p2)), ['fangshi-yanglao']);
    await p2.close();
    await page.close();
  });

  test('clicking a result opens the case under the sub-path', async () => {
    const page = await open('?q=' + encodeURIComponent('嵌入式养老'));
    await Promise.all([page.waitForURL('**/yshsl/cases/qianrushi-yanglao/'), page.click('#search-results a')]);
    assert.equal(await page.textContent('h1'), '洪武路街道养老服务站协商议事会');
    await page.close();
  });

  test('keyboard only: type, Enter, Tab to a result, more results, Enter opens it', async () => {
    const page = await open();
    await page.focus('#search-q');
    await page.keyboard.type('协商');
    await page.keyboard.press('Enter');
    await settled(page);
    assert.match(await status(page), /^找到 12 个案例，显示前 10 个/);
    assert.equal((await results(page)).length, 10);
    // Tab from the box goes through the button and filters to the results.
    let tag = '';
    for (let i = 0; i < 10 && !tag.includes('/cases/'); i++) {
      await page.keyboard.press('Tab');
      tag = await page.evaluate(() => document.activeElement.getAttribute('href') || document.activeElement.id);
    }
    assert.match(tag, /\/yshsl\/cases\//);
    await page.focus('#search-more');
    await page.keyboard.press('Enter');
    await settled(page);
    assert.equal((await results(page)).length, 12);
    assert.match(await status(page), /^找到 12 个案例。$/);
    assert.ok(await page.isHidden('#search-more'));
    // Focus moved to the first added result.
    const focused = await page.evaluate(() => document.activeElement.getAttribute('href'));
    const rs = await results(page);
    assert.equal(focused, rs[10].href);
    await Promise.all([page.waitForURL('**' + rs[10].href), page.keyboard.press('Enter')]);
    await page.close();
  });

  test('raw HTML and script never appear in results; titles are text', async () => {
    const page = await open();
    await search(page, '河道');
    let rs = await results(page);
    assert.deepEqual(slugs(rs), ['raw-html']);
    for (const q of ['xss', 'alert', 'script', 'onclick', 'onerror']) {
      await search(page, q);
      assert.equal((await results(page)).length, 0, q);
    }
    await search(page, '尖括号');
    rs = await results(page);
    assert.ok(rs.some((r) => r.title === '议事<b>尖括号</b>标题测试'), JSON.stringify(rs));
    assert.equal(await page.$$eval('#search-results b, #search-results script, #search-results img', (x) => x.length), 0);
    await search(page, '<b>');
    assert.deepEqual(slugs(await results(page)), ['jianjiaohao-biaoti']);
    assert.deepEqual(dialogs, []);
    await page.close();
  });

  test('accessible: label, live status, no serious axe violations', async () => {
    const page = await open('?q=' + encodeURIComponent('养老'));
    assert.equal(await page.getAttribute('#search-status', 'aria-live'), 'polite');
    assert.equal(await page.textContent('label[for="search-q"]'), '输入关键词搜索案例');
    for (const f of ['street', 'committee', 'topic', 'year']) {
      assert.equal(await page.$$eval(`label[for="search-${f}"]`, (l) => l.length), 1, f);
    }
    const violations = await seriousViolations(page);
    assert.deepEqual(violations, [], violations.join('\n'));
    await page.close();
  });

  test('normalisation and shard hash agree with src/search.rs', async () => {
    const page = await open();
    const got = await page.evaluate(() => {
      const s = window.yishiSearch;
      return {
        norm: s.normalize('ＡＢＣ１２３！～　Ｘｙz'),
        shards: [s.shardOf('养老', 1 << 20), s.shardOf('𠮷a', 1 << 20), s.shardOf('ab', 4096), s.shardOf('嵌入', 1024)],
        words: s.words(' 嵌入式 嵌入式养老　ＡＢ '),
        decoded: Array.from(s.decode('dBAf', 40)).flatMap((v, i) => (v ? [i] : [])),
      };
    });
    assert.equal(got.norm, 'abc123!~ xyz');
    // The values asserted in search.rs `shards_hash_like_the_client`.
    assert.deepEqual(got.shards, [1019455, 21789, 1037, 383]);
    assert.deepEqual(got.words, ['嵌入式养老', 'ab']);
    // gaps 1, 0, 31 → ids 1, 2, 34.
    assert.deepEqual(got.decoded, [1, 2, 34]);
    await page.close();
  });

  test('meta.json is fetched once (preloaded); an old cached one is replaced', async () => {
    const page = await context.newPage();
    const metas = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/search/meta.json')) metas.push(r.url());
    });
    await page.goto(site.url + 'search/?q=' + encodeURIComponent('停车'));
    await settled(page);
    assert.deepEqual(slugs(await results(page)), ['fuzimiao-tingche']);
    assert.equal(metas.length, 1, 'the preload is used');
    await page.close();

    // A meta.json from an older build (its folder no longer exists).
    const stale = await context.newPage();
    let served = 0;
    await stale.route('**/search/meta.json', async (route) => {
      const response = await route.fetch();
      const meta = await response.json();
      if (served++ === 0) meta.v = '000000000000';
      await route.fulfill({ response, json: meta });
    });
    await stale.goto(site.url + 'search/?q=' + encodeURIComponent('加装电梯'));
    await settled(stale);
    assert.deepEqual(slugs(await results(stale)), ['jiazhuang-dianti']);
    assert.equal(served, 2);
    await stale.close();
  });

  test('without JavaScript the page says so and links to the lists', async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(site.url + 'search/?q=' + encodeURIComponent('养老'));
    const text = await page.textContent('main');
    assert.match(text, /站内搜索需要浏览器启用 JavaScript/);
    assert.ok(await page.isVisible('.search-noscript'));
    assert.equal(await page.getAttribute('.search-noscript a', 'href'), '/yshsl/cases/');
    await ctx.close();
  });

  test('no page error, no request to another host', () => {
    assert.deepEqual(errors, []);
    assert.deepEqual(foreign, []);
  });
});
