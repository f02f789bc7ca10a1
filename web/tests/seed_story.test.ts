// The seed's story by clicking, in Debian's Chromium: a school's local administrator adds a
// teacher in gebruikersbeheer; the teacher signs in with a digital key, clicks the school (not
// their personal name), the black 'Aanvraag' button, the blue 'Gebruikersrecht aanvragen';
// the administrator gets the mail, approves in gebruikersbeheer; the teacher gets the mail and
// then finds 'aanvragen' and 'Registreren' under 'Opleidingsdatabank Vlaamse
// opleidingsincentives'. Every page: labelled fields, no script errors, a screenshot.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "puppeteer-core";

import { ImportOutcome, OrganizationKind } from "../src/gen/wse/identity/v1/directory_pb.js";
import { launchBrowser, Person } from "./support/browser.js";
import { newInstitutionNumber, newInsz, operatorClients, waitForMail } from "./support/stack.js";

const run = Math.random().toString(36).slice(2, 8);
const school = { number: newInstitutionNumber(), name: `Browserschool ${run}` };
const admin = { insz: newInsz(), given: "Lotte", family: `Beheer${run}`, email: `lotte.${run}@browserschool.example` };
const teacher = { insz: newInsz(), given: "Tom", family: `Leraar${run}`, email: `tom.${run}@browserschool.example` };

let browser: Browser;
const people: Person[] = [];

