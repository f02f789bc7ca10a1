// Where the app runs: the identity provider's endpoints and whether this is the development
// stack. Served by the front door (or the production gateway) as /config.json, so one bundle
// runs everywhere.
export interface FrontEndConfig {
  identityProvider: {
    authorizationEndpoint: string;
    tokenEndpoint: string;
    clientId: string;
    scope: string;
  };
  developmentSignIn: boolean;
}

let loaded: Promise<FrontEndConfig> | undefined;

export function frontEndConfig(): Promise<FrontEndConfig> {
  loaded ??= fetch("/config.json", { cache: "no-store" }).then((response) => {
    if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
    return response.json() as Promise<FrontEndConfig>;
  });
  return loaded;
}
