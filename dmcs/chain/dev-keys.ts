/**
 * The EOSIO development key pair (public in every EOSIO/Antelope tutorial; never use it for value).
 * Plain strings in a module of their own, so the CLI's help can name the key without loading the chain.
 */
export const DEV_PUBLIC_KEY = 'EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV';
export const DEV_PRIVATE_KEY = '5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3';
