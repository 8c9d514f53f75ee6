// compositor preview: the pages, replaced in place when a save changes them.
"use strict";

const token = document.querySelector('meta[name="preview-token"]').content;
const state = { build: null, pages: [], editor: false, shown: null, scale: 2 };
window.previewSwaps = 0; // how many page images were replaced (tests, benchmark)

function withToken(path, params = {}) {
  const query = new URLSearchParams({ ...params, token });
  return `${path}?${query}`;
}

async function api(path, params) {
  const response = await fetch(withToken(path, params));
  return { status: response.status, body: await response.json() };
}

// As many image pixels per CSS pixel as the screen has (1, 2 or 3): sharp, and no more
// pixels than the screen shows to draw, send and decode after each save.
function pixelScale() {
  return Math.min(3, Math.max(1, Math.round(window.devicePixelRatio || 1)));
}

function say(text) {
  document.getElementById("status").textContent = text;
}

function showError(text) {
  const box = document.getElementById("error");
  box.hidden = !text;
  box.textContent = text ? `构建失败，显示的是上次成功的版面。Build failed; these are the last good pages.\n${text}` : "";
}

function pageItem(page) {
  const item = document.createElement("li");
  item.className = "page";
  item.id = `page-${page.number}`;
  item.tabIndex = -1;
  item.dataset.number = page.number;
  const image = document.createElement("img");
  image.alt = `第 ${page.number} 页 Page ${page.number}`;
  image.loading = "lazy";
  image.addEventListener("click", (event) => findSource(event, item));
  const number = document.createElement("span");
  number.className = "number";
  number.textContent = page.number;
  number.setAttribute("aria-hidden", "true");
  item.append(image, number);
  return item;
}

function sizePage(item, page) {
  item.style.width = `min(${page.width_mm}mm, 100%)`;
  const image = item.querySelector("img");
  image.width = Math.round(page.width_mm * 96 / 25.4);
  image.height = Math.round(page.height_mm * 96 / 25.4);
  item.dataset.width = page.width_mm;
  item.dataset.height = page.height_mm;
}

async function swapImage(item, url) {
  const image = item.querySelector("img");
  if (image.dataset.src === url) return false;
  const first = !image.dataset.src;
  image.dataset.src = url;
  if (first) {
    image.src = url;
    return false;
  }
  // Draw the new page off screen first, so the old one stays until the new one is ready.
  const next = new Image();
  next.src = url;
  try { await next.decode(); } catch (error) { /* shown as it comes */ }
  if (image.dataset.src !== url) return false; // a later build replaced it meanwhile
  image.src = url;
  try { await image.decode(); } catch (error) { /* ignore */ }
  window.previewSwaps += 1;
  window.previewLastSwap = { page: Number(item.dataset.number), url };
  return true;
}

function drawMarks(item, kind, rects) {
  item.querySelectorAll(`.mark.${kind}`).forEach((mark) => mark.remove());
  const width = Number(item.dataset.width);
  const height = Number(item.dataset.height);
  for (const rect of rects) {
    const mark = document.createElement("div");
    mark.className = `mark ${kind}`;
    mark.style.left = `${(rect.x / width) * 100}%`;
    mark.style.top = `${(rect.y / height) * 100}%`;
    mark.style.width = `${Math.min(rect.width / width, 1) * 100}%`;
    mark.style.height = `${Math.min(rect.height / height, 1) * 100}%`;
    item.append(mark);
  }
}

async function loadPages() {
  const { body } = await api("/api/pages");
  await showPages(body);
}

// What /api/pages gives, which a "build" event also carries.
async function showPages(body) {
  if (body.editor !== undefined) state.editor = body.editor;
  state.shown = body;
  state.scale = pixelScale();
  const list = document.getElementById("pages");
  const swaps = [];
  body.pages.forEach((page, index) => {
    let item = list.children[index];
    if (!item) {
      item = pageItem(page);
      list.append(item);
    }
    sizePage(item, page);
    swaps.push(swapImage(item, withToken(page.image, { scale: state.scale })));
    drawMarks(item, "difference", page.differences || []);
  });
  while (list.children.length > body.pages.length) list.lastElementChild.remove();
  state.pages = body.pages;
  state.build = body.build;
  document.documentElement.dataset.build = body.build;
  showError(body.error);
  const changed = (await Promise.all(swaps)).filter(Boolean).length;
  say(`${body.pages.length} 页 pages` + (changed ? ` · 更新 ${changed} 页 updated` : ""));
}

