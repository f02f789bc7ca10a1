// 'Gebruiker toevoegen': the organisation's users (work relations), a new one by INSZ, and
// ending one (which ends their access here).
import { useState } from "preact/hooks";

import { WorkRelationType, type WorkRelation } from "../../../gen/wse/rights/v1/work_relation_pb.js";
import { rights } from "../../api.js";
import { date } from "../../ui/format.js";
import { Field, Loading, ProblemBox, TextField } from "../../ui/parts.js";
import { submitWith, useAction } from "../../ui/use_action.js";
import { usePages } from "../../ui/use_pages.js";

export const WORK_RELATION_TYPES: Array<[WorkRelationType, string]> = [
  [WorkRelationType.VASTE_MEDEWERKER, "Vaste medewerker"],
  [WorkRelationType.AMBTENAAR, "Ambtenaar"],
  [WorkRelationType.EXTERNE_MEDEWERKER, "Externe medewerker"],
  [WorkRelationType.OCCASIONELE_MEDEWERKER, "Occasionele medewerker"],
  [WorkRelationType.GEDELEGEERDE_MEDEWERKER, "Gedelegeerde medewerker"],
];

const typeLabel = (type: WorkRelationType) =>
  WORK_RELATION_TYPES.find(([value]) => value === type)?.[1] ?? "";

export function UsersSection(props: {
  organization: string;
  onGrant: (relation: WorkRelation) => void;
  changed: number;
  onChange: () => void;
}) {
  const relations = usePages(
    async (pageToken) => {
      const page = await rights.listWorkRelations({ parent: props.organization, pageSize: 100, pageToken });
      return { items: page.workRelations, nextPageToken: page.nextPageToken };
    },
    [props.organization, props.changed],
  );
  return (
    <section aria-labelledby="gebruikers">
      <h2 id="gebruikers">Gebruikers</h2>
      <ProblemBox problem={relations.problem} />
      {relations.loading && relations.items.length === 0 && <Loading what="De gebruikers" />}
      {relations.items.length > 0 && (
        <table>
          <caption class="muted">Wie voor deze organisatie in het WSE-loket mag werken.</caption>
          <thead>
            <tr>
              <th scope="col">Naam</th>
              <th scope="col">INSZ</th>
              <th scope="col">Soort</th>
              <th scope="col">Sinds</th>
              <th scope="col">Acties</th>
            </tr>
          </thead>
          <tbody>
            {relations.items.map((relation) => (
              <tr key={relation.name}>
                <td>{relation.personDisplayName}</td>
                <td>{relation.maskedInsz}</td>
                <td>{typeLabel(relation.type)}</td>
                <td>{date(relation.validity?.startTime)}</td>
                <td>
                  <button type="button" class="link" onClick={() => props.onGrant(relation)}>
                    Recht toekennen<span class="visually-hidden"> aan {relation.personDisplayName}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {relations.hasMore && (
        <button type="button" class="button secondary" disabled={relations.loading} onClick={relations.more}>
          Meer gebruikers tonen
        </button>
      )}
      <AddUserForm organization={props.organization} onAdded={props.onChange} />
    </section>
  );
}

function AddUserForm(props: { organization: string; onAdded: () => void }) {
  const [insz, setInsz] = useState("");
  const [type, setType] = useState(WorkRelationType.VASTE_MEDEWERKER);
  const action = useAction();
  const [added, setAdded] = useState("");
  const [requestId, setRequestId] = useState(() => crypto.randomUUID());
  const submit = submitWith(action, async () => {
    setAdded("");
    const created = await rights.createWorkRelation({
      parent: props.organization,
      workRelation: { insz, type },
      requestId,
    });
    setAdded(created.workRelation?.personDisplayName || created.workRelation?.maskedInsz || insz);
    setInsz("");
    setRequestId(crypto.randomUUID());
    props.onAdded();
  });
  const inszError = action.problem?.fields["work_relation.insz"];
  return (
    <form class="form" onSubmit={submit} aria-labelledby="toevoegen">
      <h3 id="toevoegen">Gebruiker toevoegen</h3>
      <ProblemBox problem={inszError ? undefined : action.problem} />
      {added && (
        <p class="success" role="status">
          {added} is toegevoegd.
        </p>
      )}
      <TextField
        id="new-insz"
        label="INSZ (rijksregisternummer)"
        hint="11 cijfers, bv. 85.07.30-033.28"
        error={inszError}
        required
        inputMode="numeric"
        autocomplete="off"
        value={insz}
        onValue={setInsz}
      />
      <Field id="new-type" label="Soort werkrelatie">
        <select
          id="new-type"
          value={String(type)}
          onChange={(e) => setType(Number((e.currentTarget as HTMLSelectElement).value) as WorkRelationType)}
        >
          {WORK_RELATION_TYPES.map(([value, label]) => (
            <option key={value} value={String(value)}>
              {label}
            </option>
          ))}
        </select>
      </Field>
      <div class="actions">
        <button type="submit" class="button blue" disabled={action.busy}>
          Gebruiker toevoegen
        </button>
      </div>
    </form>
  );
}
