// The participants file reader, without a browser: columns, Belgian number and date forms,
// answers, and problems kept with their spreadsheet row numbers.
import assert from "node:assert/strict";
import { test } from "node:test";

import { FinalAssessment } from "../src/gen/wse/registration/v1/participant_pb.js";
import { columnOf, parseParticipantsCsv } from "../src/app/pages/registration/participants_csv.js";

test("reads attendance rows with ';', decimal commas and both date forms", () => {
  const file =
    "\uFEFFINSZ;naam;aanwezige_uren;te_volgen_contacturen;ongewettigde_afwezigheid;eindevaluatie;traject_voltooid;examencontract;einddatum\n" +
    "85073003328;Ann;38,5;40;1,5;deelgenomen;ja;nee;2026-06-30\n" +
    "\n" +
    "90010100123;Bert;40;40;;nog niet;;;30/06/2026\n";
  const parsed = parseParticipantsCsv(file);
  assert.equal(parsed.fileProblem, undefined);
  assert.deepEqual(parsed.problems, []);
  assert.equal(parsed.rows.length, 2);
  const [ann, bert] = parsed.rows;
  assert.equal(ann.rowNumber, 2);
  assert.equal(bert.rowNumber, 4, "an empty line keeps the numbering of the sheet");
  assert.deepEqual(ann.participant?.measurement, {
    case: "attendance",
    value: { hoursPresent: 38.5, contactHoursToFollow: 40, unjustifiedAbsenceHours: 1.5 },
  });
  assert.equal(ann.participant?.finalAssessment, FinalAssessment.PARTICIPATED);
  assert.equal(ann.participant?.routeCompleted, true);
  assert.equal(ann.participant?.examContract, false);
  assert.deepEqual(ann.participant?.actualEndDate, { year: 2026, month: 6, day: 30 });
  assert.equal(bert.participant?.finalAssessment, FinalAssessment.NOT_YET_HELD);
  assert.equal(bert.participant?.routeCompleted, undefined, "empty: not known yet");
  assert.deepEqual(bert.participant?.actualEndDate, { year: 2026, month: 6, day: 30 });
});

test("reads participation rows with modules", () => {
  const parsed = parseParticipantsCsv('insz,deelgenomen,modules\n85073003328,ja,"M1, M2"\n');
  assert.deepEqual(parsed.rows[0].participant?.measurement, {
    case: "participation",
    value: { participated: true, completedModuleCodes: ["M1", "M2"] },
  });
});

test("keeps what cannot be read with its row and column, and does not send that row", () => {
  const parsed = parseParticipantsCsv(
    "insz;aanwezige_uren;te_volgen_contacturen;traject_voltooid;eindevaluatie\n" +
      "85073003328;veel;40;ja;deelgenomen\n" +
      "90010100123;10;40;misschien;deelgenomen\n" +
      "90010100124;10;40;ja;afwezig\n" +
      "90010100125;10;40;nee;deelgenomen\n",
  );
  assert.deepEqual(
    parsed.problems.map((p) => [p.rowNumber, p.column]),
    [
      [2, "aanwezige_uren"],
      [3, "traject_voltooid"],
      [4, "eindevaluatie"],
    ],
  );
  assert.deepEqual(
    parsed.rows.map((r) => r.rowNumber),
    [5],
  );
});

test("a row with a cell too many or an empty number is not sent", () => {
  const parsed = parseParticipantsCsv(
    "insz,aanwezige_uren,te_volgen_contacturen\n" +
      "85073003328,38,5,40\n" + // an unquoted decimal comma: four cells
      "90010100123,,40\n" +
      "90010100124,10,40\n",
  );
  assert.deepEqual(
    parsed.problems.map((p) => [p.rowNumber, p.column]),
    [
      [2, ""],
      [3, "aanwezige_uren"],
    ],
  );
  assert.deepEqual(
    parsed.rows.map((r) => r.rowNumber),
    [4],
  );
});

test("refuses a file without the insz column or with unknown columns", () => {
  assert.match(parseParticipantsCsv("naam\nAnn\n").fileProblem ?? "", /insz/);
  assert.match(parseParticipantsCsv("insz;leeftijd\n1;2\n").fileProblem ?? "", /leeftijd/);
  assert.match(parseParticipantsCsv("").fileProblem ?? "", /leeg/);
});

test("names the column of a finding's field", () => {
  assert.equal(columnOf("attendance.hours_present"), "aanwezige_uren");
  assert.equal(columnOf("participation.completed_module_codes[1]"), "modules");
  assert.equal(columnOf("something_else"), "something_else");
});
