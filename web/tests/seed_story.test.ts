// The seed's story by clicking, in Debian's Chromium: a school's local administrator adds a
// teacher in gebruikersbeheer; the teacher signs in with a digital key, clicks the school (not
// their personal name), the black 'Aanvraag' button, the blue 'Gebruikersrecht aanvragen';
// the administrator gets the mail, approves in gebruikersbeheer; the teacher gets the mail and
// then finds 'aanvragen' and 'Registreren' under 'Opleidingsdatabank Vlaamse
// opleidingsincentives'; registers a participant (a wrong INSZ refused at its field), checks,
// confirms and gets the ontvangstbevestiging and its mail. Every page: labelled fields, no
// script errors, a screenshot.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Browser } from "puppeteer-core";

import { ImportOutcome, OrganizationKind } from "../src/gen/wse/identity/v1/directory_pb.js";
import {
  DeliveryMode,
  ImportOutcome as TrainingImportOutcome,
  TrainingType,
} from "../src/gen/wse/registration/v1/training_pb.js";
import { schoolYearOf } from "../src/app/school_years.js";
import { launchBrowser, Person } from "./support/browser.js";
import { newInstitutionNumber, newInsz, operatorClients, waitForMail } from "./support/stack.js";

const run = Math.random().toString(36).slice(2, 8);
const school = { number: newInstitutionNumber(), name: `Browserschool ${run}` };
const admin = {
  insz: newInsz(),
  given: "Lotte",
  family: `Beheer${run}`,
  email: `lotte.${run}@browserschool.example`,
};
const training = { odb: `ODB-B${run.toUpperCase()}`, title: `Lassen voor beginners ${run}` };
const participant = { insz: newInsz(), name: "Ann Cursist" };
const uploaded = { insz: newInsz(), name: "Bert Cursist" };
const teacher = {
  insz: newInsz(),
  given: "Tom",
  family: `Leraar${run}`,
  email: `tom.${run}@browserschool.example`,
};

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
  for (const result of persons.results)
    assert.notEqual(result.outcome, ImportOutcome.FAILED, JSON.stringify(result));
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
  // A recognised classroom training of the school that runs in the current school year.
  const firstYear = Number(schoolYearOf(new Date()).slice(0, 4));
  const trainings = await operator.registration.batchImportTrainings({
    trainings: [
      {
        odbNumber: training.odb,
        providerOrganization: organizations.results[0].resource,
        title: training.title,
        type: TrainingType.CONTACT_HOURS,
        plannedHours: 40,
        startDate: { year: firstYear, month: 9, day: 15 },
        endDate: { year: firstYear + 1, month: 6, day: 30 },
        recognitionStartDate: { year: firstYear - 1, month: 9, day: 1 },
        deliveryMode: DeliveryMode.CLASSROOM,
      },
    ],
  });
  for (const result of trainings.results) {
    assert.notEqual(result.outcome, TrainingImportOutcome.FAILED, JSON.stringify(result));
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
  assert.deepEqual(await person.accessibilityViolations(), [], `${name}: WCAG 2.1 AA (axe-core)`);
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

  // The teacher does not manage users: no 'Gebruikersbeheer' in the menu (once the header
  // shows their name, the same answer has decided the menu).
  await tom.page.waitForFunction(
    (name: string) => document.querySelector(".who")?.textContent?.includes(name),
    {},
    `${teacher.given} ${teacher.family}`,
  );
  assert.equal(await tom.page.$('nav[aria-label="Menu"] a[href="/gebruikersbeheer"]'), null);

  // A copy of the tab (window.open copies sessionStorage, refresh token included) gives its
  // copy of the session up; the original stays signed in.
  const copy = await tom.page.evaluate(() => {
    window.open(location.href, "_blank");
  });
  void copy;
  const target = await browser.waitForTarget((t) => t.opener() === tom.page.target());
  const copied = (await target.page())!;
  await copied.waitForFunction(() => document.body.innerText.includes("Aanmelden met een digitale sleutel"));
  await tom.page.reload();
  await tom.page.waitForSelector('nav[aria-label="Menu"] a.button.black');
  await copied.close();

  // The black 'Aanvraag' button in the menu on the right.
  const aanvraag = await tom.page.waitForSelector('nav[aria-label="Menu"] a.button.black');
  assert.equal(await aanvraag!.evaluate((a) => a.textContent), "Aanvraag");
  await aanvraag!.click();
  await tom.page.locator('::-p-aria([name="Gebruikersrecht aanvragen"][role="button"])').wait();
  const screen = await tom.mainText();
  assert.match(screen, /Vlaams opleidingsverlof/);
  assert.match(screen, /Aanwezigheid\/deelname registreren/);
  await checkPage(tom, "aanvraag-zonder-recht");

  // 'Gebruikersrecht aanvragen' with a reason, with the keyboard only.
  await tabTo(tom, "Gebruikersrecht aanvragen");
  await tom.page.keyboard.press("Enter");
  await tom.page.waitForSelector("#reason");
  await checkPage(tom, "motivering");
  await tabToField(tom, "reason");
  await tom.page.keyboard.type("Ik registreer de aanwezigheden van onze cursisten.");
  await tabTo(tom, "Aanvraag versturen");
  await tom.page.keyboard.press("Enter");
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
  await lotte.page
    .locator(`::-p-aria([name="Goedkeuren (${teacher.given} ${teacher.family})"][role="button"])`)
    .wait();
  await checkPage(lotte, "aanvraag-wacht");
  await lotte.page
    .locator(`::-p-aria([name="Goedkeuren (${teacher.given} ${teacher.family})"][role="button"])`)
    .click();
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

  // 'Registreren': step 1, the training and the school year.
  await tom.page.locator('::-p-aria([name="Registreren"][role="button"])').click();
  await tom.page.waitForSelector("#training");
  const offered = await tom.page.$eval("#training", (s) => (s as HTMLSelectElement).innerText);
  assert.match(offered, new RegExp(training.title));
  await checkPage(tom, "stap-1-opleiding");
  await tom.page.locator('::-p-aria([name="Volgende: deelnemers"][role="button"])').click();
  await tom.page.waitForSelector("#p-insz");

  // Step 2: a participant with a wrong INSZ is refused at the INSZ field.
  await tom.page.type("#p-insz", "85073003399");
  await tom.page.type("#p-present", "38");
  await tom.page.locator('::-p-aria([name="Deelnemer toevoegen"][role="button"])').click();
  const inszError = await tom.page.waitForSelector("#p-insz-error");
  assert.match(await inszError!.evaluate((e) => e.textContent ?? ""), /INSZ|rijksregister/i);
  assert.equal(await tom.page.$eval("#p-insz", (e) => e.getAttribute("aria-invalid")), "true");
  await checkPage(tom, "stap-2-fout-insz");

  // The right one, with 38 of 40 hours and 2 hours of unjustified absence.
  await tom.page.$eval("#p-insz", (e) => ((e as HTMLInputElement).value = ""));
  await tom.page.type("#p-insz", participant.insz);
  await tom.page.type("#p-name", participant.name);
  await tom.page.$eval("#p-absent", (e) => ((e as HTMLInputElement).value = ""));
  await tom.page.type("#p-absent", "2");
  await tom.page.locator('::-p-aria([name="Deelnemer toevoegen"][role="button"])').click();
  await tom.page.waitForFunction(
    (name: string) => document.querySelector("tbody")?.textContent?.includes(name),
    {},
    participant.name,
  );
  await checkPage(tom, "stap-2-deelnemer");

  // A CSV file: one good row, one the service refuses (INSZ), one that cannot be read (hours).
  const csv = join(mkdtempSync(join(tmpdir(), "wse-csv-")), "deelnemers.csv");
  writeFileSync(
    csv,
    "insz;naam;aanwezige_uren;te_volgen_contacturen;ongewettigde_afwezigheid;eindevaluatie;traject_voltooid;examencontract\n" +
      `${uploaded.insz};${uploaded.name};40;40;0;deelgenomen;ja;nee\n` +
      "85073003399;Fout Insz;40;40;0;deelgenomen;ja;nee\n" +
      `${newInsz()};Fout Uren;veel;40;0;deelgenomen;ja;nee\n`,
  );
  const fileInput = await tom.page.waitForSelector("#csv-file");
  await (fileInput as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(csv);
  await tom.page.locator('::-p-aria([name="Bestand opladen"][role="button"])').click();
  await tom.page.waitForSelector("table.row-errors");
  const summary = await tom.page.$eval(
    "form[aria-labelledby=opladen] [role=status]",
    (e) => e.textContent ?? "",
  );
  assert.match(summary, /1 deelnemer\(s\) opgeladen, 2 rij\(en\) geweigerd/);
  const rowErrors = await tom.page.$$eval("table.row-errors tbody tr", (rows) =>
    rows.map((r) => Array.from(r.querySelectorAll("td")).map((c) => c.textContent ?? "")),
  );
  assert.deepEqual(
    rowErrors.map(([row, column]) => [row, column]),
    [
      ["3", "insz"],
      ["4", "aanwezige_uren"],
    ],
  );
  await tom.page.waitForFunction(
    (name: string) => document.querySelector("tbody")?.textContent?.includes(name),
    {},
    uploaded.name,
  );
  await checkPage(tom, "stap-2-csv-opgeladen");

  // Step 3: 'Controleren', then 'Bevestigen'.
  await tom.page.locator('::-p-aria([name="Controleren"][role="button"])').click();
  await tom.page.waitForFunction(() => document.body.innerText.includes("Alles in orde"));
  await checkPage(tom, "stap-3-gecontroleerd");
  await tom.page.locator('::-p-aria([name="Bevestigen"][role="button"])').click();
  await tom.page.waitForFunction(() => location.pathname.startsWith("/ontvangstbevestiging/"));
  await tom.page.waitForSelector(".hash code");
  const receipt = await tom.mainText();
  const reference = /VOV-\d{4}-\d{6}-[A-Z]/.exec(receipt)?.[0];
  assert.ok(reference, `a receipt reference in: ${receipt}`);
  assert.match(receipt, new RegExp(training.title));
  assert.match(receipt, /Ann Cursist/);
  assert.match(receipt, /Bert Cursist/);
  assert.match(await tom.page.$eval(".hash code", (e) => e.textContent ?? ""), /^[0-9a-f]{64}$/);
  await checkPage(tom, "ontvangstbevestiging");

  // Its mail, with the same reference.
  const receiptMail = await waitForMail(teacher.email, (m) => m.subject.includes(reference!));
  assert.match(receiptMail.subject, /Ontvangstbevestiging/);

  // 'Mijn registraties' lists it, version 1.
  await tom.page.locator('::-p-aria([name="Mijn registraties"][role="link"])').click();
  await tom.page.waitForFunction(
    (odb: string) => document.querySelector("main")?.textContent?.includes(odb),
    {},
    training.odb,
  );
  assert.match(await tom.mainText(), /Versie 1/);
  await checkPage(tom, "mijn-registraties");

  // A correction: Bert leaves the registration; version 2 with its own receipt.
  await tom.page.locator('::-p-aria([name="Corrigeren"][role="button"])').click();
  await tom.page.locator(`::-p-aria([name="Verwijderen (${uploaded.name})"][role="button"])`).click();
  await tom.page.waitForFunction(
    (name: string) => !document.querySelector("tbody")?.textContent?.includes(name),
    {},
    uploaded.name,
  );
  await tom.page.locator('::-p-aria([name="Controleren"][role="button"])').click();
  await tom.page.waitForFunction(() => document.body.innerText.includes("Alles in orde"));
  await tom.page.locator('::-p-aria([name="Bevestigen"][role="button"])').click();
  await tom.page.waitForFunction(() => document.body.innerText.includes("Uw correctie is ontvangen."));
  const corrected = await tom.mainText();
  assert.doesNotMatch(corrected, /Bert Cursist/);
  await checkPage(tom, "correctie-ontvangen");

  // A withdrawal with its reason; its receipt says so.
  await tom.page.locator('::-p-aria([name="Naar mijn registraties"][role="link"])').click();
  await tom.page.waitForFunction(() => document.body.innerText.includes("Versie 2"));
  await tom.page.locator('::-p-aria([name="Intrekken"][role="button"])').click();
  const reasonField = await tom.page.waitForSelector("input[id^=withdraw-]");
  await reasonField!.type("Dubbel ingediend.");
  await tom.page.locator('::-p-aria([name="Intrekking bevestigen"][role="button"])').click();
  await tom.page.waitForFunction(() => document.body.innerText.includes("Uw intrekking is ontvangen."));
  assert.match(await tom.mainText(), /Dubbel ingediend\./);
  await checkPage(tom, "intrekking-ontvangen");

  for (const person of people) assert.deepEqual(person.problems, []);
});

