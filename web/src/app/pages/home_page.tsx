// 'Als u ingelogd bent via de gewenste school of organisatie, komt u terecht op de homepagina
// van het WSE-loket.' The menu on the right holds the black 'Aanvraag' button.
import { currentSession } from "../session.js";
import { onLinkClick } from "../router.js";
import { Layout } from "../ui/layout.js";

export function HomePage() {
  const context = currentSession()?.context;
  return (
    <Layout title="WSE-loket">
      {context?.organization ? (
        <p>
          U werkt voor <strong>{context.displayName}</strong>. Klik in het menu rechts op{" "}
          <strong>Aanvraag</strong> om aanwezigheden en deelnames voor Vlaams opleidingsverlof te registreren.
        </p>
      ) : (
        <p>
          U werkt onder uw persoonlijke naam. Om aanwezigheden en deelnames te registreren,{" "}
          <a href="/kies" onClick={onLinkClick}>
            kiest u uw school of organisatie
          </a>
          .
        </p>
      )}
    </Layout>
  );
}