before(async () => {
  const operator = operatorClients();
  const persons = await operator.identity.batchImportPersons({
    persons: [admin, teacher].map((p) => ({
      insz: p.insz,
      givenName: p.given,
      familyName: p.family,
      emailAddress: p.email,
      preferredLocale: "nl",
    })),
  });
  for (const result of persons.results) assert.notEqual(result.outcome, ImportOutcome.FAILED, JSON.stringify(result));
  const organizations = await operator.identity.batchImportOrganizations({
    organizations: [
      {
        identifier: { identifier: { case: "institutionNumber", value: school.number } },
        kind: OrganizationKind.SCHOOL,
        displayName: school.name,
        emailAddress: `secretariaat.${run}@browserschool.example`,
        legalRepresentatives: [{ insz: admin.insz }],
      },
    ],
  });
  for (const result of organizations.results) {
    assert.notEqual(result.outcome, ImportOutcome.FAILED, JSON.stringify(result));
  }
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

async function open(who: string): Promise<Person> {
  const person = await Person.open(browser, who);
  people.push(person);
  return person;
}

async function checkPage(person: Person, name: string): Promise<void> {
  await person.screenshot(name);
  assert.deepEqual(await person.unlabelledFields(), [], `${name}: every field has a label`);
  assert.deepEqual(person.problems, [], `${name}: no script errors`);
}

test("the seed story, clicked through by the teacher and the local administrator", async () => {
  // The local administrator (legal representative) signs in and chooses the school.
  const lotte = await open("beheerder");
  await lotte.signIn(admin.insz, admin.given, admin.family);
  await lotte.page.locator(`::-p-aria([name="${school.name}"][role="button"])`).click();
  await lotte.page.waitForFunction(() => location.pathname === "/loket");
  await checkPage(lotte, "home");

  // Gebruikersbeheer: 'Gebruiker toevoegen' by INSZ.
  await lotte.page.locator('::-p-aria([name="Gebruikersbeheer"][role="link"])').click();
  await lotte.page.waitForSelector("#new-insz");
  await lotte.page.type("#new-insz", teacher.insz);
  await lotte.page.locator('::-p-aria([name="Gebruiker toevoegen"][role="button"])').click();
  await lotte.page.waitForFunction(
    (family: string) => document.querySelector("main")?.textContent?.includes(`${family} is toegevoegd`),
    {},
    teacher.family,
  );
  await checkPage(lotte, "gebruiker-toegevoegd");

  // The teacher signs in and sees the school and their personal name; with the keyboard only
  // they move to the school and press Enter.
  const tom = await open("leraar");
  await tom.signIn(teacher.insz, teacher.given, teacher.family);
  await tom.page.waitForFunction((name: string) => document.body.innerText.includes(name), {}, school.name);
  const choices = await tom.mainText();
  assert.match(choices, /dus niet op uw persoonlijke naam/);
  assert.match(choices, new RegExp(`${teacher.given} ${teacher.family}`));
  await checkPage(tom, "kies-organisatie");
  await tabTo(tom, school.name);
  await tom.page.keyboard.press("Enter");
  await tom.page.waitForFunction(() => location.pathname === "/loket");

  // The black 'Aanvraag' button in the menu on the right.
  const aanvraag = await tom.page.waitForSelector('nav[aria-label="Menu"] a.button.black');
  assert.equal(await aanvraag!.evaluate((a) => a.textContent), "Aanvraag");
  await aanvraag!.click();
  await tom.page.locator('::-p-aria([name="Gebruikersrecht aanvragen"][role="button"])').wait();
  const screen = await tom.mainText();
  assert.match(screen, /Vlaams opleidingsverlof/);
  assert.match(screen, /Aanwezigheid\/deelname registreren/);
  await checkPage(tom, "aanvraag-zonder-recht");

  // 'Gebruikersrecht aanvragen' with a reason.
  await tom.page.locator('::-p-aria([name="Gebruikersrecht aanvragen"][role="button"])').click();
  await tom.page.waitForSelector("#reason");
  await checkPage(tom, "motivering");
  await tom.page.type("#reason", "Ik registreer de aanwezigheden van onze cursisten.");
  await tom.page.locator('::-p-aria([name="Aanvraag versturen"][role="button"])').click();
  await tom.page.waitForSelector(".success");
  assert.match(await tom.mainText(), /Uw aanvraag is verstuurd/);
  // The pending request disables the button.
  await tom.page.waitForFunction(() =>
    Array.from(document.querySelectorAll("button")).some(
      (b) => b.textContent === "Gebruikersrecht aanvragen" && b.disabled,
    ),
  );
  await checkPage(tom, "aanvraag-verstuurd");

  // The local administrator gets the automatic mail.
  const asked = await waitForMail(admin.email, (m) => m.subject.includes("Nieuwe aanvraag gebruikersrecht"));
  assert.match(asked.subject, new RegExp(school.name));
  assert.match(asked.text, new RegExp(`${teacher.given} ${teacher.family}`));

  // ... and approves in gebruikersbeheer.
  await lotte.page.reload();
  await lotte.page.locator(`::-p-aria([name="Goedkeuren (${teacher.given} ${teacher.family})"][role="button"])`).wait();
  await checkPage(lotte, "aanvraag-wacht");
  await lotte.page.locator(`::-p-aria([name="Goedkeuren (${teacher.given} ${teacher.family})"][role="button"])`).click();
  await lotte.page.waitForFunction(() => document.body.innerText.includes("Er wachten geen aanvragen."));
  await checkPage(lotte, "aanvraag-goedgekeurd");

  // The teacher gets the mail that the right was granted, with the next step in the seed's words.
  const granted = await waitForMail(teacher.email, (m) => m.subject.includes("goedgekeurd"));
  assert.match(granted.text, /Aanvraag/);
  assert.match(granted.text, /Registreren/);

  // Back on 'Aanvraag': 'aanvragen', and 'Registreren' under the opleidingsdatabank's title.
  await tom.page.reload();
  await tom.page.locator('::-p-aria([name="aanvragen"][role="button"])').wait();
  const withRight = await tom.mainText();
  assert.match(withRight, /Opleidingsdatabank Vlaamse opleidingsincentives/);
  await tom.page.locator('::-p-aria([name="Registreren"][role="button"])').wait();
  await checkPage(tom, "aanvraag-met-recht");

  for (const person of people) assert.deepEqual(person.problems, []);
});

// Presses Tab until the focused element's text contains `text` (at most 40 times).
async function tabTo(person: Person, text: string): Promise<void> {
  for (let i = 0; i < 40; i += 1) {
    await person.page.keyboard.press("Tab");
    const focused = await person.page.evaluate(() => document.activeElement?.textContent ?? "");
    if (focused.includes(text)) return;
  }
  assert.fail(`could not reach '${text}' with the Tab key`);
}
