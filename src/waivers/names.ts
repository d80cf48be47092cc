/** The waivers file's default path: imports nothing, so --help can name it without loading zod (issue #18). */
export const DEFAULT_WAIVERS_PATH = 'config/waivers.json';
