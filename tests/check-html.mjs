// check-html.mjs -- open docs/qlinear.html in a real browser (Debian's
// chromium, driven by playwright-core) and check what a reader would
// notice: console errors, images that do not load, missing MathML, and
// links to chunks, sections or figures that lead nowhere.  Saves a
// screenshot of the first screen.  Usage: node check-html.mjs HTML PNG
import { chromium } from "playwright-core";
import { pathToFileURL } from "node:url";
import path from "node:path";

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
  return { images: imgs.length, broken, links: links.length, dangling,
           chunkLinks, figRefs, math: document.querySelectorAll("math").length };
});
if (report.images === 0) problems.push("no images in the page");
for (const b of report.broken) problems.push(`image does not load: ${b}`);
for (const d of [...new Set(report.dangling)]) problems.push(`link to missing #${d}`);
if (report.math === 0) problems.push("no MathML in the page");
if (report.chunkLinks === 0) problems.push("no links between chunks");
if (report.figRefs === 0) problems.push("no figure references");
await page.screenshot({ path: shot });
const fig = await page.$("figure");
if (fig) await fig.screenshot({ path: shot.replace(/\.png$/, "-figure.png") });
await browser.close();

console.log(`check-html: ${report.images} images, ${report.math} MathML formulas, ` +
            `${report.links} internal links (${report.chunkLinks} to chunks, ` +
            `${report.figRefs} to figures); screenshot ${shot}`);
for (const p of problems) console.log(`check-html: ${p}`);
process.exit(problems.length ? 1 : 0);
