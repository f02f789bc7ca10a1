// 'Deelnemers opladen': a CSV file (columns as in participants_csv.ts), added to the
// participants or replacing them; what could not be read and what registration-svc refused are
// listed by row, with the column and the reason.
import { useState } from "preact/hooks";

import { UploadMode, type RowError } from "../../../gen/wse/registration/v1/participant_pb.js";
import { registration } from "../../api.js";
import { problemOf, type Problem } from "../../problems.js";
import { Field, ProblemBox } from "../../ui/parts.js";
import { columnOf, COLUMNS, parseParticipantsCsv, type RowProblem } from "./participants_csv.js";

export function UploadForm(props: {
  draft: string;
  etag: string;
  busy: boolean;
  onUploaded: () => Promise<void>;
}) {
  const [file, setFile] = useState<File>();
  const [mode, setMode] = useState(UploadMode.MERGE);
  const [problems, setProblems] = useState<RowProblem[]>([]);
  const [fileProblem, setFileProblem] = useState("");
  const [problem, setProblem] = useState<Problem>();
  const [summary, setSummary] = useState("");
  const [busy, setBusy] = useState(false);

  const upload = async (event: Event) => {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setProblem(undefined);
    setSummary("");
    try {
      const parsed = parseParticipantsCsv(await file.text());
      setFileProblem(parsed.fileProblem ?? "");
      let found = parsed.problems;
      if (parsed.fileProblem) {
        // Nothing to send.
      } else if (mode === UploadMode.REPLACE_ALL && parsed.problems.length > 0) {
        // Replacing with the readable rows only would drop the people of the others.
        setSummary(
          "Niets opgeladen: verbeter eerst de rijen hieronder, want 'vervangen' zou hun deelnemers wissen.",
        );
      } else if (parsed.rows.length === 0) {
        setSummary("Geen enkele rij kon gelezen worden.");
      } else {
        const answer = await registration.uploadParticipantRows({
          header: { draft: props.draft, etag: props.etag, mode },
          rows: parsed.rows,
        });
        found = [...found, ...answer.rowErrors.flatMap(rowProblems)].sort(
          (a, b) => a.rowNumber - b.rowNumber,
        );
        const refusedRows = new Set(found.map((p) => p.rowNumber)).size;
        setSummary(
          `${answer.acceptedCount} deelnemer(s) opgeladen, ${refusedRows} rij(en) geweigerd; ` +
            `de registratie telt nu ${answer.participantCount} deelnemer(s).`,
        );
        await props.onUploaded();
      }
      setProblems(found);
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form" onSubmit={upload} aria-labelledby="opladen">
      <h3 id="opladen">Deelnemers opladen (CSV)</h3>
      <p class="hint" id="csv-columns">
        Eerste rij: de kolomnamen, waaronder <code>insz</code>; verder naar keuze{" "}
        {Object.keys(COLUMNS).slice(1).join(", ")}. Scheiding met ; of ,. Eén rij per deelnemer.
      </p>
      <ProblemBox problem={problem} />
      {fileProblem && (
        <p class="problem" role="alert">
          {fileProblem}
        </p>
      )}
      <Field id="csv-file" label="CSV-bestand met deelnemers">
        <input
          id="csv-file"
          type="file"
          accept=".csv,text/csv"
          required
          aria-describedby="csv-columns"
          onChange={(e) => setFile((e.currentTarget as HTMLInputElement).files?.[0])}
        />
      </Field>
      <fieldset>
        <legend>De deelnemers in het bestand</legend>
        <label>
          <input
            type="radio"
            name="upload-mode"
            checked={mode === UploadMode.MERGE}
            onChange={() => setMode(UploadMode.MERGE)}
          />{" "}
          toevoegen (een deelnemer met hetzelfde INSZ wordt vervangen)
        </label>
        <label>
          <input
            type="radio"
            name="upload-mode"
            checked={mode === UploadMode.REPLACE_ALL}
            onChange={() => setMode(UploadMode.REPLACE_ALL)}
          />{" "}
          vervangen alle deelnemers van deze registratie
        </label>
      </fieldset>
      <div class="actions">
        <button type="submit" class="button blue" disabled={busy || props.busy || !file}>
          Bestand opladen
        </button>
      </div>
      {summary && (
        <p role="status" class={problems.length ? "notice" : "success"}>
          {summary}
        </p>
      )}
      {problems.length > 0 && (
        <table class="row-errors">
          <caption>Geweigerde rijen</caption>
          <thead>
            <tr>
              <th scope="col">Rij</th>
              <th scope="col">Kolom</th>
              <th scope="col">Probleem</th>
            </tr>
          </thead>
          <tbody>
            {problems.map((p, i) => (
              <tr key={i}>
                <td>{p.rowNumber}</td>
                <td>{p.column}</td>
                <td>{p.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </form>
  );
}

function rowProblems(error: RowError): RowProblem[] {
  return error.violations.map((v) => ({
    rowNumber: error.rowNumber,
    column: columnOf(v.field),
    description: v.description,
  }));
}
