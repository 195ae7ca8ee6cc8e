/**
 * Why a node cannot start on its data folder, with a stable `code` for callers and a message that
 * says which file, what is wrong and how to fix it.
 */
export type DataFolderErrorCode =
  /** A live node holds the folder's lock. */
  | 'DATA_FOLDER_IN_USE'
  /** `committed.json` is not the marker the node writes. */
  | 'COMMITTED_MARKER_DAMAGED';

export class DataFolderError extends Error {
  override readonly name = 'DataFolderError';
  constructor(readonly code: DataFolderErrorCode, message: string, readonly path: string) {
    super(message);
  }
}
