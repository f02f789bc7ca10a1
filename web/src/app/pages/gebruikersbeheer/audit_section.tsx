// The audit trail of the organisation: who did what, when, with which digital key. People are
// named from the organisation's users and local administrators; others keep their identifier.
import { rights } from "../../api.js";
import { dateTime } from "../../ui/format.js";
import { Loading, ProblemBox } from "../../ui/parts.js";
import { useCall } from "../../ui/use_call.js";
import { usePages } from "../../ui/use_pages.js";

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

async function loadNames(organization: string): Promise<Map<string, string>> {
  const [relations, administrators] = await Promise.all([
    rights.listWorkRelations({ parent: organization, pageSize: 500, includeEnded: true }),
    rights.listLocalAdministrators({ parent: organization, pageSize: 100 }),
  ]);
  const names = new Map<string, string>();
  for (const r of relations.workRelations) names.set(r.person, r.personDisplayName);
  for (const a of administrators.localAdministrators) names.set(a.person, a.displayName);
  return names;
}

export function AuditSection(props: { organization: string; changed: number }) {
  const names = useCall(() => loadNames(props.organization), [props.organization, props.changed]);
  const events = usePages(
    async (pageToken) => {
      const page = await rights.listAuditEvents({ parent: props.organization, pageSize: 50, pageToken });
      return { items: page.auditEvents, nextPageToken: page.nextPageToken };
    },
    [props.organization, props.changed],
  );
  const nameOf = (resource: string) => names.data?.get(resource) ?? resource;
  return (
    <section aria-labelledby="audit">
      <h2 id="audit">Auditspoor</h2>
      <ProblemBox problem={events.problem ?? names.problem} />
      {events.loading && events.items.length === 0 && <Loading what="Het auditspoor" />}
      {events.items.length > 0 && (
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
              {events.items.map((event) => (
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
      {events.hasMore && (
        <button type="button" class="button secondary" disabled={events.loading} onClick={events.more}>
          Meer tonen
        </button>
      )}
    </section>
  );
}
