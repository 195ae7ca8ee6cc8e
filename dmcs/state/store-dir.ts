/** The state's on-disk store under the node's data folder (`stateCache`): a module of its own, so the CLI's help names it without loading the node. */
export const STATE_STORE_DIR = 'state';
