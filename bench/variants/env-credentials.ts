// Alternative "AWS SDK v3 with fewer modules": replaces @aws-sdk/credential-provider-node (the
// whole default chain: SSO, INI files, web identity, IMDS, and the STS/SSO clients they carry) with
// the environment's credentials alone, which is where Lambda puts them.
import { fromEnv } from "@aws-sdk/credential-provider-env";

export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