async function loadFindings() {
  const { body } = await api("/api/findings");
  const list = document.getElementById("findings");
  list.replaceChildren();
  document.getElementById("findings-count").textContent = `(${body.findings.length})`;
  for (const finding of body.findings) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    const where = document.createElement("span");
    where.className = `where ${finding.level}`;
    where.textContent = `${finding.file}:${finding.line}:${finding.column} ${finding.level}`;
    button.append(where, document.createTextNode(finding.message));
    button.addEventListener("click", () => showFinding(finding));
    item.append(button);
    list.append(item);
  }
}

function showFinding(finding) {
  document.querySelectorAll(".mark.finding").forEach((mark) => mark.remove());
  if (!finding.page) {
    say(`${finding.file}:${finding.line} 未印在版面上 is not printed on a page`);
    return;
  }
  const item = document.getElementById(`page-${finding.page}`);
  drawMarks(item, "finding", [finding.rect]);
  const mark = item.querySelector(".mark.finding");
  mark.scrollIntoView({ block: "center" });
  item.focus({ preventScroll: true });
  say(`第 ${finding.page} 页 page ${finding.page}: ${finding.file}:${finding.line}`);
}

async function findSource(event, item) {
  const box = event.currentTarget.getBoundingClientRect();
  const x = ((event.clientX - box.left) / box.width) * Number(item.dataset.width);
  const y = ((event.clientY - box.top) / box.height) * Number(item.dataset.height);
  const page = Number(item.dataset.number);
  const { status, body } = await api("/api/source", { page, x: x.toFixed(2), y: y.toFixed(2) });
  const output = document.getElementById("source");
  if (status !== 200) {
    output.textContent = `第 ${page} 页此处没有来自源文件的内容。Nothing from the source here.`;
    window.previewLastSource = null;
    return;
  }
  output.textContent = `${body.file}:${body.line}:${body.column}`;
  window.previewLastSource = body;
  if (state.editor) {
    await fetch(withToken("/api/open"), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  }
}

function currentPage() {
  const items = [...document.querySelectorAll(".page")];
  const top = document.querySelector(".bar").getBoundingClientRect().bottom;
  const index = items.findIndex((item) => item.getBoundingClientRect().bottom > top + 10);
  return Math.max(index, 0);
}

// The buttons keep the focus (Enter again turns again); j and k move it to the page.
function turn(step, focusPage) {
  const items = [...document.querySelectorAll(".page")];
  if (!items.length) return;
  const target = items[Math.min(Math.max(currentPage() + step, 0), items.length - 1)];
  target.scrollIntoView({ block: "start" });
  if (focusPage) target.focus({ preventScroll: true });
  say(`第 ${target.dataset.number} 页 page ${target.dataset.number}`);
}

function listen() {
  const events = new EventSource(withToken("/api/events"));
  events.addEventListener("build", (event) => {
    const data = JSON.parse(event.data);
    if (data.build !== state.build) (data.pages ? showPages(data) : loadPages());
    else showError("");
  });
  events.addEventListener("error", (event) => {
    if (!event.data) return; // the connection's own error: EventSource reconnects
    showError(JSON.parse(event.data).error);
    say("构建失败 build failed");
  });
  events.addEventListener("findings", () => loadFindings());
}

// Zooming or moving to another screen changes the pixels per CSS pixel: ask again.
window.addEventListener("resize", () => {
  if (state.shown && pixelScale() !== state.scale) showPages(state.shown);
});
document.getElementById("previous").addEventListener("click", () => turn(-1, false));
document.getElementById("next").addEventListener("click", () => turn(1, false));
document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.target.closest && event.target.closest("input, textarea")) return;
  if (event.key === "j") turn(1, true);
  if (event.key === "k") turn(-1, true);
});

loadPages().then(loadFindings).then(listen);
