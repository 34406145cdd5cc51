// check-html.mjs -- open docs/qlinear.html in a real browser (Debian's
// chromium, driven by playwright-core) and check what a reader would
// notice: console errors, images that do not load, missing MathML, and
// links to chunks, sections or figures that lead nowhere; captions not
// numbered "Figure N"; headings numbered with a ".0." (a skipped level);
// and, on a 390 px phone screen, a page that scrolls sideways (only
// code and math blocks may, inside themselves) or code that lost its
// indentation, or a figure whose smallest label is drawn smaller than
// 9 CSS px.  Saves a screenshot of the first screen.
// Usage: node check-html.mjs HTML PNG
import { chromium } from "playwright-core";
import { pathToFileURL } from "node:url";
import path from "node:path";
import fs from "node:fs";

const [html, shot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update",
         "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
const problems = [];
page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
page.on("requestfailed", (r) => problems.push(`failed to load ${r.url()}`));
await page.goto(pathToFileURL(path.resolve(html)).href, { waitUntil: "load" });

const report = await page.evaluate(() => {
  const imgs = [...document.images];
  const broken = imgs.filter((i) => !i.complete || i.naturalWidth === 0)
                     .map((i) => i.getAttribute("src"));
  const links = [...document.querySelectorAll('a[href^="#"]')];
  const dangling = links.map((a) => decodeURIComponent(a.getAttribute("href").slice(1)))
                        .filter((id) => id && !document.getElementById(id));
  const chunkLinks = links.filter((a) => a.getAttribute("href").startsWith("#nw-")).length;
  const figRefs = links.filter((a) => a.getAttribute("href").startsWith("#fig:")).length;
  const captions = [...document.querySelectorAll("figcaption")]
                     .map((c) => c.textContent.trim());
  const zeroHeadings = [...document.querySelectorAll("[data-number]")]
    .map((h) => h.getAttribute("data-number"))
    .filter((n) => /(^|\.)0(\.|$)/.test(n));
  return { images: imgs.length, broken, links: links.length, dangling,
           chunkLinks, figRefs, math: document.querySelectorAll("math").length,
           captions, zeroHeadings };
});
if (report.images === 0) problems.push("no images in the page");
for (const b of report.broken) problems.push(`image does not load: ${b}`);
for (const d of [...new Set(report.dangling)]) problems.push(`link to missing #${d}`);
if (report.math === 0) problems.push("no MathML in the page");
if (report.chunkLinks === 0) problems.push("no links between chunks");
if (report.figRefs === 0) problems.push("no figure references");
report.captions.forEach((c, i) => {
  if (!c.startsWith(`Figure ${i + 1}`))
    problems.push(`caption ${i + 1} is not numbered "Figure ${i + 1}": ${c.slice(0, 50)}`);
});
for (const h of report.zeroHeadings)
  problems.push(`heading numbered with a .0.: ${h}`);
await page.screenshot({ path: shot });

// A phone: 390 px wide.  The page itself must not scroll sideways;
// whatever is too wide must sit in a box that scrolls on its own.
await page.setViewportSize({ width: 390, height: 844 });
const narrow = await page.evaluate(() => {
  const vw = document.documentElement.clientWidth;
  const scrollsItself = (e) => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if ((o === "auto" || o === "scroll") && a.getBoundingClientRect().right <= vw + 1)
        return true;
    }
    return false;
  };
  const wide = [...document.body.querySelectorAll("*")]
    .filter((e) => e.getBoundingClientRect().right > vw + 1 && !scrollsItself(e))
    .filter((e) => !e.parentElement || e.parentElement.getBoundingClientRect().right <= vw + 1
                   || e.parentElement === document.body)
    .map((e) => `<${e.tagName.toLowerCase()}> "${(e.textContent || "").trim().slice(0, 40)}"`);
  const pres = [...document.querySelectorAll("pre")];
  const flattened = pres.filter((p) => getComputedStyle(p).whiteSpace !== "pre")
                        .map((p) => p.textContent.slice(0, 40));
  const indented = pres.some((p) => /\n {4}\S/.test(p.textContent));
  return { pageScroll: document.documentElement.scrollWidth > vw, vw,
           scrollWidth: document.documentElement.scrollWidth,
           wide: wide.slice(0, 8), flattened: flattened.slice(0, 3), indented };
});
// Every figure's smallest label at 390 px: the smallest font-size in
// its SVG, times the scale at which the page draws the image.
const figs = await page.evaluate(() => [...document.querySelectorAll("figure img")]
  .map((i) => ({ src: i.getAttribute("src"), width: i.getBoundingClientRect().width })));
for (const f of figs) {
  if (!/\.svg$/.test(f.src)) continue;
  const svg = fs.readFileSync(path.resolve(path.dirname(html), f.src), "utf8");
  const box = /viewBox="[\d.]+ [\d.]+ ([\d.]+)/.exec(svg);
  const sizes = [...svg.matchAll(/font-size[=:]"?([\d.]+)/g)].map((m) => Number(m[1]));
  if (!box || sizes.length === 0) continue;
  const px = Math.min(...sizes) * f.width / Number(box[1]);
  if (px < 9)
    problems.push(`at 390 px the smallest label of ${f.src} is ${px.toFixed(1)} px (< 9)`);
}
if (narrow.pageScroll)
  problems.push(`at 390 px the page scrolls sideways (${narrow.scrollWidth} px > ${narrow.vw} px)`);
for (const w of narrow.wide) problems.push(`at 390 px wider than the screen: ${w}`);
for (const f of narrow.flattened)
  problems.push(`at 390 px code does not keep its white space: ${JSON.stringify(f)}`);
if (!narrow.indented) problems.push("at 390 px no code block keeps an indented line");
const fig = await page.$("figure");
if (fig) await fig.screenshot({ path: shot.replace(/\.png$/, "-figure.png") });
await browser.close();

console.log(`check-html: ${report.images} images, ${report.math} MathML formulas, ` +
            `${report.links} internal links (${report.chunkLinks} to chunks, ` +
            `${report.figRefs} to figures); screenshot ${shot}`);
for (const p of problems) console.log(`check-html: ${p}`);
process.exit(problems.length ? 1 : 0);
