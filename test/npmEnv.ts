// Under `npm test` every child process inherits the outer npm's configuration as npm_config_*
// variables, and a child npm takes them as its own settings (user agent, prefix, global, …).
// Tests that run npm themselves start it without them, as a user's shell would.

/** `env` without what an outer npm exported (npm_* in any case, INIT_CWD, NODE). */
export function withoutOuterNpm(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !/^(npm_|INIT_CWD$|NODE$)/i.test(name)));
}