// Presses Tab until the focused element's text contains `text` (at most 40 times).
test("someone who belongs to no organisation sees only their name and the 1700 guidance", async () => {
  const els = await open("zonder-organisatie");
  const insz = newInsz();
  await els.signIn(insz, "Els", `Nergens${run}`);
  await els.page.waitForSelector(".guidance");
  const text = await els.mainText();
  assert.match(text, /1700/);
  assert.match(text, /gebruikersbeheer/i);
  assert.equal(await els.page.$("ul.choices"), null, "no organisation to choose");
  await checkPage(els, "alleen-persoonlijke-naam");
  // The audit is no formality: an image without a text alternative is reported.
  await els.page.evaluate(() => {
    const img = document.createElement("img");
    img.id = "audit-self-check";
    img.src = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
    document.querySelector("main")!.append(img);
  });
  assert.ok(
    (await els.accessibilityViolations()).some((v) => v.startsWith("image-alt:")),
    "axe-core must see a missing alt text",
  );
  await els.page.evaluate(() => document.getElementById("audit-self-check")!.remove());
});

test("a local administrator rejects a request with a reason; the requester is mailed it", async () => {
  const operator = operatorClients();
  const other = {
    insz: newInsz(),
    given: "Pieter",
    family: `Weigering${run}`,
    email: `pieter.${run}@browserschool.example`,
  };
  await operator.identity.batchImportPersons({
    persons: [
      {
        insz: other.insz,
        givenName: other.given,
        familyName: other.family,
        emailAddress: other.email,
        preferredLocale: "nl",
      },
    ],
  });
  const lotte = await open("beheerder-2");
  await lotte.signIn(admin.insz, admin.given, admin.family);
  await lotte.page.locator(`::-p-aria([name="${school.name}"][role="button"])`).click();
  await lotte.page.locator('::-p-aria([name="Gebruikersbeheer"][role="link"])').click();
  await lotte.page.waitForSelector("#new-insz");
  await lotte.page.type("#new-insz", other.insz);
  await lotte.page.locator('::-p-aria([name="Gebruiker toevoegen"][role="button"])').click();
  await lotte.page.waitForFunction(
    (family: string) => document.querySelector("main")?.textContent?.includes(`${family} is toegevoegd`),
    {},
    other.family,
  );

  const pieter = await open("aanvrager-2");
  await pieter.signIn(other.insz, other.given, other.family);
  await pieter.page.locator(`::-p-aria([name="${school.name}"][role="button"])`).click();
  await pieter.page.waitForSelector('nav[aria-label="Menu"] a.button.black');
  await pieter.page.click('nav[aria-label="Menu"] a.button.black');
  await pieter.page.locator('::-p-aria([name="Gebruikersrecht aanvragen"][role="button"])').click();
  await pieter.page.type("#reason", "Ik wil registreren.");
  await pieter.page.locator('::-p-aria([name="Aanvraag versturen"][role="button"])').click();
  await pieter.page.waitForSelector(".success");

  await lotte.page.reload();
  const who = `${other.given} ${other.family}`;
  await lotte.page.locator(`::-p-aria([name="Weigeren (${who})"][role="button"])`).click();
  const reasonField = await lotte.page.waitForSelector("textarea[id^=reject-]");
  await reasonField!.type("U registreert niet voor onze school.");
  await checkPage(lotte, "weigering");
  await lotte.page.locator('::-p-aria([name="Weigering versturen"][role="button"])').click();
  await lotte.page.waitForFunction(() => document.body.innerText.includes("Er wachten geen aanvragen."));

  const refused = await waitForMail(other.email, (m) => /geweigerd/i.test(m.subject));
  assert.match(refused.text, /U registreert niet voor onze school\./);
  await pieter.page.reload();
  await pieter.page.locator('::-p-aria([name="Gebruikersrecht aanvragen"][role="button"])').wait();
  await checkPage(pieter, "na-weigering");
});

// Presses Tab until the form field with this id has the focus (at most 40 times).
async function tabToField(person: Person, id: string): Promise<void> {
  for (let i = 0; i < 40; i += 1) {
    await person.page.keyboard.press("Tab");
    if ((await person.page.evaluate(() => document.activeElement?.id ?? "")) === id) return;
  }
  assert.fail(`could not reach #${id} with the Tab key`);
}

async function tabTo(person: Person, text: string): Promise<void> {
  for (let i = 0; i < 40; i += 1) {
    await person.page.keyboard.press("Tab");
    const focused = await person.page.evaluate(() => document.activeElement?.textContent ?? "");
    if (focused.includes(text)) return;
  }
  assert.fail(`could not reach '${text}' with the Tab key`);
}
