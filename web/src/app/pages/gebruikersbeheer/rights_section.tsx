// The rights given in this organisation: revoke one (with a reason), or give one directly
// ('het juiste recht toekennen': DWSE organisatieverantwoordelijke with context
// 'opleidingsdatabank' or 'opleidingsverlof').
import { useEffect, useState } from "preact/hooks";

import type { Grant, Role } from "../../../gen/wse/rights/v1/grant_pb.js";
import type { WorkRelation } from "../../../gen/wse/rights/v1/work_relation_pb.js";
import { rights } from "../../api.js";
import { date } from "../../ui/format.js";
import { describedBy, Field, Loading, ProblemBox, TextField } from "../../ui/parts.js";
import { submitWith, useAction } from "../../ui/use_action.js";
import { useCall } from "../../ui/use_call.js";
import { usePages } from "../../ui/use_pages.js";

export function RightsSection(props: {
  organization: string;
  granting?: WorkRelation;
  onGranted: () => void;
  onCancelGrant: () => void;
  changed: number;
  onChange: () => void;
}) {
  const grants = usePages(
    async (pageToken) => {
      const page = await rights.listGrants({ parent: props.organization, pageSize: 100, pageToken });
      return { items: page.grants, nextPageToken: page.nextPageToken };
    },
    [props.organization, props.changed],
  );
  const roles = useCall(() => rights.listRoles({ pageSize: 100 }), []);
  return (
    <section aria-labelledby="rechten">
      <h2 id="rechten">Rechten</h2>
      <ProblemBox problem={grants.problem ?? roles.problem} />
      {grants.loading && grants.items.length === 0 && <Loading what="De rechten" />}
      {props.granting && roles.data && (
        <GrantForm
          key={props.granting.name}
          organization={props.organization}
          relation={props.granting}
          roles={roles.data.roles}
          onGranted={props.onGranted}
          onCancel={props.onCancelGrant}
        />
      )}
      {grants.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Naam</th>
              <th scope="col">Recht</th>
              <th scope="col">Context</th>
              <th scope="col">Sinds</th>
              <th scope="col">Acties</th>
            </tr>
          </thead>
          <tbody>
            {grants.items.map((grant) => (
              <GrantRow
                key={grant.name}
                grant={grant}
                roles={roles.data?.roles ?? []}
                onRevoked={props.onChange}
              />
            ))}
          </tbody>
        </table>
      )}
      {grants.hasMore && (
        <button type="button" class="button secondary" disabled={grants.loading} onClick={grants.more}>
          Meer rechten tonen
        </button>
      )}
    </section>
  );
}

function GrantRow(props: { grant: Grant; roles: Role[]; onRevoked: () => void }) {
  const { grant } = props;
  const [revoking, setRevoking] = useState(false);
  const [reason, setReason] = useState("");
  const action = useAction();
  const role = props.roles.find((r) => r.code === grant.role);
  const id = grant.name.split("/").pop() ?? "";
  const revoke = submitWith(action, async () => {
    await rights.revokeGrant({ name: grant.name, etag: grant.etag, reason });
    props.onRevoked();
  });
  const reasonError = action.problem?.fields["reason"];
  return (
    <tr>
      <td>{grant.personDisplayName}</td>
      <td>{role?.label ?? grant.role}</td>
      <td>{role?.allowedContexts.find((c) => c.code === grant.context)?.label ?? grant.context}</td>
      <td>{date(grant.validity?.startTime)}</td>
      <td>
        {!revoking ? (
          <button type="button" class="link" onClick={() => setRevoking(true)}>
            Intrekken<span class="visually-hidden"> ({grant.personDisplayName})</span>
          </button>
        ) : (
          <form onSubmit={revoke} class="inline-form">
            <ProblemBox problem={reasonError ? undefined : action.problem} />
            <TextField
              id={`revoke-${id}`}
              label="Reden"
              error={reasonError}
              required
              value={reason}
              onValue={setReason}
            />
            <button type="submit" class="button secondary" disabled={action.busy}>
              Intrekken bevestigen
            </button>
            <button type="button" class="link" onClick={() => setRevoking(false)}>
              Annuleren
            </button>
          </form>
        )}
      </td>
    </tr>
  );
}

function GrantForm(props: {
  organization: string;
  relation: WorkRelation;
  roles: Role[];
  onGranted: () => void;
  onCancel: () => void;
}) {
  const [roleCode, setRoleCode] = useState(props.roles[0]?.code ?? "");
  const role = props.roles.find((r) => r.code === roleCode);
  const [context, setContext] = useState("");
  const action = useAction();
  const problem = action.problem;
  const [requestId] = useState(() => crypto.randomUUID());
  useEffect(() => setContext(role?.allowedContexts[0]?.code ?? ""), [roleCode]);
  const submit = submitWith(action, async () => {
    await rights.createGrant({
      parent: props.organization,
      grant: { person: props.relation.person, role: roleCode, context },
      requestId,
    });
    props.onGranted();
  });
  return (
    <form class="form card" onSubmit={submit} aria-labelledby="toekennen">
      <h3 id="toekennen">Recht toekennen aan {props.relation.personDisplayName}</h3>
      <ProblemBox problem={problem} />
      <Field id="grant-role" label="Recht" error={problem?.fields["grant.role"]}>
        <select
          id="grant-role"
          value={roleCode}
          aria-describedby={describedBy("grant-role", undefined, problem?.fields["grant.role"])}
          onChange={(e) => setRoleCode((e.currentTarget as HTMLSelectElement).value)}
        >
          {props.roles.map((r) => (
            <option key={r.code} value={r.code}>
              {r.label}
            </option>
          ))}
        </select>
      </Field>
      {role && role.allowedContexts.length > 0 && (
        <Field id="grant-context" label="Context" error={problem?.fields["grant.context"]}>
          <select
            id="grant-context"
            value={context}
            aria-describedby={describedBy("grant-context", undefined, problem?.fields["grant.context"])}
            onChange={(e) => setContext((e.currentTarget as HTMLSelectElement).value)}
          >
            {role.allowedContexts.map((c) => (
              <option key={c.code} value={c.code}>
                {c.label}
              </option>
            ))}
          </select>
        </Field>
      )}
      <div class="actions">
        <button type="submit" class="button blue" disabled={action.busy}>
          Toekennen
        </button>
        <button type="button" class="button secondary" onClick={props.onCancel}>
          Annuleren
        </button>
      </div>
    </form>
  );
}
