import type { CloudAdapter } from "botbuilder";

/** botbuilder's authentication type; botbuilder does not re-export it, so it is named from CloudAdapter. */
export type BotFrameworkAuthentication = NonNullable<ConstructorParameters<typeof CloudAdapter>[0]>;

/**
 * The same authentication with some of its methods replaced: the wrappers around botbuilder's
 * (refusing bad tokens, remembering verified ones, reusing connector clients) each change one or
 * two methods and leave the rest as they were.
 */
export function overrideAuthentication(auth: BotFrameworkAuthentication, overrides: Partial<Record<keyof BotFrameworkAuthentication, unknown>>): BotFrameworkAuthentication {
  return new Proxy(auth, {
    get(target, property) {
      if (property in overrides) return overrides[property as keyof BotFrameworkAuthentication];
      const value: unknown = Reflect.get(target, property, target);
      // Methods keep the real object as `this` (its private state is not on the proxy).
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
