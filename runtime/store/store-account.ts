/** The account the store contract lives on unless `--store` names another (a module of its own: the CLI's help reads it without the store's code). */
export const DEFAULT_STORE_ACCOUNT = 'dappstore';
