// The 'Aanvraag' screen as registration-svc composes it (GetApplicationScreen): 'Vlaams
// opleidingsverlof' / 'Aanwezigheid/deelname registreren' with the blue button ('Gebruikersrecht
// aanvragen' without the right, 'aanvragen' with it), 'Opleidingsdatabank Vlaamse
// opleidingsincentives' with 'Registreren', a pending request's state, the deadlines.
import { useState } from "preact/hooks";

import {
  ScreenAction,
  type ApplicationScreen,
  type ScreenEntry,
} from "../../gen/wse/registration/v1/application_screen_pb.js";
import { registration } from "../api.js";
import { navigate } from "../router.js";
import { currentSession } from "../session.js";
import { Layout } from "../ui/layout.js";
import { Loading, ProblemBox } from "../ui/parts.js";
import { useCall } from "../ui/use_call.js";
import { RequestRightForm } from "./request_right_form.js";

export function ApplicationPage() {
  const organization = currentSession()?.context.organization ?? "";
  const screen = useCall(() => registration.getApplicationScreen({ organization }), [organization]);
  const [requesting, setRequesting] = useState(false);
  const [requested, setRequested] = useState(false);
  const data = screen.data?.screen;
  const act = (action: ScreenAction) => {
    switch (action) {
      case ScreenAction.REQUEST_RIGHT:
        setRequesting(true);
        return;
      case ScreenAction.REGISTER:
        navigate("/registreren");
        return;
      case ScreenAction.GRANT_OWN_RIGHT:
        navigate("/gebruikersbeheer");
        return;
      case ScreenAction.SELECT_ORGANIZATION:
        navigate("/kies");
        return;
      default:
        return;
    }
  };
  return (
    <Layout title={data?.title || "Aanvraag"}>
      <ProblemBox problem={screen.problem} />
      {screen.loading && !data && <Loading what="Het scherm" />}
      {data && (
        <>
          {data.entries.map((entry, index) => (
            <Entry key={index} screen={data} entry={entry} first={index === 0} onAction={act} />
          ))}
          {requested && (
            <p class="success" role="status">
              Uw aanvraag is verstuurd. Uw lokale beheerder krijgt een mail met de vraag om u het juiste recht
              toe te kennen; u krijgt een mail zodra dat gebeurd is.
            </p>
          )}
          {requesting && data.action === ScreenAction.REQUEST_RIGHT && (
            <RequestRightForm
              screen={data}
              organization={organization}
              onAddressConfirmed={screen.reload}
              onRequested={() => {
                setRequesting(false);
                setRequested(true);
                screen.reload();
              }}
              onCancel={() => setRequesting(false)}
            />
          )}
          {data.gebruikersbeheerHelpUrl.startsWith("https://") &&
            data.action === ScreenAction.GRANT_OWN_RIGHT && (
              <p>
                <a href={data.gebruikersbeheerHelpUrl} target="_blank" rel="noopener noreferrer">
                  Meer uitleg over gebruikersbeheer
                </a>
              </p>
            )}
          {data.registrationDeadlines.length > 0 && (
            <section aria-labelledby="termijnen">
              <h2 id="termijnen">Registreren kan</h2>
              <ul>
                {data.registrationDeadlines.map((d) => (
                  <li key={d.schoolYear}>
                    Schooljaar {d.schoolYear}: {d.text}
                  </li>
                ))}
              </ul>
            </section>
          )}
          {data.supportEmailAddress && (
            <p class="muted">
              Ondervindt u moeilijkheden? Neem contact op via{" "}
              <a href={`mailto:${data.supportEmailAddress}`}>{data.supportEmailAddress}</a>.
            </p>
          )}
        </>
      )}
    </Layout>
  );
}

function Entry(props: {
  screen: ApplicationScreen;
  entry: ScreenEntry;
  first: boolean;
  onAction: (action: ScreenAction) => void;
}) {
  const { screen, entry } = props;
  // The first entry is the screen's own title (the page's h1): its subtitle is the heading.
  const heading = entry.title === screen.title ? entry.subtitle : entry.title;
  const id = `entry-${heading.replace(/[^A-Za-z]+/g, "-").toLowerCase()}`;
  const blocked =
    entry.action === ScreenAction.REQUEST_RIGHT &&
    !screen.accessRequestPossible &&
    !screen.emailAddressRequired;
  return (
    <section class="entry" aria-labelledby={id}>
      <h2 id={id}>{heading}</h2>
      {entry.title !== screen.title && entry.subtitle && <p>{entry.subtitle}</p>}
      {props.first && screen.message && <p class="message">{screen.message}</p>}
      {entry.buttonLabel && (
        <button
          type="button"
          class="button blue"
          disabled={blocked}
          onClick={() => props.onAction(entry.action)}
        >
          {entry.buttonLabel}
        </button>
      )}
    </section>
  );
}
