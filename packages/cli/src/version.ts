/** The reference release we are compatible with, and our own version. */
export const COMPAT_VERSION = '0.22.1';
export const TRIAD_VERSION = '0.1.0';
export const VERSION_LINE = `iii ${COMPAT_VERSION} (triad ${TRIAD_VERSION})`;
