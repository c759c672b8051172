import assert from "node:assert/strict";
import { statSync } from "node:fs";
import type { Page } from "playwright-core";
import { VIEWPORTS, axeViolations, describeViolations, screenshotPath } from "./browser.ts";
export { freePort } from "./free-port.ts";

/** Buttons, links, fields and textareas smaller than 44 × 44 px, as `tag "text" W×H`. */
export async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const small: string[] = [];
    for (const element of document.querySelectorAll<HTMLElement>("a[href], button, input:not([type=hidden]), select, textarea, summary")) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) {
        continue;
      }
      if (box.width < 44 || box.height < 44) {
        small.push(`${element.tagName.toLowerCase()} "${(element.textContent ?? "").trim().slice(0, 30)}" ${Math.round(box.width)}×${Math.round(box.height)}`);
      }
    }
    return small;
  });
}

/** Elements whose computed font is monospace: staff pages use the Japanese sans-serif stack throughout. */
export async function monospaceElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    for (const element of document.querySelectorAll<HTMLElement>("body *")) {
      if (/monospace|IPAGothic(?!\w)/.test(getComputedStyle(element).fontFamily) && (element.textContent ?? "").trim() !== "") {
        found.push(`${element.tagName.toLowerCase()}: ${getComputedStyle(element).fontFamily}`);
      }
    }
    return found;
  });
}

/**
 * Looks at the page as it is now at the phone and the desktop width (STYLE 20): a
 * screenshot in test-output/screenshots/NAME-phone.png and -desktop.png, axe-core with no
 * violation, nothing wider than the screen (tables scroll in their own box), every
 * target at least 44 × 44 px, no monospace text. Returns the screenshot paths.
 */
export async function checkPageAtBothWidths(page: Page, name: string): Promise<string[]> {
  const files: string[] = [];
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    // Two frames after the resize: a full-page screenshot taken at once showed a table in its
    // scrolling box as an empty box (its layer not painted yet), though the page was right.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const file = screenshotPath(`${name}-${viewport.name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    assert.ok(statSync(file).size > 1000, `${file} written`);
    files.push(file);
    assert.deepEqual(describeViolations(await axeViolations(page)), [], `${name} at ${viewport.width} px: axe-core violations`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0, `${name} at ${viewport.width} px: nothing wider than the screen`);
    assert.deepEqual(await smallTargets(page), [], `${name} at ${viewport.width} px: targets under 44 px`);
    assert.deepEqual(await monospaceElements(page), [], `${name} at ${viewport.width} px: monospace text`);
  }
  return files;
}
