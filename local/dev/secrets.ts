/**
 * The receiver's secrets in `npm run dev`. The receiver must listen before the stack exists (the
 * endpoint is declared with its URL), and the secret exists only once the stack is up: until the
 * stack's output arrives every delivery is answered 503, as a Lambda whose SSM parameter cannot be
 * read, so Polar would retry. `set` plays the part of the SSM parameter's value.
 */
import {
  SecretUnavailableError,
  StaticSecretProvider,
  type CandidateKey,
  type SecretProvider,
} from "../../lambda";

export interface LocalSecrets {
  readonly current: string;
  readonly previous: string | null;
}

export class SwitchableSecretProvider implements SecretProvider {
  #provider: StaticSecretProvider | undefined;

  /** The endpoint's secrets from now on; `previous` stays accepted (a rotation's old secret). */
  set(secrets: LocalSecrets): void {
    this.#provider = new StaticSecretProvider({
      current: secrets.current,
      previous: secrets.previous,
    });
  }

  async getKeys(): Promise<readonly CandidateKey[]> {
    if (!this.#provider) {
      throw new SecretUnavailableError(
        "The local stack has not produced the endpoint's secret yet",
      );
    }
    return this.#provider.getKeys();
  }

  async refreshAfterMiss(): Promise<undefined> {
    return undefined;
  }
}
