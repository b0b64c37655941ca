/** The iii version Triad is compatible with (what `iii --version`, worker listings and `__III_ENGINE_VERSION__` report). */
export const ENGINE_VERSION = '0.22.1';
