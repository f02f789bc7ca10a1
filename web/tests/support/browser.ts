// Debian's Chromium, headless, driven by puppeteer-core (nothing downloaded), with a screenshot
// of every step under $STACK_RUN_DIR/browser and the checks every page must pass: each form
// field has a label, and nothing failed in the page's console.
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";

import { env, publicUrl } from "./stack.js";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// axe-core (Deque's accessibility rules, WCAG 2.1 A/AA), put into each page for the audit.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export async function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // As root in a container Chromium's sandbox cannot start; the pages are our own.
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--lang=nl-BE"],
    defaultViewport: { width: 1280, height: 900 },
  });
}

let step = 0;

export class Person {
  readonly page: Page;
  readonly problems: string[] = [];

  private constructor(
    page: Page,
    readonly who: string,
  ) {
    this.page = page;
    page.on("pageerror", (error) => this.problems.push(`${who}: page error: ${String(error)}`));
    page.on("console", (message) => {
      if (message.type() === "error") {
        this.problems.push(`${who}: console: ${message.text()} (${message.location().url ?? ""})`);
      }
    });
  }

  // Each person in their own browser context (own sessionStorage, as two people at two desks).
  static async open(browser: Browser, who: string): Promise<Person> {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    // The pages allow only their own scripts (CSP); the audit's script is the test's.
    await page.setBypassCSP(true);
    return new Person(page, who);
  }

  async screenshot(name: string): Promise<string> {
    const dir = join(env("STACK_RUN_DIR"), "browser");
    mkdirSync(dir, { recursive: true });
    step += 1;
    const file = join(dir, `${String(step).padStart(2, "0")}-${this.who}-${name}.png`);
    await this.page.screenshot({ path: file, fullPage: true });
    return file;
  }

  // Every visible input, select and textarea has a label (label element, aria-label or
  // aria-labelledby): returns the ones that do not.
  async unlabelledFields(): Promise<string[]> {
    return this.page.evaluate(() =>
      Array.from(document.querySelectorAll("input, select, textarea"))
        .filter((el) => (el as HTMLInputElement).type !== "hidden")
        .filter((el) => {
          const field = el as HTMLInputElement;
          return (
            !(field.labels && field.labels.length > 0) &&
            !field.getAttribute("aria-label") &&
            !field.getAttribute("aria-labelledby")
          );
        })
        .map((el) => el.outerHTML.slice(0, 120)),
    );
  }

  // The WCAG 2.1 A and AA rules axe-core checks, on the page as it is now: the serious and
  // critical violations, as "rule: element" lines.
  async accessibilityViolations(): Promise<string[]> {
    await this.page.evaluate(AXE_SOURCE);
    return this.page.evaluate(async () => {
      const axe = (
        window as unknown as {
          axe: {
            run: (
              ctx: unknown,
              opts: unknown,
            ) => Promise<{
              violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }>;
            }>;
          };
        }
      ).axe;
      const result = await axe.run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
      });
      return result.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")}`));
    });
  }

  // Signs in through the development identity provider's page by typing the INSZ.
  async signIn(insz: string, givenName: string, familyName: string): Promise<void> {
    await this.page.goto(`${publicUrl()}/`);
    await this.page.locator("::-p-aria(Aanmelden met een digitale sleutel)").click();
    await this.page.waitForSelector("#insz");
    await this.page.type("#insz", insz);
    await this.page.type("#given_name", givenName);
    await this.page.type("#family_name", familyName);
    await this.page.select("#amr", "itsme");
    await this.page.locator('::-p-aria([name="Aanmelden"][role="button"])').click();
    await this.page.waitForFunction(() => location.pathname === "/kies");
  }

  // The text of the main region.
  async mainText(): Promise<string> {
    return this.page.$eval("main", (main) => (main as HTMLElement).innerText);
  }

  async close(): Promise<void> {
    await this.page.browserContext().close();
  }
}
