// A participants file as providers keep it (exported from Excel: ';' or ',' separated, a header
// row with the column names below) read into upload rows. What cannot be read (a number that is
// not one, an unknown answer) stays with its row number and is not sent; everything else is
// checked by registration-svc, which answers per row too.
import Papa from "papaparse";
import type { MessageInitShape } from "@bufbuild/protobuf";

import { FinalAssessment } from "../../../gen/wse/registration/v1/participant_pb.js";
import type { ParticipantRowSchema } from "../../../gen/wse/registration/v1/participant_pb.js";

export type RowInput = MessageInitShape<typeof ParticipantRowSchema>;

type Measurement = NonNullable<NonNullable<RowInput["participant"]>["measurement"]>;

export interface RowProblem {
  rowNumber: number; // as the spreadsheet shows it: the header is row 1
  column: string;
  description: string;
}

// Column -> the participant field it fills (for naming the service's findings too).
export const COLUMNS: Record<string, string> = {
  insz: "insz",
  naam: "display_name",
  aanwezige_uren: "attendance.hours_present",
  te_volgen_contacturen: "attendance.contact_hours_to_follow",
  ongewettigde_afwezigheid: "attendance.unjustified_absence_hours",
  deelgenomen: "participation.participated",
  modules: "participation.completed_module_codes",
  eindevaluatie: "final_assessment",
  traject_voltooid: "route_completed",
  examencontract: "exam_contract",
  einddatum: "actual_end_date",
};

// The column a participant field path of a finding belongs to ("attendance.hours_present" ->
// "aanwezige_uren"); the path itself when no column fills it.
export function columnOf(field: string): string {
  for (const [column, path] of Object.entries(COLUMNS)) {
    if (field === path || field.startsWith(`${path}[`)) return column;
  }
  return field;
}

const ASSESSMENTS: Record<string, FinalAssessment> = {
  deelgenomen: FinalAssessment.PARTICIPATED,
  "niet deelgenomen": FinalAssessment.NOT_PARTICIPATED,
  "gewettigd afwezig": FinalAssessment.JUSTIFIED_ABSENCE,
  "nog niet": FinalAssessment.NOT_YET_HELD,
};

const YES = new Set(["ja", "j", "yes", "1", "waar"]);
const NO = new Set(["nee", "n", "no", "0", "onwaar"]);

export interface ParsedFile {
  rows: RowInput[];
  problems: RowProblem[];
  fileProblem?: string;
}

export function parseParticipantsCsv(text: string): ParsedFile {
  const content = text.replace(/^\uFEFF/, "");
  // The header line decides: Excel in Belgium writes ';', other tools ','.
  const firstLine = content.split(/\r?\n/, 1)[0];
  const delimiter = firstLine.includes(";") ? ";" : ",";
  const parsed = Papa.parse<string[]>(content, { delimiter, skipEmptyLines: false });
  const records = parsed.data;
  if (records.length === 0) return { rows: [], problems: [], fileProblem: "Het bestand is leeg." };
  const header = records[0].map((name) => name.trim().toLowerCase());
  const unknown = header.filter((name) => name !== "" && !(name in COLUMNS));
  if (!header.includes("insz")) {
    return {
      rows: [],
      problems: [],
      fileProblem: "De eerste rij moet de kolomnamen geven, met ten minste 'insz'.",
    };
  }
  if (unknown.length > 0) {
    return { rows: [], problems: [], fileProblem: `Onbekende kolom(men): ${unknown.join(", ")}.` };
  }
  const rows: RowInput[] = [];
  const problems: RowProblem[] = [];
  records.slice(1).forEach((record, index) => {
    const rowNumber = index + 2;
    if (record.every((cell) => cell.trim() === "")) return;
    if (record.length !== header.length) {
      // A cell too many or too few shifts every column after it (an unquoted "38,5" in a ','
      // file is two cells): nothing of such a row can be trusted.
      problems.push({
        rowNumber,
        column: "",
        description: `Deze rij heeft ${record.length} cellen, de kolomnamen ${header.length}.`,
      });
      return;
    }
    const cell = (column: string) => (record[header.indexOf(column)] ?? "").trim();
    const has = (column: string) => header.includes(column) && cell(column) !== "";
    const problem = (column: string, description: string) =>
      problems.push({ rowNumber, column, description });
    const before = problems.length;

    const number = (column: string): number => {
      if (cell(column) === "") {
        problem(column, "Vul een aantal uren in.");
        return 0;
      }
      const value = Number(cell(column).replace(",", "."));
      if (!Number.isFinite(value)) problem(column, "Dit is geen getal.");
      return value;
    };
    const answer = (column: string): boolean | undefined => {
      const value = cell(column).toLowerCase();
      if (value === "") return undefined;
      if (YES.has(value)) return true;
      if (NO.has(value)) return false;
      problem(column, "Antwoord met ja of nee (of laat leeg als het nog niet gekend is).");
      return undefined;
    };

    const attendance = ["aanwezige_uren", "te_volgen_contacturen", "ongewettigde_afwezigheid"].some(has);
    const participation = has("deelgenomen") || has("modules");
    if (attendance && participation) {
      problem("deelgenomen", "Geef uren of deelname, niet allebei.");
    }
    let measurement: Measurement = { case: undefined };
    if (attendance) {
      measurement = {
        case: "attendance",
        value: {
          hoursPresent: number("aanwezige_uren"),
          contactHoursToFollow: number("te_volgen_contacturen"),
          unjustifiedAbsenceHours: has("ongewettigde_afwezigheid") ? number("ongewettigde_afwezigheid") : 0,
        },
      };
    } else if (participation) {
      measurement = {
        case: "participation",
        value: {
          participated: answer("deelgenomen") ?? false,
          completedModuleCodes: cell("modules")
            .split(/[\s,]+/)
            .filter(Boolean),
        },
      };
    }
    let finalAssessment = FinalAssessment.UNSPECIFIED;
    if (has("eindevaluatie")) {
      finalAssessment = ASSESSMENTS[cell("eindevaluatie").toLowerCase()] ?? FinalAssessment.UNSPECIFIED;
      if (finalAssessment === FinalAssessment.UNSPECIFIED) {
        problem("eindevaluatie", "Gebruik: deelgenomen, niet deelgenomen, gewettigd afwezig of nog niet.");
      }
    }
    let actualEndDate: { year: number; month: number; day: number } | undefined;
    if (has("einddatum")) {
      const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(cell("einddatum"));
      const belgian = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(cell("einddatum"));
      if (iso) actualEndDate = { year: +iso[1], month: +iso[2], day: +iso[3] };
      else if (belgian) actualEndDate = { year: +belgian[3], month: +belgian[2], day: +belgian[1] };
      else problem("einddatum", "Gebruik de vorm 2026-06-30 of 30/06/2026.");
    }
    const routeCompleted = answer("traject_voltooid");
    const examContract = answer("examencontract");
    if (problems.length > before) return;
    rows.push({
      rowNumber,
      participant: {
        insz: cell("insz"),
        displayName: cell("naam"),
        measurement,
        finalAssessment,
        routeCompleted,
        examContract,
        actualEndDate,
      },
    });
  });
  return { rows, problems };
}
