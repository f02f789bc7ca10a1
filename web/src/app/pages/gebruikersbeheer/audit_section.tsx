// The audit trail of the organisation: who did what, when, with which digital key. People are
// named from the organisation's users and local administrators; others keep their identifier.
import { rights } from "../../api.js";
import { dateTime } from "../../ui/format.js";
import { Loading, ProblemBox } from "../../ui/parts.js";
import { useCall } from "../../ui/use_call.js";

const ACTIONS: Record<string, string> = {
  ACCESS_DENIED: "Toegang geweigerd",
  ACCESS_REQUEST_APPROVED: "Aanvraag goedgekeurd",
  ACCESS_REQUEST_CREATED: "Recht aangevraagd",
  ACCESS_REQUEST_EXPIRED: "Aanvraag verlopen",
  ACCESS_REQUEST_REJECTED: "Aanvraag geweigerd",
  ACCESS_REQUEST_WITHDRAWN: "Aanvraag ingetrokken",
  GRANT_CREATED: "Recht toegekend",
  GRANT_REVOKED: "Recht ingetrokken",
  GRANT_UPDATED: "Recht gewijzigd",
  WORK_RELATION_CREATED: "Gebruiker toegevoegd",
  WORK_RELATION_ENDED: "Werkrelatie beëindigd",
  WORK_RELATION_UPDATED: "Werkrelatie gewijzigd",
};

async function loadTrail(organization: string) {
  const [events, relations, administrators] = await Promise.all([
    rights.listAuditEvents({ parent: organization, pageSize: 50 }),
    rights.listWorkRelations({ parent: organization, pageSize: 500, includeEnded: true }),
    rights.listLocalAdministrators({ parent: organization, pageSize: 100 }),
  ]);
  const names = new Map<string, string>();
  for (const r of relations.workRelations) names.set(r.person, r.personDisplayName);
  for (const a of administrators.localAdministrators) names.set(a.person, a.displayName);
  return { events: events.auditEvents, names };
}

export function AuditSection(props: { organization: string; changed: number }) {
  const trail = useCall(() => loadTrail(props.organization), [props.organization, props.changed]);
  const nameOf = (resource: string) => trail.data?.names.get(resource) ?? resource;
  return (
    <section aria-labelledby="audit">
      <h2 id="audit">Auditspoor</h2>
      <ProblemBox problem={trail.problem} />
      {trail.loading && !trail.data && <Loading what="Het auditspoor" />}
      {trail.data && (
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Wanneer</th>
                <th scope="col">Wie</th>
                <th scope="col">Wat</th>
                <th scope="col">Betreft</th>
                <th scope="col">Reden</th>
              </tr>
            </thead>
            <tbody>
              {trail.data.events.map((event) => (
                <tr key={event.name}>
                  <td>{dateTime(event.eventTime)}</td>
                  <td class="wrap">{nameOf(event.actor)}</td>
                  <td>{ACTIONS[event.action] ?? event.action}</td>
                  <td class="wrap">{nameOf(event.subject)}</td>
                  <td>{event.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
